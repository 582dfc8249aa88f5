import AppArmorSyntax

/// Reads a rule written as text (`signal send set=term peer=unconfined,`) into the typed
/// rule the policy model loads it to, so that a request from a log and a rule logprof adds are
/// compared with the profiles' rules by `PolicyRule.covers`/`decides`, the one coverage test.
/// Answers are remembered by text; `prefetch` reads many lines in one load.
public final class RuleTextReader {
    private let checker = PolicyChecker()
    private var memo: [String: [PolicyRule]] = [:]

    public init() {}

    /// The rules one line of profile text loads to (empty when it does not load).
    public func rules(_ text: String) -> [PolicyRule] {
        if let hit = memo[text] { return hit }
        let report = checker.check(path: "/.aaswift-rule-text", bytes: Array(("profile rule-text {\n" + Self.line(text) + "\n}\n").utf8))
        let rules = report.passed ? report.policy.profiles.first?.rules ?? [] : []
        memo[text] = rules
        return rules
    }

    /// Reads many lines as one profile, one rule a line: each line without an error is
    /// remembered (a line with one is read again alone when asked).
    public func prefetch(_ texts: [String]) {
        var seen = Set<String>()
        let todo = texts.filter { memo[$0] == nil && !$0.contains("\n") && seen.insert($0).inserted }
        guard todo.count > 1 else { return }
        var text = "profile rule-text {\n"
        var starts: [Int] = []
        for t in todo {
            starts.append(text.utf8.count)
            text += Self.line(t) + "\n"
        }
        text += "}\n"
        let report = checker.check(path: "/.aaswift-rule-text-batch", bytes: Array(text.utf8))
        func lineIndex(_ offset: Int) -> Int? {
            var lo = 0, hi = starts.count - 1
            guard hi >= 0, offset >= starts[0] else { return nil }
            while lo < hi {
                let mid = (lo + hi + 1) / 2
                if starts[mid] <= offset { lo = mid } else { hi = mid - 1 }
            }
            return lo
        }
        var failed = Set<Int>()
        for d in report.diagnostics where d.isError {
            if let i = lineIndex(d.diagnostic.range.lowerBound) { failed.insert(i) } else { return }
        }
        var byLine: [Int: [PolicyRule]] = [:]
        for r in report.policy.profiles.first?.rules ?? [] {
            guard let i = lineIndex(Int(r.node.textRange.lowerBound)) else { continue }
            byLine[i, default: []].append(r)
        }
        for (i, t) in todo.enumerated() where !failed.contains(i) {
            memo[t] = byLine[i] ?? []
        }
    }

    /// A rule as a line of a profile: with its trailing comma, added when missing.
    public static func line(_ text: String) -> String { text.hasSuffix(",") ? text : text + "," }
}
