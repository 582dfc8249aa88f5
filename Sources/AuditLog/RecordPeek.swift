/// What a raw log line says before it is parsed, where it can say it one way only.
public enum RecordPeek {
    /// The quoted value of the record's one profile key, when the line is an ALLOWED or DENIED
    /// record that reads only one way (logprof's `UnknownProfileLines` says which); else nil.
    /// One pass over the line's `=` signs, each with the word before it (the record parser's
    /// key bytes, `isKeyChar`): the key it ends.
    public static func soleProfile(_ line: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        var verdicts = 0
        var profile: UnsafeBufferPointer<UInt8>?
        var profiles = 0
        var from = 0
        while from < line.count, let at = ByteSearch.firstIndex(of: 0x3D, in: UnsafeBufferPointer(rebasing: line[from...])) {
            let eq = from + at
            from = eq + 1
            // Only keys ending in l, s, e or r matter (label, class, profile, namespace,
            // apparmor): the others are passed without reading the key.
            guard eq > 0 else { continue }
            let last = line[eq - 1]
            guard last == 0x6C || last == 0x73 || last == 0x65 || last == 0x72 else { continue }
            var k = eq - 1
            while k > 0, isKeyChar(line[k - 1]) { k -= 1 }
            let key = UnsafeBufferPointer(rebasing: line[k..<eq])
            let value = UnsafeBufferPointer(rebasing: line[from...])
            let before: UInt8 = k > 0 ? line[k - 1] : 0
            if equals(key, "apparmor") {
                verdicts += 1
                guard before == 0x20 || before == 0x27, startsWith(value, "\"ALLOWED\"") || startsWith(value, "\"DENIED\"") else { return nil }
            } else if equals(key, "profile") || equals(key, "label") {
                profiles += 1
                guard before == 0x20, equals(key, "profile"), let v = quoted(value) else { return nil }
                profile = v
            } else if equals(key, "namespace") || (equals(key, "class") && startsWith(value, "\"namespace")) {
                return nil
            }
        }
        guard verdicts == 1, profiles == 1 else { return nil }
        return profile
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
        b.count == s.utf8CodeUnitCount && startsWith(b, s)
    }
}
