/// The kinds of node in the concrete syntax tree.
public enum SyntaxKind: String, Sendable, CaseIterable {
    case sourceFile
    // Preamble and line statements
    case abi, include, alias, variableAssignment, booleanAssignment
    // Conditionals: `if EXPR { } else if EXPR { } else { }`
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
        switch keyword {
        case "file": .fileRule
        case "link": .linkRule
        case "capability": .capabilityRule
        case "network": .networkRule
        case "unix": .unixRule
        case "dbus": .dbusRule
        case "signal": .signalRule
        case "ptrace": .ptraceRule
        case "mount": .mountRule
        case "remount": .remountRule
        case "umount", "unmount": .umountRule
        case "pivot_root": .pivotRootRule
        case "change_profile": .changeProfileRule
        case "userns": .usernsRule
        case "io_uring": .ioUringRule
        case "mqueue": .mqueueRule
        case "all": .allRule
        default: nil
        }
    }
}
