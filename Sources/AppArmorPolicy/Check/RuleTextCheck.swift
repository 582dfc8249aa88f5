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

    /// `problem` for many rules (no `kind`, no variables), in one parse and one check: each
    /// rule on a line of its own in one profile. A rule the batch shows as exactly one item
    /// within its line, with no qualifier but audit/deny/owner/allow and no error anywhere on
    /// its line, passes; any other (an error, a rule that spills over its line, a batch whose
    /// shape is off) is checked alone by `problem`, so the batch can only save work, never
    /// change an answer to "valid".
    public static func problems(_ rules: [String], features: FeatureSet? = nil) -> [String?] {
        checked(rules, features: features).map(\.problem)
    }

    /// A rule checked by `problems`, and the typed rules it loads to when it passed in a batch
    /// (empty when it failed, or was checked alone): what a reader of the same text would give,
    /// without a second parse.
    public struct Checked: Sendable {
        public var problem: String?
        public var rules: [PolicyRule]
    }

    /// `problems`, with each passing rule's typed rules.
    public static func checked(_ rules: [String], features: FeatureSet? = nil) -> [Checked] {
        // A long list (a busy log's requests of one profile) is checked in parts, one profile
        // each, on the machine's processors.
        let workers = min(Processors.available, rules.count / partMinimum)
        if workers > 1 {
            let size = (rules.count + workers - 1) / workers
            let parts = stride(from: 0, to: rules.count, by: size).map { Array(rules[$0..<min($0 + size, rules.count)]) }
            return parallelMap(parts, workers: workers) { batch($0, features: features) }.flatMap { $0 }
        }
        return batch(rules, features: features)
    }

    /// The fewest rules worth a part of their own.
    static let partMinimum = 64

    static func batch(_ rules: [String], features: FeatureSet?) -> [Checked] {
        func alone() -> [Checked] { rules.map { Checked(problem: problem($0, features: features), rules: []) } }
        guard rules.count > 1 else { return alone() }
        let checker = PolicyChecker(options: CheckOptions(features: features))
        let r = checker.cache.add(path: "<rules>", bytes: Array(RuleLines.profileText(rules, name: "aaswift-rule-check").utf8))
        var suspect = Set<Int>()          // lines (0-based rule index) to check alone
        var itemsOnLine = [Int](repeating: 0, count: rules.count)
        let source = r.source
        func ruleIndex(_ offset: Int) -> Int? { RuleLines.rule(at: offset, in: source, count: rules.count) }
        let profiles = r.profiles
        if profiles.count != 1 || r.root.childNodes.count != 1 { return alone() }
        for d in r.diagnostics where d.severity == .error {
            guard let i = ruleIndex(d.range.lowerBound) else { return alone() }
            suspect.insert(i)
        }
        for node in profiles[0].items {
            let range = Int(node.textRange.lowerBound)..<Int(node.textRange.upperBound)
            guard let i = ruleIndex(range.lowerBound), ruleIndex(max(range.lowerBound, range.upperBound - 1)) == i else {
                return alone()
            }
            itemsOnLine[i] += 1
            guard let syntax = RuleSyntax(node), node.kind != .alias,
                  !syntax.qualifiers(in: r).contains(where: { $0 != "audit" && $0 != "deny" && $0 != "owner" && $0 != "allow" }) else {
                suspect.insert(i)
                continue
            }
        }
        let report = checker.check(r)
        for d in report.errors {
            guard let i = ruleIndex(d.diagnostic.range.lowerBound) else { return alone() }
            suspect.insert(i)
        }
        var typed = [[PolicyRule]](repeating: [], count: rules.count)
        for rule in report.policy.profiles.first?.rules ?? [] {
            if let i = ruleIndex(Int(rule.node.textRange.lowerBound)) { typed[i].append(rule) }
        }
        return rules.indices.map { i in
            let clean = itemsOnLine[i] == 1 && !suspect.contains(i) && !rules[i].utf8.contains(where: { $0 < 0x20 || $0 == 0x7F })
            return clean ? Checked(problem: nil, rules: typed[i]) : Checked(problem: problem(rules[i], features: features), rules: [])
        }
    }
}
