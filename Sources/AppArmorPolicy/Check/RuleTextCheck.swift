import AppArmorSyntax

/// Checks one rule written by a tool (from a log record, a plan) before it joins a profile: it
/// must be exactly one rule, of the expected kind when one is named, that parses and validates
/// in a profile of its own. A rule that fails is refused, never written.
public enum RuleTextCheck {
    /// Why `rule` (with its trailing comma) is not one valid rule, or nil when it is. `kind`
    /// names the rule kind it must be (a plan's family), when given.
    /// `variablesFrom`: a profile folder whose `tunables/global` defines the variables the rule
    /// may use (a rule written from a log uses none).
    public static func problem(_ rule: String, kind: SyntaxKind? = nil, features: FeatureSet? = nil, variablesFrom folder: String? = nil) -> String? {
        if rule.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
            return "the rule holds a control character (a line break...)"
        }
        var preamble = ""
        var options = CheckOptions(features: features)
        if let folder {
            options.searchPath = IncludeSearchPath(base: folder)
            preamble = "include if exists <tunables/global>\n"
        }
        let text = preamble + "profile aaswift-rule-check {\n  " + rule + "\n}\n"
        let path = "<rule>"
        let checker = PolicyChecker(options: options)
        let r = checker.cache.add(path: path, bytes: Array(text.utf8))
        if let d = r.diagnostics.first(where: { $0.severity == .error }) { return d.message }
        guard r.profiles.count == 1, r.root.childNodes.count == (folder == nil ? 1 : 2) else { return "not a single rule" }
        let items = r.profiles[0].items
        guard items.count == 1, let node = items.first, let syntax = RuleSyntax(node), node.kind != .alias else {
            return "not a single rule"
        }
        if let kind, node.kind != kind {
            return "a \(node.kind) where a \(kind) was expected"
        }
        if syntax.qualifiers(in: r).contains(where: { $0 != "audit" && $0 != "deny" && $0 != "owner" && $0 != "allow" }) {
            return "unexpected qualifier"
        }
        return checker.check(r).errors.first?.diagnostic.message
    }
}
