import AuditLog

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

    /// What was decided for each `profile=` value seen (up to `maxDecided` of them): a record
    /// costs one look-up by its value's bytes, where they lie in the line, instead of a name
    /// made and looked up twice.
    private var values = ByteStringIndex()
    private var decided: [Bool] = []
    static let maxDecided = 4096

    func skips(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let names, let value = RecordPeek.soleProfile(line) else { return false }
        var skip = values.number(of: value).map { decided[$0] }
        if skip == nil {
            let name = LogprofEventCollector.profileName(splitProfileName(Array(value)).profile)
            skip = !names.contains(name)
            if skip == true { profiles.insert(name) }
            if decided.count < Self.maxDecided, values.insert(value).inserted { decided.append(skip == true) }
        }
        if skip == true { records += 1 }
        return skip == true
    }
}
