import AppArmorPolicy
import AppArmorSyntax
import AuditLog

/// One request to explain: a file access or exec (matched against the file rules' patterns,
/// permissions adding up across rules) or any other kind, as the typed rule that asks for it
/// (compared with the profile's rules by `PolicyRule.decides`, the one coverage test).
public struct ExplainRequest: Sendable {
    public enum Kind: Sendable {
        case file(path: [UInt8], permissions: PermissionSet, owner: Bool)
        case exec(path: [UInt8])
        /// A request other than files, as the rule that would allow it (nil: it cannot be
        /// written as a rule, so no rule decides it).
        case rule(PolicyRule?)
    }

    public var kind: Kind
    /// How messages name it: `/etc/passwd r`, `capability net_admin`.
    public var label: String

    public init(kind: Kind, label: String) {
        self.kind = kind
        self.label = label
    }

    /// The request of a log event: files and exec by path; the rest as the finest rule
    /// `RuleText` writes for it (`CoverageSet.request`).
    public static func from(_ event: EventKind, reader: RuleTextReader) -> ExplainRequest {
        switch event {
        case .file(let f):
            return ExplainRequest(kind: .file(path: f.path, permissions: f.permissions, owner: f.owner),
                                  label: "\(f.owner ? "owner " : "")\(QuotedString.quoteIfNeeded(f.path)) \(f.permissions.text)")
        case .exec(let path, _):
            return ExplainRequest(kind: .exec(path: path), label: "exec \(QuotedString.quoteIfNeeded(path))")
        default:
            let rule = CoverageSet.request(event, reader: reader)
            let label = RuleText.unchecked(for: event).map { String($0.line.dropLast($0.line.hasSuffix(",") ? 1 : 0)) } ?? "\(event)"
            return ExplainRequest(kind: .rule(rule), label: label)
        }
    }

    /// A request written as a rule (`capability net_admin`, `network inet stream`), read by the
    /// policy model; nil when the text is not a valid rule.
    public static func rule(_ text: String, reader: RuleTextReader) -> ExplainRequest? {
        guard let r = reader.rules(text).first else { return nil }
        return ExplainRequest(kind: .rule(r), label: text)
    }
}

/// What the profile decides for a request.
public enum ExplainVerdict: String, Sendable {
    case allowed, denied
    case notCovered = "not-covered"
}

/// A rule that takes part in the answer.
public struct ExplainRule: Sendable, Equatable {
    /// The file the rule is written in and its 1-based line.
    public var file: String
    public var line: Int
    /// How the profile reaches that file: each `include` as `file:line`, outermost first
    /// (empty for a rule of the profile's own file).
    public var includedVia: [String]
    /// The rule as written (variables unexpanded).
    public var text: String
    /// Its pattern with variables expanded (file rules), or nil.
    public var expanded: String?
    /// `allow` or `deny`.
    public var effect: String
    /// Whether the rule counts for this request (an owner rule does not when the task does not
    /// own the file).
    public var applies: Bool
    /// Why it matters: deny wins, owner, audit, the exec transition.
    public var reasons: [String]

    public var location: String { "\(file):\(line)" }
}

/// The answer for one request in one profile.
public struct Explanation: Sendable {
    public var request: String
    public var profile: String
    public var profileFile: String
    /// `enforce`, `complain`, `kill`, `unconfined`, `default_allow` or `prompt`.
    public var mode: String
    public var verdict: ExplainVerdict
    /// One sentence: what happens and why.
    public var summary: String
    public var rules: [ExplainRule]
    /// Requested file permissions no rule grants (file requests left partly uncovered).
    public var missing: String?
    /// Whether the kernel logs the request (audit rule, a denial, complain mode).
    public var logged: Bool

    /// The answer for a request whose profile the folder does not define.
    public static func noProfile(request: String, name: String, folder: String) -> Explanation {
        Explanation(request: request, profile: name, profileFile: "", mode: "unknown", verdict: .notCovered,
                    summary: "no profile named '\(name)' in \(folder)", rules: [], missing: nil, logged: true)
    }
}

/// Explains how a loaded profile decides a request: the rules that match it (through
/// includes, with variables expanded), which wins and why. The answers follow the policy
/// model's semantics: permissions add up across allow rules, any matching deny rule refuses its
/// permissions, `owner` rules apply only to files the task owns, an exec's transition comes
/// from the exact-match rule before globs.
public final class Explainer {
    public let checker: PolicyChecker
    private var matchers: [String: AAREMatcher?] = [:]
    private var trails: [String: [String: [String]]] = [:]

    public init(checker: PolicyChecker) { self.checker = checker }

    /// The mode a profile's flags put it in.
    public static func mode(of profile: Profile) -> String {
        for m in ["kill", "unconfined", "default_allow", "prompt", "complain"] where profile.flags.contains(m) { return m }
        return "enforce"
    }

    public func explain(_ request: ExplainRequest, in profile: Profile) -> Explanation {
        let mode = Self.mode(of: profile)
        var rules: [ExplainRule] = []
        var allow = PermissionSet(), deny = PermissionSet()
        var decidedAllow = false, decidedDeny = false
        var auditAllow = false, auditDeny = false
        let everything = profile.rules.first { $0.kind == .allRule && !$0.qualifiers.deny }
        switch request.kind {
        case .file(let path, let want, let owner):
            for r in profile.rules {
                guard case .file(let f) = r.detail else { continue }
                let mask = f.permissions.granted
                guard !mask.intersection(want).isEmpty, matches(f.path, path) else { continue }
                let applies = !r.qualifiers.owner || owner
                var reasons: [String] = []
                if r.qualifiers.owner {
                    reasons.append(owner ? "owner: applies because the task owns the file"
                                         : "owner: does not apply, the task does not own the file")
                }
                if applies {
                    if r.qualifiers.deny { deny.formUnion(mask.intersection(want)) } else { allow.formUnion(mask.intersection(want)) }
                    if r.qualifiers.audit { if r.qualifiers.deny { auditDeny = true } else { auditAllow = true } }
                }
                rules.append(describe(r, expanded: f.path ?? "/{**,}", applies: applies, reasons: reasons, granting: mask.intersection(want)))
            }
            decidedDeny = !deny.isEmpty
            decidedAllow = want.isSubset(of: allow)
            if !decidedDeny, !decidedAllow, everything != nil { decidedAllow = true }
            if decidedDeny, !allow.intersection(deny).isEmpty {
                for i in rules.indices where rules[i].effect == "allow" && rules[i].applies {
                    rules[i].reasons.append("overridden: a deny rule wins over allow rules for \(allow.intersection(deny).text)")
                }
            }
        case .exec(let path):
            var literal: [(Int, ExecMode)] = [], glob: [(Int, ExecMode)] = []
            for r in profile.rules {
                guard case .file(let f) = r.detail, f.permissions.granted.contains(.exec) || f.permissions.exec != nil,
                      matches(f.path, path) else { continue }
                let i = rules.count
                rules.append(describe(r, expanded: f.path ?? "/{**,}", applies: true, reasons: [], granting: .exec))
                if r.qualifiers.deny {
                    decidedDeny = true
                    auditDeny = auditDeny || r.qualifiers.audit
                } else if let mode = f.permissions.exec {
                    decidedAllow = true
                    auditAllow = auditAllow || r.qualifiers.audit
                    if AAREPattern.specials(Array((f.path ?? "*").utf8)) == nil { literal.append((i, mode)) } else { glob.append((i, mode)) }
                }
            }
            // The transition: an exact path before globs (apparmor_parser's precedence).
            if let (i, mode) = literal.first ?? glob.first {
                rules[i].reasons.append("x transition: \(Self.transition(mode))")
                let others = (literal.first != nil ? glob : Array(glob.dropFirst())) + literal.dropFirst()
                for (j, m) in others where m != mode {
                    rules[j].reasons.append(literal.first != nil && glob.contains { $0.0 == j }
                        ? "not used: an exact-match rule's transition (\(mode)) wins over a glob's"
                        : "conflicting transition \(m): apparmor_parser refuses the profile")
                }
            }
            if decidedDeny, decidedAllow {
                for i in rules.indices where rules[i].effect == "allow" {
                    rules[i].reasons.append("overridden: a deny rule wins over allow rules")
                }
            }
            if !decidedDeny, !decidedAllow, everything != nil { decidedAllow = true }
        case .rule(let wanted):
            if let wanted {
                for r in profile.rules where r.kind == wanted.kind && r.decides(wanted) {
                    rules.append(describe(r, expanded: nil, applies: true, reasons: [], granting: []))
                    if r.qualifiers.deny { decidedDeny = true; auditDeny = auditDeny || r.qualifiers.audit } else {
                        decidedAllow = true
                        auditAllow = auditAllow || r.qualifiers.audit
                    }
                }
                if decidedDeny, decidedAllow {
                    for i in rules.indices where rules[i].effect == "allow" {
                        rules[i].reasons.append("overridden: a deny rule wins over allow rules")
                    }
                }
            }
            if !decidedDeny, !decidedAllow, everything != nil { decidedAllow = true }
        }
        if let everything, !decidedDeny, decidedAllow {
            rules.append(describe(everything, expanded: nil, applies: true, reasons: ["'all' allows every request"], granting: []))
        }
        let verdict: ExplainVerdict
        var summary: String
        var logged: Bool
        var missing: String?
        if decidedDeny {
            verdict = .denied
            logged = auditDeny
            summary = "denied: a deny rule matches (deny wins over allow); "
                + (auditDeny ? "logged, the deny rule has 'audit'" : "not logged, deny rules are quiet unless 'audit'")
        } else if decidedAllow {
            verdict = .allowed
            logged = auditAllow
            summary = "allowed" + (auditAllow ? "; logged, an allowing rule has 'audit'" : "")
        } else {
            verdict = .notCovered
            if case .file(_, let want, _) = request.kind, !allow.isEmpty { missing = want.subtracting(allow).text }
            (summary, logged) = Self.uncovered(mode: mode)
            if let missing { summary = "no rule grants '\(missing)': " + summary }
        }
        if mode == "unconfined" || mode == "default_allow", verdict != .denied {
            summary += " (the profile is in \(mode) mode)"
        }
        return Explanation(request: request.label, profile: profile.name, profileFile: profile.file, mode: mode, verdict: verdict,
                           summary: summary, rules: rules, missing: missing, logged: logged)
    }

    /// What the kernel does with a request no rule decides, by profile mode.
    static func uncovered(mode: String) -> (String, Bool) {
        switch mode {
        case "complain": ("not covered: allowed and logged, the profile is in complain mode (enforce mode would deny it)", true)
        case "kill": ("not covered: denied and the task killed, the profile is in kill mode", true)
        case "unconfined": ("not covered: allowed, the profile is in unconfined mode", false)
        case "default_allow": ("not covered: allowed, the profile is in default_allow mode", false)
        case "prompt": ("not covered: asked of the prompt listener, the profile is in prompt mode (denied when none answers)", true)
        default: ("not covered: denied and logged, the profile is in enforce mode (complain mode would allow it)", true)
        }
    }

    /// What an exec mode does, in words.
    public static func transition(_ m: ExecMode) -> String {
        var s: String
        switch m.kind {
        case "i": s = "ix, runs under the current profile"
        case "p": s = "\(m.safe ? "P" : "p")x, runs under " + (m.target.map { "profile \($0)" } ?? "the profile attached to the program")
        case "c": s = "\(m.safe ? "C" : "c")x, runs under child profile " + (m.target ?? "named after the program")
        case "u": s = "\(m.safe ? "U" : "u")x, runs unconfined"
        default: s = "x"
        }
        if let f = m.fallback { s += f == "i" ? ", inheriting the current profile when there is none" : ", unconfined when there is none" }
        if m.kind != "i" { s += m.safe ? "; the environment is scrubbed" : "; the environment is kept" }
        return s
    }

    // MARK: rules and where they are written

    private func matches(_ pattern: String?, _ path: [UInt8]) -> Bool {
        let p = AAREPattern.filterSlashes(CoverageSet.singleSlashes(pattern ?? "/{**,}"))
        if let m = matchers[p] { return m?.matches(bytes: path) ?? false }
        let m = try? AAREMatcher(p)
        matchers[p] = m
        return m?.matches(bytes: path) ?? false
    }

    private func describe(_ r: PolicyRule, expanded: String?, applies: Bool, reasons: [String], granting: PermissionSet) -> ExplainRule {
        var reasons = reasons
        let (line, text) = checker.cache.ruleSource(r)
        if r.qualifiers.deny { reasons.insert("deny: refuses \(granting.isEmpty ? "the request" : granting.text)", at: 0) }
        else { reasons.insert(granting.isEmpty ? "allow: covers the request" : "allow: grants \(granting.text)", at: 0) }
        if r.qualifiers.audit { reasons.append("audit: the kernel logs the request even when allowed") }
        if let m = r.qualifiers.mode { reasons.append("\(m): prompt mode qualifier") }
        if let p = r.qualifiers.priority { reasons.append("priority=\(p)") }
        return ExplainRule(file: r.file, line: line, includedVia: includeTrail(from: r.file, root: rootFile),
                           text: text, expanded: expanded, effect: r.qualifiers.deny ? "deny" : "allow", applies: applies, reasons: reasons)
    }

    /// The profile file of the explanation under way (include trails start there).
    public var rootFile = ""

    /// The include statements that lead from `root` to `file` (`abstractions/base:12`...), found
    /// by a breadth-first walk of the includes (shortest trail).
    func includeTrail(from file: String, root: String) -> [String] {
        if file == root { return [] }
        if trails[root] == nil { trails[root] = walkIncludes(root) }
        return trails[root]?[file] ?? []
    }

    private func walkIncludes(_ root: String) -> [String: [String]] {
        var out: [String: [String]] = [root: []]
        var queue = [root]
        var k = 0
        while k < queue.count {
            let file = queue[k]
            k += 1
            guard case .success(let parsed) = checker.cache.load(file) else { continue }
            parsed.root.walk { node in
                guard node.kind == .include, let inc = IncludeSyntax(node) else { return }
                let here = (out[file] ?? []) + ["\(file):\(parsed.source.location(of: Int(node.textRange.lowerBound)).line)"]
                let targets: [String]
                switch checker.cache.resolve(inc.name(in: parsed), form: inc.form, from: file) {
                case .file(let f): targets = [f]
                case .folder(_, let files): targets = files
                case .missing: targets = []
                }
                for t in targets where out[t] == nil {
                    out[t] = here
                    queue.append(t)
                }
            }
        }
        return out
    }
}

extension Explainer {
    /// The profile of a loaded file by full name (`parent//child` for hats and children), or
    /// the file's only top-level profile when `name` is nil; its `name` is made the full name.
    public static func profile(named name: String?, in profiles: [Profile]) -> Profile? {
        guard let name else { return profiles.count == 1 ? profiles[0] : nil }
        return allProfiles(profiles).first { $0.name == name }
    }

    /// Every profile of a file, each hat and child after its parent, named by full name
    /// (`parent//child`).
    public static func allProfiles(_ profiles: [Profile], parent: String? = nil) -> [Profile] {
        profiles.flatMap { p -> [Profile] in
            var p = p
            if let parent { p.name = parent + "//" + p.name }
            return [p] + allProfiles(p.children, parent: p.name)
        }
    }
}
