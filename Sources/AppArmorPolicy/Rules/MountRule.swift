import AppArmorSyntax

/// `mount [conditions] [SOURCE] [-> MOUNTPOINT]`, `remount [conditions] MOUNTPOINT`,
/// `umount [conditions] MOUNTPOINT`.
public struct MountRule: Sendable {
    public var options: [String]
    public var fstype: [String]
    public var source: String?
    public var mountpoint: String?
}

enum MountRuleReader {
    static let propagation: Set<String> = [
        "unbindable", "runbindable", "private", "rprivate", "slave", "rslave", "shared", "rshared",
        "make-unbindable", "make-runbindable", "make-private", "make-rprivate", "make-slave", "make-rslave",
        "make-shared", "make-rshared",
    ]
    static let options: Set<String> = propagation.union([
        "ro", "rw", "r", "w", "suid", "nosuid", "dev", "nodev", "exec", "noexec", "sync", "async", "remount",
        "mand", "nomand", "dirsync", "symfollow", "nosymfollow", "atime", "noatime", "diratime", "nodiratime",
        "bind", "B", "rbind", "R", "move", "M", "verbose", "silent", "loud", "acl", "noacl", "relatime",
        "norelatime", "iversion", "noiversion", "strictatime", "nostrictatime", "lazytime", "nolazytime",
        "user", "nouser", "read-only",
    ])
    static let opposites: [(String, String)] = [
        ("ro", "rw"), ("suid", "nosuid"), ("dev", "nodev"), ("exec", "noexec"), ("sync", "async"),
        ("mand", "nomand"), ("symfollow", "nosymfollow"), ("atime", "noatime"), ("diratime", "nodiratime"),
        ("acl", "noacl"), ("relatime", "norelatime"), ("iversion", "noiversion"), ("strictatime", "nostrictatime"),
        ("lazytime", "nolazytime"), ("user", "nouser"), ("r", "w"), ("ro", "w"), ("r", "rw"),
    ]

    static func read(_ s: RuleScope) -> RuleDetail? {
        var options: [String] = []
        var fstype: [String] = []
        var words: [(String, Token)] = []
        var target: (String, Range<Int>)?
        var conflict: (String, String)?
        // The options of each `options=` and of `options in` (MountEncoding).
        var exact: [[String]] = []
        var optional: [String] = []
        for e in s.elements {
            switch e {
            case .condition(let key, let op, let values, _, let node):
                switch key {
                case "options", "option":
                    guard op == "=" || op == "in" else {
                        s.error(.badCondition, "options=( ... ) expected", node.textRange)
                        return nil
                    }
                        var these: [String] = []
                    defer {
                        if op == "=" {
                            for (a, b) in opposites where these.contains(a) && these.contains(b) { conflict = (a, b) }
                        }
                    }
                    defer { if op == "=" { exact.append(these) } else { optional += these } }
                    for (v, t) in values {
                        for o in v.split(separator: ",").map(String.init) {
                            guard MountRuleReader.options.contains(o) else {
                                s.error(.badMountOption, "unknown mount option '\(o)'", t.textRange)
                                return nil
                            }
                            if let v = s.session.givenVersion, !v.readsMountOption(o) {
                                s.error(.featureUnsupported, s.session.parserRefusal("mount option '\(o)' needs apparmor_parser 4.0 or later"), t.textRange)
                                return nil
                            }
                            options.append(o)
                            these.append(o)
                        }
                    }
                case "fstype", "vfstype":
                    for (v, t) in values {
                        guard s.checkAARE(v, t.textRange) != nil else { return nil }
                        fstype.append(v)
                    }
                default:
                    s.error(.badCondition, "unknown mount condition '\(key)'", node.textRange)
                    return nil
                }
            case .word(let w, let t):
                words.append((w, t))
            case .arrow(let t, let n):
                guard let t else { return nil }
                target = (t, n.textRange)
            default:
                s.error(.unexpectedElement, "unexpected text in a mount rule", e.range)
                return nil
            }
        }
        if let (a, b) = conflict, s.session.givenVersion?.refusesConflictingMountOptions ?? true {
            s.error(.badMountOption, "mount options '\(a)' and '\(b)' conflict", s.ruleRange)
            return nil
        }
        if words.count > 1 {
            s.error(.unexpectedElement, "unexpected '\(words[1].0)' in a mount rule", words[1].1.textRange)
            return nil
        }
        var source = words.first?.0
        var mountpoint = target?.0
        let kind = s.node.kind
        if kind != .mountRule {
            if target != nil {
                s.error(.unexpectedElement, "\(kind == .umountRule ? "umount" : "remount") takes no '->'", target!.1)
                return nil
            }
            mountpoint = source
            source = nil
        } else if case let problem = { (v: ParserVersion?) in
                      MountEncoding.problem(exact: exact, optional: optional, source: source != nil, mountpoint: mountpoint != nil,
                                            fstype: !fstype.isEmpty, version: v) },
                  let why = problem(s.session.givenVersion) {
            // What 3.0 alone cannot encode is said as a version refusal.
            if let v = s.session.givenVersion, !v.mountsChangeWithASource, problem(nil) == nil {
                s.error(.featureUnsupported, s.session.parserRefusal("\(why) before apparmor_parser 4.0"), s.ruleRange)
            } else {
                s.error(.badMountOption, why, s.ruleRange)
            }
            return nil
        }
        if let src = source, let t = words.first?.1, s.checkAARE(src, t.textRange) == nil { return nil }
        if let mp = mountpoint, s.checkAARE(mp, target?.1 ?? s.ruleRange) == nil { return nil }
        return .mount(MountRule(options: options, fstype: fstype, source: source, mountpoint: mountpoint))
    }

    static func pivotRoot(_ s: RuleScope) -> RuleDetail? {
        var old: String?
        var new: String?
        var target: String?
        for e in s.elements {
            switch e {
            case .condition(let key, _, let values, _, let node):
                guard key == "oldroot", values.count == 1 else {
                    s.error(.badCondition, "unknown pivot_root condition '\(key)'", node.textRange)
                    return nil
                }
                old = values[0].0
            case .word(let w, let t):
                guard new == nil, s.checkAARE(w, t.textRange) != nil else { return nil }
                new = w
            case .arrow(let t, _):
                target = t
            default:
                s.error(.unexpectedElement, "unexpected text in a pivot_root rule", e.range)
                return nil
            }
        }
        return .pivotRoot(oldRoot: old, newRoot: new, target: target)
    }
}
