import AppArmorPolicy
import AppArmorSyntax
import AuditLog
import FoundationEssentials

/// The profile folder as logprof sees it: every profile by name with the file that holds it,
/// rule sets for coverage, and the abstractions that could be suggested. Files the policy
/// loader reports errors for still contribute what it understood: syntax an older tool does
/// not know elsewhere in the folder never stops logprof.
public final class LogprofPolicy {
    public let dir: String
    let checker: PolicyChecker
    /// The abstractions load with their own checker.
    let abstractionChecker: PolicyChecker
    let matchers = MatcherCache()
    /// The profiles' own rule sets compile their patterns apart, so that they can be made
    /// while the abstractions still load (`prepareCoverage`).
    let profileMatchers = MatcherCache()
    /// Top-level profile name to its file and loaded model.
    private(set) var profiles: [String: (file: String, profile: Profile, variables: VariableTable)] = [:]
    private var coverage: [String: CoverageSet] = [:]
    private var includedFilesCache: [String: Set<String>] = [:]
    var abstractions: [Abstraction]?
    /// The file rules of every abstraction file in one set, grouped by file.
    var abstractionFiles: CoverageSet?
    /// The rules of each abstraction file, and rule sets made of them on first use.
    var abstractionRules: [String: [PolicyRule]] = [:]
    var abstractionSetCache: [String: CoverageSet] = [:]
    var abstractionEverything = Set<Int>()
    public let customIncludes: [String]

    struct Abstraction {
        var name: String
        var file: String
        /// The file and everything it includes.
        var files: [String]
        /// The same files as groups of `abstractionFiles`.
        var groups: [Int]
        /// nil: suggest anywhere; empty: never; else profile-name regexes.
        var suggest: [String]?
    }

    /// With `loadProfiles` false, call `loadProfiles()` (it may run on one thread while
    /// `preloadAbstractions()` runs on another: each has its own checker).
    public init(dir: String, customIncludes: [String] = [], loadProfiles: Bool = true) {
        self.dir = dir
        self.customIncludes = customIncludes
        checker = PolicyChecker(options: CheckOptions(searchPath: IncludeSearchPath(base: dir)))
        abstractionChecker = PolicyChecker(options: CheckOptions(searchPath: IncludeSearchPath(base: dir)))
        // The two load on two threads and read mostly the same abstractions: each file is
        // parsed once, by whichever comes to it first.
        let parses = SharedParses()
        checker.cache.shared = parses
        abstractionChecker.cache.shared = parses
        if loadProfiles { self.loadProfiles() }
    }

    /// Loads every profile of the folder.
    public func loadProfiles() {
        for file in PolicyFileCache.folderFiles(dir) {
            let report = checker.check(path: file)
            for p in report.policy.profiles where profiles[p.name] == nil {
                profiles[p.name] = (file, p, report.policy.variables)
            }
        }
    }

    public var profileNames: [String] { profiles.keys.sorted() }

    /// The file holding a top-level profile.
    public func file(of profile: String) -> String? { profiles[profile]?.file }

    public func hasProfile(_ fullName: String) -> Bool { find(fullName) != nil }

    /// A profile, hat or child (`a//b`).
    func find(_ fullName: String) -> Profile? {
        let parts = fullName.components(separatedBy: "//")
        guard var p = profiles[parts[0]]?.profile else { return nil }
        for part in parts.dropFirst() {
            guard let c = p.children.first(where: { $0.name == part }) else { return nil }
            p = c
        }
        return p
    }

    /// A profile whose attachment or name is this program path.
    public func profileName(forProgram path: String) -> String? {
        if profiles[path] != nil { return path }
        for (name, e) in profiles {
            if let a = e.profile.attachment, a == path { return name }
        }
        for (name, e) in profiles {
            if let a = e.profile.attachment, let m = matchers.matcher(a), m.matches(Array(path.utf8)) { return name }
        }
        return nil
    }

    /// The variables of the file holding a profile (tunables included).
    public func variables(of profile: String) -> VariableTable {
        profiles[profile.components(separatedBy: "//")[0]]?.variables ?? VariableTable()
    }

    /// The coverage rule set of a profile (created on first use).
    func rules(of fullName: String) -> CoverageSet {
        if let c = coverage[fullName] { return c }
        let c = CoverageSet(matchers: profileMatchers)
        if let p = find(fullName) { c.add(p.rules, text: ruleText) }
        coverage[fullName] = c
        return c
    }

    /// Makes the rule sets of these profiles (and hats) now; needs only `loadProfiles()` done.
    public func prepareCoverage(for fullNames: [String]) {
        for name in Set(fullNames) where hasProfile(name) { _ = rules(of: name) }
    }

    /// The files a profile's rules come from (its own file and its includes).
    func includedFiles(of fullName: String) -> Set<String> {
        if let f = includedFilesCache[fullName] { return f }
        let f = Set(find(fullName)?.rules.map(\.file) ?? [])
        includedFilesCache[fullName] = f
        return f
    }

    func ruleText(_ r: PolicyRule) -> String? { Self.text(of: r, in: checker) }

    /// The source text of an abstraction rule (loaded by `abstractionChecker`).
    func abstractionRuleText(_ r: PolicyRule) -> String? { Self.text(of: r, in: abstractionChecker) }

    static func text(of r: PolicyRule, in checker: PolicyChecker) -> String? {
        guard case .success(let parsed) = checker.cache.load(r.file) else { return nil }
        let range = r.node.textRange
        let b = parsed.source.bytes
        guard Int(range.upperBound) <= b.count else { return nil }
        return String(decoding: b[Int(range.lowerBound)..<Int(range.upperBound)], as: UTF8.self)
    }

    // MARK: abstractions

    /// Abstractions (and `custom_includes`) whose rules cover a request, for a profile,
    /// honouring `# LOGPROF-SUGGEST:`; never `local/` files or includes the profile has.
    func suggestions(for kind: EventKind, profile fullName: String) -> [String] {
        let list = loadAbstractions()
        let have = includedFiles(of: fullName)
        // File requests: one lookup in the combined set, then per abstraction the union of
        // what its files grant.
        // Permissions as bits; a request with a letter outside them is never covered.
        var byGroup: [Int: (allow: UInt8, deny: UInt8)] = [:]
        var want: UInt8? = nil
        if case .file(let f) = kind, let all = abstractionFiles {
            let letters = Set(f.permissions.map(\.rawValue))
            if !letters.isEmpty && letters.allSatisfy({ PermBits.bit($0) != 0 }) { want = PermBits.mask(letters) }
            for e in all.matchingEntries(path: f.path, owner: f.owner) {
                if e.deny { byGroup[e.group, default: (0, 0)].deny |= e.mask } else { byGroup[e.group, default: (0, 0)].allow |= e.mask }
            }
            if byGroup.isEmpty { return [] }
        }
        var out: [String] = []
        for a in list where !have.contains(a.file) {
            if let s = a.suggest {
                guard s.contains(where: { PathRegex($0)?.matches(fullName) ?? false }) else { continue }
            }
            if case .file = kind, abstractionFiles != nil {
                var allow: UInt8 = 0, deny: UInt8 = 0
                for g in a.groups {
                    guard let hit = byGroup[g] else { continue }
                    allow |= hit.allow
                    deny |= hit.deny
                }
                if let want, want & ~allow == 0 || want & ~deny == 0 {
                    out.append(a.name)
                } else if a.groups.contains(where: abstractionEverything.contains) {
                    out.append(a.name)
                }
            } else if CoverageSet.isKnown(kind, in: abstractionSets(a)) {
                out.append(a.name)
            }
        }
        return out.sorted()
    }

    static let suggestKey = Array("LOGPROF-SUGGEST:".utf8)

    /// `# LOGPROF-SUGGEST: no` (never) or `# LOGPROF-SUGGEST: regex...` (profile names).
    static func suggestMetadata(_ text: String) -> [String]? {
        var bytes = text
        guard bytes.withUTF8({ LogprofEventCollector.find($0, suggestKey) }) != nil else { return nil }
        var result: [String]? = nil
        for line in text.split(separator: "\n") {
            let t = line.trimmed()
            guard t.hasPrefix("#") else { continue }
            let body = t.drop(while: { $0 == "#" || $0 == " " })
            guard body.hasPrefix("LOGPROF-SUGGEST:") else { continue }
            let v = body.dropFirst("LOGPROF-SUGGEST:".count).split(separator: " ").map(String.init)
            if v.first?.lowercased() == "no" { return [] }
            result = (result ?? []) + v.map { "^(" + $0 + ")$" }
        }
        return result
    }
}
