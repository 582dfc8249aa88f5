import AppArmorSyntax

/// Reads a rule written as text (`signal send set=term peer=unconfined,`) into the typed
/// rule the policy model loads it to, so that a request from a log and a rule logprof adds are
/// compared with the profiles' rules by `PolicyRule.covers`/`decides`, the one coverage test.
/// Answers are remembered by text.
public final class RuleTextReader {
    private let checker = PolicyChecker()
    private var memo: [String: [PolicyRule]] = [:]

    public init() {}

    /// The rules one line of profile text loads to (empty when it does not load).
    public func rules(_ text: String) -> [PolicyRule] {
        if let hit = memo[text] { return hit }
        let body = text.hasSuffix(",") ? text : text + ","
        let report = checker.check(path: "/.aaswift-rule-text", bytes: Array(("profile rule-text {\n" + body + "\n}\n").utf8))
        let rules = report.passed ? report.policy.profiles.first?.rules ?? [] : []
        memo[text] = rules
        return rules
    }
}
