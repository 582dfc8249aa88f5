import AppArmorSyntax

/// A rule printed in canonical form: its text with the final comma, no indentation.
public struct PrintedRule: Sendable, Equatable, Hashable {
    public let kind: SyntaxKind
    public let text: String

    public init(kind: SyntaxKind, text: String) {
        self.kind = kind
        self.text = text
    }
}

/// A profile, hat or child profile to print from scratch.
public struct NewProfile: Sendable, Equatable {
    public var name: String
    /// The name as written in the header, already quoted by its maker (names from logs);
    /// nil: `name`, quoted when it needs it.
    public var nameToken: String?
    public var attachment: String?
    public var flags: [String]
    public var isHat: Bool
    /// A child profile: `profile NAME {` even when the name is a path.
    public var isChild: Bool
    /// `abstractions/base`...: printed as `include <...>` first in the block.
    public var includes: [String]
    public var rules: [PrintedRule]
    public var children: [NewProfile]

    public init(name: String, nameToken: String? = nil, attachment: String? = nil, flags: [String] = [], isHat: Bool = false,
                isChild: Bool = false, includes: [String] = [], rules: [PrintedRule] = [], children: [NewProfile] = []) {
        self.name = name
        self.nameToken = nameToken
        self.attachment = attachment
        self.flags = flags
        self.isHat = isHat
        self.isChild = isChild
        self.includes = includes
        self.rules = rules
        self.children = children
    }
}

/// Prints new rules and new profiles the way upstream's tools lay them out (aa-autodep,
/// aa-logprof): two-space indentation, includes first, rules grouped by family with a blank
/// line after each group (the last one too), hats and child profiles last.
public enum CanonicalPrinter {
    /// The order of rule families in a printed profile.
    static let familyOrder: [SyntaxKind] = [
        .changeHatDecl, .rlimitRule, .capabilityRule, .networkRule, .mountRule, .remountRule, .umountRule,
        .pivotRootRule, .changeProfileRule, .signalRule, .ptraceRule, .dbusRule, .unixRule, .usernsRule,
        .ioUringRule, .mqueueRule, .allRule, .linkRule, .fileRule,
    ]

    public static let indentStep = "  "

    // MARK: rules

    public static func capability(_ name: String, qualifiers: [String] = []) -> PrintedRule {
        PrintedRule(kind: .capabilityRule, text: prefix(qualifiers) + "capability \(name),")
    }

    /// `[qualifiers] PATH PERMS [-> TARGET],`; the path is quoted when it needs it.
    public static func file(_ path: String, permissions: String, target: String? = nil, qualifiers: [String] = []) -> PrintedRule {
        var text = prefix(qualifiers) + QuotedString.quoteIfNeeded(Array(path.utf8)) + " " + permissions
        if let target { text += " -> " + QuotedString.quoteIfNeeded(Array(target.utf8)) }
        return PrintedRule(kind: .fileRule, text: text + ",")
    }

    /// `[qualifiers] network [DOMAIN] [TYPE],`
    public static func network(domain: String? = nil, type: String? = nil, qualifiers: [String] = []) -> PrintedRule {
        let parts = ["network", domain, type].compactMap { $0 }
        return PrintedRule(kind: .networkRule, text: prefix(qualifiers) + parts.joined(separator: " ") + ",")
    }

    /// Any other rule, given its words; a comma is added when missing.
    public static func rule(_ kind: SyntaxKind, _ words: [String], qualifiers: [String] = []) -> PrintedRule {
        var text = prefix(qualifiers) + words.joined(separator: " ")
        if !text.hasSuffix(",") { text += "," }
        return PrintedRule(kind: kind, text: text)
    }

    static func prefix(_ qualifiers: [String]) -> String {
        qualifiers.isEmpty ? "" : qualifiers.joined(separator: " ") + " "
    }

    // MARK: profiles

    /// The header line: `profile NAME [ATTACH] [flags=(...)] {`, `^hat {`, or `/path {` for a
    /// profile named by its path with no separate attachment.
    public static func header(_ p: NewProfile) -> String {
        var parts: [String] = []
        let name = p.nameToken ?? QuotedString.quoteIfNeeded(Array(p.name.utf8))
        if p.isHat {
            parts.append("^" + name)
        } else if p.attachment == nil, !p.isChild, p.name.hasPrefix("/") {
            parts.append(name)
        } else {
            parts.append("profile " + name)
            if let a = p.attachment { parts.append(QuotedString.quoteIfNeeded(Array(a.utf8))) }
        }
        if !p.flags.isEmpty { parts.append("flags=(\(p.flags.joined(separator: ", ")))") }
        return parts.joined(separator: " ") + " {"
    }

    /// The profile's lines, indented `depth` steps, each ending with a line feed.
    public static func profile(_ p: NewProfile, depth: Int = 0) -> String {
        profile(p, indent: String(repeating: indentStep, count: depth), step: indentStep)
    }

    /// The profile's lines, its header at `indent`, its items one `step` further (a file's own
    /// indentation, tabs or spaces), each line ending with a line feed. `blankBeforeClose`:
    /// upstream's blank line after the last group too (new files); a block added to an
    /// existing file closes right after its last rule, as people write them.
    public static func profile(_ p: NewProfile, indent pad: String, step: String, blankBeforeClose: Bool = true) -> String {
        let inner = pad + step
        var groups: [[String]] = []
        if !p.includes.isEmpty { groups.append(p.includes.map { inner + "include <\($0)>" }) }
        let order = Dictionary(uniqueKeysWithValues: familyOrder.enumerated().map { ($1, $0) })
        var byKind: [SyntaxKind: [String]] = [:]
        for rule in p.rules { byKind[rule.kind, default: []].append(inner + rule.text) }
        for kind in byKind.keys.sorted(by: { (order[$0] ?? 99, $0.rawValue) < (order[$1] ?? 99, $1.rawValue) }) {
            groups.append(byKind[kind]!)
        }
        for child in p.children {
            groups.append([String(profile(child, indent: inner, step: step, blankBeforeClose: blankBeforeClose).dropLast())])
        }
        var out = pad + header(p) + "\n"
        out += groups.map { $0.joined(separator: "\n") + "\n" }.joined(separator: "\n")
        if blankBeforeClose && !groups.isEmpty { out += "\n" }
        out += pad + "}\n"
        return out
    }

    /// A whole new profile file: abi, tunables, then the profile.
    public static func file(abi: String? = "abi/3.0", tunables: Bool = true, profiles: [NewProfile]) -> String {
        var out = ""
        if let abi { out += "abi <\(abi)>,\n\n" }
        if tunables { out += "include <tunables/global>\n\n" }
        out += profiles.map { profile($0) }.joined(separator: "\n")
        return out
    }
}
