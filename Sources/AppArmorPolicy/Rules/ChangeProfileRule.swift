import AppArmorSyntax

/// `change_profile [safe|unsafe] [EXEC] [-> TARGET],`
public struct ChangeProfileRule: Sendable {
    /// Environment scrubbing: `unsafe` turns it off (default safe).
    public var safe: Bool
    public var execPath: String?
    public var target: String?
}

struct ChangeProfileEntry {
    let exec: String
    let target: String?
    let safe: Bool
    let range: Range<Int>
    let result: ParseResult
}

extension CheckSession {
    /// change_profile rules for the same exec path and target must agree on safe/unsafe.
    func checkChangeProfileConflicts(_ frame: ProfileFrame) {
        let entries = frame.changeProfiles
        guard entries.count > 1 else { return }
        for i in 1..<entries.count {
            for j in 0..<i where entries[i].exec == entries[j].exec && entries[i].target == entries[j].target
                && entries[i].safe != entries[j].safe {
                report(.safeUnsafeConflict, "change_profile rules for '\(entries[i].exec)' disagree on safe/unsafe",
                       entries[i].range, in: entries[i].result)
                return
            }
        }
    }
}

enum ChangeProfileReader {
    static func read(_ s: RuleScope, frame: ProfileFrame) -> RuleDetail? {
        var elements = s.elements
        var mode: String?
        if case .word(let w, _) = elements.first, w == "safe" || w == "unsafe" {
            mode = w
            elements.removeFirst()
        }
        var exec: String?
        var target: String?
        var execRange = s.ruleRange
        for e in elements {
            switch e {
            case .word(let w, let t):
                guard exec == nil, target == nil else {
                    s.error(.unexpectedElement, "unexpected '\(w)' in a change_profile rule", t.textRange)
                    return nil
                }
                guard let p = s.checkAARE(w, t.textRange) else { return nil }
                guard p.utf8.starts(with: "/".utf8) || p.utf8.starts(with: "{".utf8) || p.utf8.starts(with: "*".utf8) else {
                    s.error(.badValue, "the exec condition of change_profile must be an absolute path", t.textRange)
                    return nil
                }
                exec = p
                execRange = t.textRange
            case .arrow(let t, let n):
                guard let t, let p = s.checkAARE(t, n.textRange) else { return nil }
                target = p
            default:
                s.error(.unexpectedElement, "unexpected text in a change_profile rule", e.range)
                return nil
            }
        }
        if mode != nil, exec == nil {
            s.error(.safeUnsafeConflict, "'\(mode!)' needs an exec path in change_profile", s.ruleRange)
            return nil
        }
        let safe = mode != "unsafe"
        if let exec, !s.qualifiers.deny {
            frame.changeProfiles.append(ChangeProfileEntry(exec: exec, target: target, safe: safe, range: execRange, result: s.result))
        }
        return .changeProfile(ChangeProfileRule(safe: safe, execPath: exec, target: target))
    }
}
