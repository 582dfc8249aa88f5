import AppArmorSyntax

/// Whether apparmor_parser can encode a mount rule: it turns each rule into kernel rules by
/// what its options ask (remount, bind, move, a propagation change, or a new mount), and stops
/// with "Encoding of mount rule failed" when none fits the rule's paths and fstype. Measured
/// against 3.0.8 and 4.1 on every mix of option kinds, paths and fstype (MountRuleTests).
///
/// 4.x (and the development line): each `options=` list is tried on its own, by the bits it
/// sets (`rw`, `suid`... set none); `options in` lists only flags a mount may have. A list
/// fits when it sets none, or has remount without a source or fstype, bind without fstype, a
/// propagation change without fstype and without both a source and a mount point, move
/// without fstype, or any other flag (set here or listed with `in`). The rule fails when no
/// list fits.
///
/// 3.0: every option of the rule, set or cleared, `=` or `in`, counts as one list, and a
/// propagation change takes no source at all.
enum MountEncoding {
    struct Kinds: OptionSet {
        let rawValue: UInt8
        static let remount = Kinds(rawValue: 1)
        static let bind = Kinds(rawValue: 2)
        static let move = Kinds(rawValue: 4)
        static let change = Kinds(rawValue: 8)
        /// Any other flag the option sets (or, for 3.0 and `in`, clears).
        static let other = Kinds(rawValue: 16)
    }

    /// Options that only clear a flag (apparmor_parser's table: set 0).
    static let clearOnly: Set<String> = [
        "rw", "w", "suid", "dev", "exec", "async", "nomand", "symfollow", "atime", "diratime", "loud",
        "noacl", "norelatime", "noiversion", "nostrictatime", "nolazytime", "user",
    ]

    static func kinds(_ options: [String], countingClears: Bool) -> Kinds {
        var k: Kinds = []
        for o in options {
            switch o {
            case "remount": k.insert(.remount)
            case "bind", "B", "rbind", "R": k.insert(.bind)
            case "move", "M": k.insert(.move)
            case _ where MountRuleReader.propagation.contains(o): k.insert(.change)
            case _ where clearOnly.contains(o): if countingClears { k.insert(.other) }
            default: k.insert(.other)
            }
        }
        return k
    }

    /// Why the rule encodes no mount, or nil when it does. `exact`: each `options=` list;
    /// `optional`: the options of `options in`.
    static func problem(exact: [[String]], optional: [String], source: Bool, mountpoint: Bool, fstype: Bool,
                        version: ParserVersion?) -> String? {
        if let v = version, !v.mountsChangeWithASource {
            let all = kinds(exact.flatMap { $0 } + optional, countingClears: true)
            return reason(all, source: source, mountpoint: mountpoint, fstype: fstype, strictChange: true)
        }
        let extra = kinds(optional, countingClears: true).intersection(.other)
        var first: String?
        for list in exact {
            guard let why = reason(kinds(list, countingClears: false).union(extra), source: source, mountpoint: mountpoint,
                                   fstype: fstype, strictChange: false) else { return nil }
            first = first ?? why
        }
        return first
    }

    /// Why one list of option kinds fits no encoding, or nil. `strictChange`: a propagation
    /// change takes no source (3.0).
    static func reason(_ k: Kinds, source: Bool, mountpoint: Bool, fstype: Bool, strictChange: Bool) -> String? {
        if k.isEmpty || k.contains(.other) { return nil }
        if k.contains(.remount), !source, !fstype { return nil }
        if k.contains(.bind) || k.contains(.move), !fstype { return nil }
        if k.contains(.change), !fstype, strictChange ? !source : !(source && mountpoint) { return nil }
        let name = k.contains(.remount) ? "remount" : k.contains(.bind) ? "bind" : k.contains(.move) ? "move" : "propagation options (private, shared, slave, unbindable)"
        if fstype { return "\(name) \(name.hasPrefix("prop") ? "take" : "takes") no fstype" }
        if k.contains(.change), strictChange { return "propagation options (private, shared, slave, unbindable) take no source, only a mount point" }
        if k.contains(.change) { return "propagation options (private, shared, slave, unbindable) take only a mount point" }
        return "remount takes only a mount point"
    }
}
