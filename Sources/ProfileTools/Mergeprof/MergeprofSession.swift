import AppArmorEdit
import AppArmorPolicy
import AppArmorSyntax
import FoundationEssentials

/// A question of mergeprof about one rule or include of the other file: its options (the
/// abstractions that also allow it, then the rule as written and the paths made by (G)lob and
/// (N)ew), its toggles, and upstream's menu for it.
public struct MergeRuleQuestion: ReviewRuleQuestion {
    public let proposal: MergeProposal
    /// Abstractions offered instead (`include <x>` options).
    public var includes: [String]
    /// File rules: the path variants, the path as written first. Other rules: one entry.
    public var paths: [String]
    public var audit: Bool
    public var owner: Bool
    public let canOwner: Bool
    public var selected: Int
    public var severity: Severity?

    /// An include or a preamble statement: offered as written, whatever the toggles.
    var isInclude: Bool { proposal.kind == .include || proposal.preamble }
    public var canGlob: Bool { proposal.pathRange != nil }
    var isDeny: Bool { proposal.qualifiers.contains("deny") }
    public var canAllow: Bool { !isDeny }
    public var newPathOrigin: String? { proposal.path }

    public var options: [String] {
        includes.map { "include <\($0)>" } + paths.indices.map { text(path: $0, deny: false) }
    }

    /// The rule with path variant `i` and the toggles; the text as written when nothing changed.
    func text(path i: Int, deny: Bool) -> String {
        if isInclude { return proposal.rule.text }
        var q = proposal.qualifiers
        let originalAudit = q.contains("audit"), originalOwner = q.contains("owner")
        if i == 0, audit == originalAudit, owner == originalOwner, !deny || isDeny { return proposal.rule.text }
        // apparmor_parser reads `priority=N audit deny owner`: each word goes to its place.
        func insert(_ word: String, after: Set<String>) {
            let at = (q.lastIndex { w in after.contains(w) || w.hasPrefix("priority") }).map { $0 + 1 } ?? 0
            q.insert(word, at: at)
        }
        q.removeAll { $0 == "audit" && !audit }
        if audit && !originalAudit { insert("audit", after: []) }
        if deny && !isDeny {
            q.removeAll { $0 == "allow" }
            insert("deny", after: ["audit"])
        }
        q.removeAll { $0 == "owner" && !owner }
        if owner && !originalOwner { insert("owner", after: ["audit", "deny", "allow"]) }
        var body = proposal.body
        if let r = proposal.pathRange, i > 0 { body.replaceSubrange(r, with: paths[i]) }
        return (q + [body]).joined(separator: " ") + ","
    }

    public func prompt() -> LogprofPrompt {
        var h: [(String, HeaderValue)] = [("Profile", .text(proposal.preamble ? "[preamble]" : MergeprofSession.promptName(proposal.profile)))]
        // The qualifiers shown follow the audit toggle, the mode the owner toggle, as upstream's do.
        var qualifier: [String] = audit ? ["audit"] : []
        if isDeny { qualifier.append("deny") } else if proposal.qualifiers.contains("allow") { qualifier.append("allow") }
        if !qualifier.isEmpty { h.append(("Qualifier", .text(qualifier.joined(separator: " ")))) }
        for (k, v) in proposal.headers where k != "Qualifier" {
            if k == "New Mode", canOwner, owner != proposal.qualifiers.contains("owner") {
                h.append((k, .text(owner ? "owner " + v : String(v.dropFirst("owner ".count)))))
            } else {
                h.append((k, .text(v)))
            }
        }
        return prompt(headers: h, severity: severity)
    }
}

/// A question about a hat or child profile of the other file that the installed profile
/// lacks: add it (then its rules are asked), or not.
public struct MergeBlockQuestion: Sendable {
    public let proposal: MergeProposal

    public var commands: [LogprofMenuCommand] {
        [proposal.kind == .hat ? .addHat : .addSubprofile, .deny, .abort, .finish]
    }

    public func prompt() -> LogprofPrompt {
        let h: [(String, HeaderValue)] = [("Profile", .text(proposal.profile)),
                                          (proposal.kind == .hat ? "Requested Hat" : "Requested Subprofile", .text(proposal.rule.text))]
        return LogprofPrompt(title: nil, headers: h, explanation: nil, options: [], selected: 0, commands: commands, defaultCommand: .deny)
    }
}

public enum MergeQuestion: Sendable {
    case rule(MergeRuleQuestion)
    case block(MergeBlockQuestion)
}

/// aa-mergeprof's questions over a plan, asked profile by profile as upstream asks them: a
/// proposal that an answer already covers (a rule accepted before, an abstraction added) is
/// not asked; the rules of a hat or child that was not added are not asked. The accepted
/// answers become logprof's changes, written by `LogprofApply` (text patches, checked to
/// load).
public final class MergeprofSession {
    public let plan: MergeprofPlan
    let policy: LogprofPolicy
    let severityDB: SeverityDB
    let ruleReader = RuleTextReader()
    public var noAbstraction = false
    /// The accepted changes, in order, each with the top-level profile it was asked under.
    private var entries: [(top: String, change: LogprofChange)] = []
    public var changes: [LogprofChange] { entries.map(\.change) }
    private var next = 0
    /// Per profile (full name): the rules accepted or brought by accepted abstractions.
    private var covered: [String: [PolicyRule]] = [:]
    /// Per profile: the abstractions added in this session.
    private var addedIncludes: [String: Set<String>] = [:]
    /// Hats and children not added: their proposals are not asked.
    private var refusedBlocks: [String] = []
    /// Top-level profiles whose remaining questions are skipped ((F)inish).
    private var finished = Set<String>()

    public init(plan: MergeprofPlan, policy: LogprofPolicy, severity: SeverityDB) {
        self.plan = plan
        self.policy = policy
        self.severityDB = severity
    }

    /// The top-level profiles of the plan, in order.
    public var topProfiles: [String] {
        var out: [String] = []
        for p in plan.proposals where !out.contains(p.profile.topProfileName) { out.append(p.profile.topProfileName) }
        return out
    }

    /// `profile^hat` as upstream's prompts name a hat or child.
    public static func promptName(_ name: String) -> String {
        let parts = name.profileNameParts
        return parts.count == 1 ? name : parts[0] + "^" + parts.dropFirst().joined(separator: "//")
    }

    /// The next question of a top-level profile; nil when it has no more.
    public func next(in top: String) -> MergeQuestion? {
        while next < plan.proposals.count {
            let p = plan.proposals[next]
            guard p.profile.topProfileName == top else { return nil }
            next += 1
            if finished.contains(top) { continue }
            let name = p.questionProfile
            if refusedBlocks.contains(where: { name == $0 || name.hasPrefix($0 + "//") }) { continue }
            switch p.kind {
            case .hat, .child:
                return .block(MergeBlockQuestion(proposal: p))
            case _ where p.preamble:
                return .rule(MergeRuleQuestion(proposal: p, includes: [], paths: [""], audit: false, owner: false, canOwner: false,
                                               selected: 0, severity: nil))
            case .include:
                if addedIncludes[p.profile]?.contains(Self.includeName(p.rule.text)) == true { continue }
                return .rule(MergeRuleQuestion(proposal: p, includes: [], paths: [""], audit: false, owner: false, canOwner: false,
                                               selected: 0, severity: nil))
            case .rule:
                if let t = p.typed, covered[p.profile]?.contains(where: { CleanprofPlanner.cleanCovers($0, t) }) == true { continue }
                return .rule(question(p))
            }
        }
        return nil
    }

    func question(_ p: MergeProposal) -> MergeRuleQuestion {
        let includes = noAbstraction ? [] : suggestions(for: p)
        var severity: Severity?
        if let t = p.typed {
            switch t.detail {
            case .capability(let names): severity = names.first.map { severityDB.rank(capability: $0) } ?? .unknown
            case .file(let f):
                if let path = p.path {
                    severity = severityDB.rank(path: path, modes: f.permissions.access.union(f.permissions.exec == nil ? [] : .exec).text)
                }
            default: break
            }
        }
        let owner = p.qualifiers.contains("owner")
        return MergeRuleQuestion(proposal: p, includes: includes, paths: [p.path ?? ""], audit: p.qualifiers.contains("audit"),
                                 owner: owner, canOwner: owner, selected: includes.count, severity: severity)
    }

    /// Abstractions (not local ones, not those the profile has or got in this session, as
    /// their `LOGPROF-SUGGEST` allows) with a rule of their own that covers the rule: the
    /// smallest first, at most three.
    func suggestions(for p: MergeProposal) -> [String] {
        guard let t = p.typed else { return [] }
        let added = addedIncludes[p.profile] ?? []
        var ranked: [(String, Int)] = []
        for a in policy.suggestable(for: p.profile) where !a.name.hasPrefix("local/") && !added.contains(a.name) {
            guard (policy.abstractionRules[a.file] ?? []).contains(where: { CleanprofPlanner.cleanCovers($0, t) }) else { continue }
            ranked.append((a.name, policy.abstractionSize(a.name)))
        }
        ranked.sort { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }
        return ranked.prefix(LogprofPolicy.maxSuggestions).map(\.0)
    }

    /// `abstractions/x` for `include <abstractions/x>`, `include if exists "x"`...
    static func includeName(_ statement: String) -> String {
        var s = Substring(statement)
        for prefix in ["include", " if exists"] where s.hasPrefix(prefix) { s = s.dropFirst(prefix.count) }
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        if let f = s.first, f == "<" || f == "\"" { s = s.dropFirst() }
        if let l = s.last, l == ">" || l == "\"" { s = s.dropLast() }
        return String(s)
    }

    // MARK: answers

    /// (N)ew: whether `path` is usable (starts with `/` or a variable) and whether it and the
    /// rule's own path cover one another. Select it with `MergeRuleQuestion.select` when taken.
    public func checkNewPath(_ q: MergeRuleQuestion, _ path: String) -> (valid: Bool, matches: Bool) {
        guard MergeRuleQuestion.isUsablePath(path) else { return (false, false) }
        guard let original = q.proposal.path else { return (true, false) }
        return (true, AAREPattern.covers(path, original) || AAREPattern.covers(original, path))
    }

    /// (A)llow or (D)eny the selected option: the text added (nil when refused: deny of an
    /// abstraction).
    public func answer(_ q: MergeRuleQuestion, deny: Bool) -> String? {
        let p = q.proposal
        let top = p.profile.topProfileName
        if let inc = q.include(at: q.selected) {
            if deny { return nil }
            entries.append((top, LogprofChange(kind: .include, file: p.file, profile: p.profile, text: inc, family: .include)))
            noteInclude(inc, in: p.profile)
            return "include <\(inc)>"
        }
        if q.isInclude {
            if deny { return nil }
            // A preamble statement goes to the file's top level (no profile).
            let family: ChangeFamily = p.rule.kind == .abi ? .rule(.abi) : .include
            entries.append((top, LogprofChange(kind: .rule, file: p.file, profile: p.preamble ? "" : p.profile, text: p.rule.text, family: family)))
            if !p.preamble { noteInclude(Self.includeName(p.rule.text), in: p.profile) }
            return p.rule.text
        }
        let i = q.selected - q.includes.count
        let text = q.text(path: i, deny: deny)
        entries.append((top, LogprofChange(kind: .rule, file: p.file, profile: p.profile, text: text, family: .rule(p.rule.kind))))
        if !deny {
            if text == p.rule.text, let t = p.typed {
                covered[p.profile, default: []].append(t)
            } else {
                covered[p.profile, default: []] += ruleReader.rules(text)
            }
        }
        return text
    }

    /// What an added abstraction allows counts for the profile's later questions.
    func noteInclude(_ name: String, in profile: String) {
        addedIncludes[profile, default: []].insert(name)
        guard let a = policy.loadAbstractions().first(where: { $0.name == name }) else { return }
        for file in a.files { covered[profile, default: []] += policy.abstractionRules[file] ?? [] }
    }

    /// (A)dd Requested Hat / Subprofile; else (D)eny: its rules are not asked.
    public func answerBlock(_ q: MergeBlockQuestion, add: Bool) {
        let p = q.proposal
        guard add, let token = QuotedString.name(Array(p.rule.text.utf8)) else {
            refusedBlocks.append(p.questionProfile)
            return
        }
        let flags = p.flags.isEmpty ? nil : p.flags
        let (text, family): (String, ChangeFamily) = p.kind == .hat ? ("^\(token) {\n}", .hat) : (p.rule.text, .child)
        entries.append((p.profile.topProfileName, LogprofChange(kind: .rule, file: p.file, profile: p.profile, text: text, family: family, flags: flags)))
    }

    /// (F)inish: the profile's other questions are skipped.
    public func finish(_ top: String) { finished.insert(top) }

    /// The changes asked under a top-level profile (its file's preamble included).
    public func changes(of top: String) -> [LogprofChange] {
        entries.filter { $0.top == top }.map(\.change)
    }

    /// (I)gnore at the save prompt: the profile's changes are dropped.
    public func drop(_ top: String) {
        entries.removeAll { $0.top == top }
    }
}
