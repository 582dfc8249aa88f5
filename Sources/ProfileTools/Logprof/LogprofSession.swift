import AppArmorPolicy
import PolicyAnalysis
import AppArmorSyntax
import AuditLog
import FoundationEssentials

/// The next thing to ask.
public enum LogprofQuestion: Sendable {
    case rule(RuleQuestion)
    case exec(ExecQuestion)
    case hat(HatQuestion)
}

/// The logprof engine: walks the distinct requests of a log in upstream's order, skips those
/// the profiles (and the answers so far) already allow, proposes options, and records the
/// accepted changes. No terminal I/O: front ends ask and answer.
public final class LogprofSession {
    public let policy: LogprofPolicy
    public let config: LogprofConfig
    let severityDB: SeverityDB
    let globs: LogprofGlobs
    public var noAbstraction = false
    /// Offer `@{PROC}`, `@{HOME}`, `@{pid}`... variants of the paths (off in the JSON
    /// protocol, whose consumers expect upstream's exact options).
    public var tunableOptions = true
    /// Leave DENIED requests (refused by enforce-mode profiles) alone: `--allow-all` without
    /// `--allow-denied`.
    public var skipDenied = false
    /// Requests skipped by `skipDenied`.
    public private(set) var deniedSkipped = 0
    public private(set) var changes: [LogprofChange] = []
    /// Counts for the end-of-run message.
    public private(set) var alreadyAllowed = 0
    public private(set) var unknownProfiles = Set<String>()
    public private(set) var asked = 0
    /// Requests of a learning child (`parent//null-/path`) that no child profile took.
    public private(set) var childlessRecords = 0
    /// Requests whose rule the target's parser cannot read, skipped.
    public private(set) var unsupported = 0
    /// Requests that give no valid rule, once each with the reason; they are skipped.
    public private(set) var refused: [(profile: String, reason: RuleRefusal)] = []

    private let items: [LogprofItem]
    private var position = 0
    private var userGlobs: [String] = []
    /// Each item's checked rule and path spellings, worked out ahead on another thread
    /// (`QuestionPrep`); started by the first `next()`.
    private var prepared: WorkAhead<PreparedRequest>?
    /// The checked rule of the last rule question (as a line) and the typed rules it loads to
    /// (`PreparedRequest.outcomeRules`): accepting that rule adds them without reading it again.
    private var asking: (line: String, rules: [PolicyRule])?
    /// Hats added or refused in this session (`profile//hat`).
    var addedHats = Set<String>()
    /// `profile//program` for the programs an answer made inherit (ix) the profile.
    var inheritedChildren = Set<String>()
    var skippedHats = Set<String>()
    /// Rules added in this session, per profile, for coverage.
    private var added: [String: CoverageSet] = [:]
    /// The rule sets of the abstraction files included in this session, per profile (shared
    /// with every profile that includes them, not copied), and the files they come from.
    private var includedSets: [String: [CoverageSet]] = [:]
    private var includedFiles: [String: Set<String>] = [:]
    /// Profiles changed (full names), in order.
    public private(set) var changedProfiles: [String] = []

    /// `globs`: the config's glob table when already made (else made here).
    public init(policy: LogprofPolicy, config: LogprofConfig, severity: SeverityDB, items: [LogprofItem], globs: LogprofGlobs? = nil) {
        self.policy = policy
        self.config = config
        self.severityDB = severity
        self.globs = globs ?? LogprofGlobs(config: config)
        self.items = items
    }

    deinit { prepared?.cancel() }

    /// Starts working out the items' `PreparedRequest`s on another thread, with each profile's
    /// rule target read here first (the worker touches no policy object).
    private func startPreparing() -> WorkAhead<PreparedRequest> {
        var targets: [String: RuleTarget] = [:]
        for p in Set(items.map(\.profile)) where policy.hasProfile(p) {
            targets[p] = policy.target(of: p)
        }
        // The file ranking goes to the worker, which alone uses it from now on.
        let ranking = noAbstraction ? nil : { _ = policy.loadAbstractions(); return policy.ranking }()
        let prep = QuestionPrep(items: items, targets: targets, ranking: ranking)
        return WorkAhead(count: items.count) { prep.prepare($0) }
    }

    /// The next question, or nil when every request has been handled.
    public func next() -> LogprofQuestion? {
        let ahead = prepared ?? startPreparing()
        prepared = ahead
        while position < items.count {
            var item = items[position]
            let prep = ahead.value(at: position)
            position += 1
            if let hat = item.hat, hat.hasPrefix("/"), inheritedChildren.contains(item.fullName) {
                // The program now inherits the profile (ix): what it did as a learning child
                // is asked for the profile itself.
                item.hat = nil
            }
            if skipDenied && item.mode == .denied {
                deniedSkipped += 1
                continue
            }
            guard policy.hasProfile(item.profile) else {
                unknownProfiles.insert(item.profile)
                continue
            }
            if let hat = item.hat, !policy.hasProfile(item.fullName), !addedHats.contains(item.fullName) {
                if skippedHats.contains(item.fullName) { continue }
                if hat.hasPrefix("/") {
                    // A learning child (`null-/path`) with no (C)hild answer: nothing to add to.
                    childlessRecords += 1
                    continue
                }
                if case .changeHat = item.kind {} else {
                    asked += 1
                    position -= 1   // the request itself is asked once the hat is settled
                    return .hat(HatQuestion(item: item, hat: hat, defaultHat: defaultHat(for: item.profile)))
                }
            }
            if isKnown(item, prep) {
                alreadyAllowed += 1
                continue
            }
            switch outcome(item, prep) {
            case .refused(let why):
                refused.append((item.fullName, why))
                continue
            case .none where Self.needsProposal(item.kind):
                // A rule the installed apparmor_parser cannot read (userns on 3.0...).
                unsupported += 1
                continue
            default:
                if case .changeHat = item.kind, let why = LogprofEventCollector.refusal(item.kind) {
                    refused.append((item.fullName, why))
                    continue
                }
            }
            asked += 1
            switch item.kind {
            case .exec(let path, _):
                return .exec(execQuestion(item, path: String(decoding: path, as: UTF8.self)))
            case .changeHat(let hat):
                let full = item.profile + "//" + String(decoding: hat, as: UTF8.self)
                if policy.hasProfile(full) || addedHats.contains(full) || skippedHats.contains(full) {
                    asked -= 1
                    alreadyAllowed += 1
                    continue
                }
                return .hat(HatQuestion(item: item, hat: String(decoding: hat, as: UTF8.self), defaultHat: defaultHat(for: item.profile)))
            default:
                if case .rule(let p) = prep.outcome { asking = (p.line, prep.outcomeRules) }
                return .rule(ruleQuestion(item, prep))
            }
        }
        return nil
    }

    /// The rule a request becomes for its profile's target, checked by the policy model
    /// (`RuleText.checkedOutcomes`, worked out ahead).
    func outcome(_ item: LogprofItem, _ prep: PreparedRequest) -> RuleText.Outcome {
        prep.outcome ?? RuleText.outcome(for: item.kind, target: policy.target(of: item.profile))
    }

    static func needsProposal(_ k: EventKind) -> Bool {
        switch k {
        case .file, .exec, .changeHat: false
        default: true
        }
    }

    func isKnown(_ item: LogprofItem, _ prep: PreparedRequest) -> Bool {
        CoverageSet.isKnown(item.kind, in: ruleSets(item.fullName), request: prep.request)
    }

    /// The profile's rules, the rules added in this session, and the abstractions included.
    func ruleSets(_ name: String) -> [CoverageSet] {
        var sets = [policy.rules(of: name)]
        if let a = added[name] { sets.append(a) }
        if let i = includedSets[name] { sets += i }
        return sets
    }

    func defaultHat(for profile: String) -> String? {
        config.defaultHats.first { PathRegex($0.pattern)?.matches(profile) ?? false }?.hat
    }

    // MARK: rule questions

    func ruleQuestion(_ item: LogprofItem, _ prep: PreparedRequest) -> RuleQuestion {
        let includes = noAbstraction ? [] : policy.suggestions(ranked: { prep.abstractions }, profile: item.fullName)
        guard case .file(let f) = item.kind else {
            // A network event has finer forms; any other kind its one checked rule.
            let texts: [String]
            if case .network = item.kind {
                texts = RuleText.choices(for: item.kind, target: policy.target(of: item.profile)).map(\.text)
            } else if case .rule(let p) = outcome(item, prep) {
                texts = [p.text]
            } else {
                texts = []
            }
            var sev: Severity? = nil
            if case .capability(let c) = item.kind { sev = severityDB.rank(capability: c) }
            // The rule itself is the narrowest option: it is the default, the abstractions
            // that also allow it come before it as upstream lists them; a network event's
            // finer forms come after its `network inet stream`, the finest selected.
            return RuleQuestion(item: item, includes: includes, paths: [], perms: "", oldPerms: nil, ruleTexts: texts.isEmpty ? [""] : texts,
                                owner: false, canOwner: false, audit: false, selected: includes.count + max(texts.count - 1, 0),
                                severity: sev, rawPath: nil)
        }
        let raw = prep.rawPath
        var want = f.permissions
        var nonOwner = PermissionSet()
        var patterns: [String] = []
        for set in ruleSets(item.fullName) {
            let got = set.filePermissions(path: f.path, owner: f.owner)
            nonOwner.formUnion(got.allowNonOwner)
            patterns += got.patterns
        }
        let old = nonOwner.subtracting(.exec)
        want.formUnion(old)
        // The path's own spellings (the config's globs of it), then the patterns of the rules
        // that already match it and the user's globs (N) that do, each with its variants.
        let folders = tunableOptions ? policy.folders(of: item.profile) : nil
        var own = Set([raw]).union(globs.common(raw))
        if let folders { own.formUnion(own.flatMap { TunableSubstitution.variants($0, folders: folders) }) }
        var extra = Set(patterns.filter { $0 != "/{**,}" })
        for g in userGlobs { if let m = policy.matchers.matcher(g), m.matches(bytes: f.path) { extra.insert(g) } }
        extra.subtract(own)
        var paths = own.union(extra)
        if let folders, !extra.isEmpty { paths.formUnion(extra.flatMap { TunableSubstitution.variants($0, folders: folders) }) }
        let perms = want.written.text
        let sev = severityDB.rank(path: String(decoding: f.path, as: UTF8.self), modes: perms)
        // The default: the best-ranked abstraction when it is a narrow one, else the first path.
        let narrow = includes.first.map { policy.abstractionSize($0) <= LogprofPolicy.narrowAbstraction } ?? false
        return RuleQuestion(item: item, includes: includes, paths: LogprofGlobs.ordered(paths, raw: raw), perms: perms,
                            oldPerms: old.isEmpty ? nil : old.written.text, ruleTexts: [],
                            owner: f.owner, canOwner: f.owner, audit: false, selected: narrow ? 0 : includes.count,
                            severity: sev, rawPath: String(decoding: f.path, as: UTF8.self))
    }


    /// (N)ew: whether `path` is usable (starts with `/` or a variable) and whether it matches
    /// the logged path. Call `addNewPath` when accepted.
    public func checkNewPath(_ q: RuleQuestion, _ path: String) -> (valid: Bool, matches: Bool) {
        guard RuleQuestion.isUsablePath(path) else { return (false, false) }
        guard let raw = q.rawPath else { return (true, false) }
        let expanded = (try? VariableExpander(table: policy.variables(of: q.item.profile)).expandPattern(path)) ?? path
        return (true, policy.matchers.matcher(expanded)?.matches(raw) ?? false)
    }

    public func addNewPath(_ q: inout RuleQuestion, _ path: String) {
        if !userGlobs.contains(path) { userGlobs.append(path) }
        q.select(path)
    }

    /// (A)llow or (D)eny the selected option; returns the message to show, or nil when
    /// refused (deny of an include).
    @discardableResult
    public func answer(_ q: RuleQuestion, deny: Bool) -> String? {
        let name = q.item.fullName
        guard let file = policy.file(of: q.item.profile) else { return nil }
        let set = added[name] ?? CoverageSet(matchers: policy.matchers)
        added[name] = set
        if !changedProfiles.contains(name) { changedProfiles.append(name) }
        if let inc = q.include(at: q.selected) {
            if deny { return nil }
            changes.append(LogprofChange(kind: .include, file: file, profile: name, text: inc, family: .include))
            noteInclude(inc, in: name)
            return "Adding include <\(inc)> to profile \(name)."
        }
        var text = q.option(at: q.selected)
        if deny {
            // apparmor_parser takes the qualifiers in this order: `audit deny owner PATH`.
            text = text.hasPrefix("audit ") ? "audit deny " + text.dropFirst("audit ".count) : "deny " + text
        }
        let family: ChangeFamily
        if q.isFile {
            family = .rule(.fileRule)
            let path = q.paths[q.selected - q.includes.count]
            let expanded = (try? VariableExpander(table: policy.variables(of: q.item.profile)).expandPattern(path)) ?? path
            set.addFile(pattern: expanded, display: path, perms: PermissionSet(letters: q.perms) ?? [], owner: q.owner, deny: deny)
        } else {
            family = ChangeFamily(ruleText: text)
            if !deny {
                let option = q.option(at: q.selected)
                if let a = asking, a.line == RuleTextReader.line(option), !a.rules.isEmpty { set.add(typed: a.rules) } else { set.addText(option) }
            }
        }
        changes.append(LogprofChange(kind: .rule, file: file, profile: name, text: text, family: family))
        return "Adding \(text) to profile \(name)."
    }

    /// What an include added in this session allows counts for the profile's later requests.
    func noteInclude(_ inc: String, in name: String) {
        guard let a = policy.loadAbstractions().first(where: { $0.name == inc }) else { return }
        // Files the profile's own rules already come from add nothing.
        if includedFiles[name] == nil { includedFiles[name] = policy.includedFiles(of: name) }
        for (file, s) in zip(a.files, policy.abstractionSets(a)) where includedFiles[name, default: []].insert(file).inserted {
            includedSets[name, default: []].append(s)
        }
    }

    /// Records a change made by an exec or hat answer.
    func record(_ c: LogprofChange, coverage: (CoverageSet) -> Void) {
        let set = added[c.profile] ?? CoverageSet(matchers: policy.matchers)
        added[c.profile] = set
        coverage(set)
        if !changedProfiles.contains(c.profile) { changedProfiles.append(c.profile) }
        changes.append(c)
    }

    /// Forgets the changes of the profiles not in `keep` (Save Selec(t)ed Profile).
    public func keepOnly(_ keep: Set<String>) {
        changes.removeAll { !keep.contains($0.profile.topProfileName) && $0.kind != .newProfile }
    }

    /// Top-level profiles with changes.
    public var changedTopProfiles: [String] {
        var out: [String] = []
        for c in changes {
            let top = c.profile.topProfileName
            if !out.contains(top) { out.append(top) }
        }
        return out
    }
}
