/// The kinds of node in the concrete syntax tree.
public enum SyntaxKind: String, Sendable, CaseIterable {
    case sourceFile
    // Preamble and line statements
    case abi, include, alias, variableAssignment, booleanAssignment
    // Conditionals: `if EXPR { } else if EXPR { } else { }`. An and/or chain is one node with
    // its operands and operators in turn (`A and B and C`).
    case conditional, elseClause
    case orExpr, andExpr, notExpr, definedExpr, comparisonExpr, parenExpr, operand
    // Profiles and blocks
    case profile, hat, qualifierBlock, block
    // Parts of rules and headers
    case qualifiers, condition, list, arrowTarget
    // Rules, one kind per rule family
    case fileRule, linkRule, capabilityRule, networkRule, unixRule, dbusRule, signalRule
    case ptraceRule, mountRule, remountRule, umountRule, pivotRootRule, changeProfileRule
    case rlimitRule, usernsRule, ioUringRule, mqueueRule, allRule, changeHatDecl
    /// Bytes the parser could not read as any construct (always with a diagnostic).
    case error

    public var isRule: Bool {
        switch self {
        case .fileRule, .linkRule, .capabilityRule, .networkRule, .unixRule, .dbusRule, .signalRule,
             .ptraceRule, .mountRule, .remountRule, .umountRule, .pivotRootRule, .changeProfileRule,
             .rlimitRule, .usernsRule, .ioUringRule, .mqueueRule, .allRule, .changeHatDecl:
            true
        default:
            false
        }
    }

    /// Every keyword that starts a rule of its own kind.
    public static let ruleKeywords = [
        "file", "link", "capability", "network", "unix", "dbus", "signal", "ptrace", "mount", "remount",
        "umount", "unmount", "pivot_root", "change_profile", "userns", "io_uring", "mqueue", "all",
    ]

    /// The rule kind a leading keyword selects.
    public static func ruleKind(forKeyword keyword: String) -> SyntaxKind? {
        // Most words here are paths or permissions: a cheap test on the first byte and the
        // length answers for them.
        guard let f = keyword.utf8.first, f >= UInt8(ascii: "a"), f <= UInt8(ascii: "u"),
              keyword.utf8.count <= 14 else { return nil }
        return keywordKinds[keyword]
    }

    private static let keywordKinds: [String: SyntaxKind] = [
        "file": .fileRule, "link": .linkRule, "capability": .capabilityRule, "network": .networkRule,
        "unix": .unixRule, "dbus": .dbusRule, "signal": .signalRule, "ptrace": .ptraceRule,
        "mount": .mountRule, "remount": .remountRule, "umount": .umountRule, "unmount": .umountRule,
        "pivot_root": .pivotRootRule, "change_profile": .changeProfileRule, "userns": .usernsRule,
        "io_uring": .ioUringRule, "mqueue": .mqueueRule, "all": .allRule,
    ]
}
