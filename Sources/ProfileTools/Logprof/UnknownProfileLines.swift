import AuditLog
#if canImport(Glibc)
import Glibc
#endif

/// Lines of a log that logprof would read only to drop: an ALLOWED or DENIED record of a
/// profile the folder lacks. Seen on the raw line, such a record is counted (an AppArmor
/// record, its profile among those "not in the folder") and not parsed.
///
/// A line is left out only when it can be read one way: one `apparmor="ALLOWED"` or
/// `apparmor="DENIED"`, one profile key (`profile=` or its synonym `label=`; `peer_profile=`
/// and the like are other keys), written `profile="..."`, and no `namespace` key or
/// `class="namespace"` (a user-namespace record's rule belongs to its `execpath`, not to its
/// profile). A key is the word before an `=`, wherever it stands: an `=` inside a value that
/// makes a second profile key leaves the line to the parser. Any other line
/// goes to the parser, so a crafted line can at worst be parsed, never lose a request of a
/// profile the folder has: the profile a skipped record's requests would name is that one key's.
final class UnknownProfileLines {
    /// The folder's top-level profile names; nil: nothing is left out.
    var names: Set<String>?
    /// Records left out, and the profiles they named.
    private(set) var records = 0
    private(set) var profiles = Set<String>()

    func skips(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let names, let value = Self.soleProfile(line) else { return false }
        let name = LogprofEventCollector.profileName(splitProfileName(Array(value)).profile)
        if names.contains(name) { return false }
        records += 1
        profiles.insert(name)
        return true
    }

    /// The quoted value of the record's one profile key, when the line is an ALLOWED or DENIED
    /// record that reads only one way (see the type's comment); else nil. One pass over the
    /// line's `=` signs, each with the word before it: the key it ends.
    static func soleProfile(_ line: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        guard let base = line.baseAddress else { return nil }
        var verdicts = 0
        var profile: UnsafeBufferPointer<UInt8>?
        var profiles = 0
        var from = 0
        while from < line.count, let hit = memchr(base + from, 0x3D, line.count - from) {
            let eq = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            from = eq + 1
            var k = eq
            while k > 0, isKeyByte(line[k - 1]) { k -= 1 }
            let key = UnsafeBufferPointer(rebasing: line[k..<eq])
            let value = UnsafeBufferPointer(rebasing: line[from...])
            let before: UInt8 = k > 0 ? line[k - 1] : 0
            if equals(key, "apparmor") {
                verdicts += 1
                guard before == 0x20 || before == 0x27, starts(value, "\"ALLOWED\"") || starts(value, "\"DENIED\"") else { return nil }
            } else if equals(key, "profile") || equals(key, "label") {
                profiles += 1
                guard before == 0x20, equals(key, "profile"), let v = quoted(value) else { return nil }
                profile = v
            } else if equals(key, "namespace") || (equals(key, "class") && starts(value, "\"namespace")) {
                return nil
            }
        }
        guard verdicts == 1, profiles == 1 else { return nil }
        return profile
    }

    /// A letter, digit or `_`: the bytes of a key.
    private static func isKeyByte(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || b == 0x5F
    }

    /// The text between the quotes a value starts with (not empty), or nil.
    private static func quoted(_ value: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        guard value.count > 2, value[0] == 0x22 else { return nil }
        var close = 1
        while close < value.count, value[close] != 0x22 { close += 1 }
        guard close < value.count, close > 1 else { return nil }
        return UnsafeBufferPointer(rebasing: value[1..<close])
    }

    private static func equals(_ b: UnsafeBufferPointer<UInt8>, _ s: StaticString) -> Bool {
        b.count == s.utf8CodeUnitCount && starts(b, s)
    }

    private static func starts(_ b: UnsafeBufferPointer<UInt8>, _ s: StaticString) -> Bool {
        let n = s.utf8CodeUnitCount
        guard b.count >= n else { return false }
        for i in 0..<n where b[i] != s.utf8Start[i] { return false }
        return true
    }
}
