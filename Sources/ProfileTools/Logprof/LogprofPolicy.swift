import AppArmorPolicy
import PolicyAnalysis
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
    /// One reader of rule texts for the whole run (requests, added rules, abstractions); used
    /// only once loading is done, on the asking thread.
    let ruleReader = RuleTextReader()
    let matchers: MatcherCache
    /// The profiles' own rule sets compile their patterns apart, so that they can be made
    /// while the abstractions still load (`prepareCoverage`).
    let profileMatchers: MatcherCache
    /// Top-level profile name to its file and loaded model.
    /// A top-level profile of the folder: its file, its model, and its file's variables.
    /// A class: a look-up (one a request, and more for each answer) then shares the entry
    /// instead of copying the profile's many fields out.
    final class Entry: Sendable {
        let file: String
        let profile: Profile
        let variables: VariableTable

        init(file: String, profile: Profile, variables: VariableTable) {
            self.file = file
            self.profile = profile
            self.variables = variables
        }
    }

    private(set) var profiles: [String: Entry] = [:]
    private var coverage: [String: CoverageSet] = [:]
    private var includedFilesCache: [String: Set<String>] = [:]
    var abstractions: [Abstraction]?
    /// What ranks the abstractions for a request (made with them). A review that hands it to
    /// the thread preparing its questions no longer asks `ranked(for:)`.
    var ranking: AbstractionRanking?
    /// The rules of each abstraction file, and rule sets made of them on first use.
    var abstractionRules: [String: [PolicyRule]] = [:]
    var abstractionSetCache: [String: CoverageSet] = [:]
    var suggestableCache: [String: [Abstraction]] = [:]
    var suggestableNameCache: [String: Set<String>] = [:]
    var abstractionSizes: [String: Int] = [:]
    public let customIncludes: [String]

    struct Abstraction {
        var name: String
        var file: String
        /// The file and everything it includes.
        var files: [String]
        /// The same files as groups of `ranking.files`.
        var groups: [Int]
        /// nil: suggest anywhere; empty: never; else profile-name regexes.
        var suggest: [String]?
    }

    /// With `loadProfiles` false, call `loadProfiles()` (it may run on one thread while
    /// `preloadAbstractions()` runs on another: each has its own checker).
    public init(dir: String, customIncludes: [String] = [], loadProfiles: Bool = true) {
        self.dir = dir
        self.customIncludes = customIncludes
        matchers = MatcherCache(reader: ruleReader)
        profileMatchers = MatcherCache(reader: ruleReader)
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
                profiles[p.name] = Entry(file: file, profile: p, variables: report.policy.variables)
            }
        }
    }

    public var profileNames: [String] { profiles.keys.sorted() }

    /// The parser and policy ABI rules must fit (`--parser-version`, `--abi`...); set before
    /// the first question.
    public lazy var targets = RuleTargets(profileDir: dir)
    private var fileTargets: [String: RuleTarget] = [:]

    private var usedVariables: [String: Set<String>] = [:]

    private var tunableFolders: [String: TunableSubstitution.Folders] = [:]

    /// The folder tunables a profile's proposals may use (compiled once per top profile).
    func folders(of profile: String) -> TunableSubstitution.Folders {
        let top = profile.topProfileName
        if let f = tunableFolders[top] { return f }
        let f = TunableSubstitution.Folders(variables: variables(of: top), used: variablesUsed(by: top))
        tunableFolders[top] = f
        return f
    }

    /// The variables a profile's file writes (`@{name}`), for proposals that read like it.
    public func variablesUsed(by profile: String) -> Set<String> {
        guard let file = file(of: profile.topProfileName) else { return [] }
        if let u = usedVariables[file] { return u }
        var out = Set<String>()
        if case .success(let r) = checker.cache.load(file) {
            let b = r.source.bytes
            var i = 0
            while i + 2 < b.count {
                if b[i] == UInt8(ascii: "@"), b[i + 1] == UInt8(ascii: "{"), let end = b[(i + 2)...].firstIndex(of: UInt8(ascii: "}")) {
                    out.insert(String(decoding: b[(i + 2)..<end], as: UTF8.self))
                    i = end
                }
                i += 1
            }
        }
        usedVariables[file] = out
        return out
    }

    /// The rule target of a profile: its file's `abi` statement, else the system's ABI.
    public func target(of profile: String) -> RuleTarget {
        guard let file = file(of: profile.topProfileName) else { return targets.target(abi: nil) }
        if let t = fileTargets[file] { return t }
        let bytes: [UInt8]
        if case .success(let r) = checker.cache.load(file) { bytes = r.source.bytes } else { bytes = [] }
        let t = targets.target(file: bytes)
        fileTargets[file] = t
        return t
    }

    /// The file holding a top-level profile.
    public func file(of profile: String) -> String? { profiles[profile]?.file }

    public func hasProfile(_ fullName: String) -> Bool {
        // A top-level name (most requests) is looked up without copying its profile out.
        if fullName.utf8[...].firstDoubleSlash == nil { return profiles.index(forKey: fullName) != nil }
        return find(fullName) != nil
    }

    /// A profile, hat or child (`a//b`).
    func find(_ fullName: String) -> Profile? {
        // Most requests name a top-level profile: no parts to split.
        if fullName.utf8[...].firstDoubleSlash == nil { return profiles[fullName]?.profile }
        let parts = fullName.profileNameParts
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
            if let a = e.profile.attachment, let m = matchers.matcher(a), m.matches(path) { return name }
        }
        return nil
    }

    /// The variables of the file holding a profile (tunables included).
    public func variables(of profile: String) -> VariableTable {
        profiles[profile.topProfileName]?.variables ?? VariableTable()
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

    /// At most this many abstractions are offered for a request.
    static let maxSuggestions = 3

    /// Abstractions (and `custom_includes`) to offer for a request, for a profile, honouring
    /// `# LOGPROF-SUGGEST:`; never `local/` files or includes the profile has. One is offered
    /// only when one of its own rules matches (an abstraction that merely includes the one that
    /// matches is broader), and what it brings in covers the request. They are ranked by how
    /// little else they grant: the most specific matching rule first (most literal characters,
    /// so `/etc/{,libre}ssl/certs/{,**}` before `/etc/ssl/**`), then the fewest rules.
    func suggestions(for kind: EventKind, profile fullName: String) -> [String] {
        suggestions(ranked: { ranked(for: kind).map(\.index) }, profile: fullName)
    }

    /// `suggestions(for:profile:)` from the request's ranking (abstraction indices, best first;
    /// asked only when the profile may be offered an abstraction).
    func suggestions(ranked: () -> [Int], profile fullName: String) -> [String] {
        let offered = suggestableNames(for: fullName)
        guard !offered.isEmpty else { return [] }
        let all = loadAbstractions()
        var out: [String] = []
        for i in ranked() where offered.contains(all[i].name) {
            out.append(all[i].name)
            if out.count == Self.maxSuggestions { break }
        }
        return out
    }

    /// Every abstraction that allows the request, best first: the most specific matching rule
    /// (its literal characters), then the smallest, then by name. It does not depend on the
    /// profile (which abstractions a profile may be offered is filtered after), so a non-file
    /// request's ranking is worked out once for every profile that asks it.
    func ranked(for kind: EventKind) -> [(index: Int, specific: Int, size: Int)] {
        _ = loadAbstractions()
        return ranking?.ranked(kind, request: CoverageSet.request(kind, reader: ruleReader)) ?? []
    }

    /// The names of `suggestable(for:)`.
    func suggestableNames(for fullName: String) -> Set<String> {
        if let known = suggestableNameCache[fullName] { return known }
        let names = Set(suggestable(for: fullName).map(\.name))
        suggestableNameCache[fullName] = names
        return names
    }

    /// The abstractions that may be suggested to a profile: not included yet, and allowed by
    /// their `LOGPROF-SUGGEST` metadata (worked out once per profile).
    func suggestable(for fullName: String) -> [Abstraction] {
        if let known = suggestableCache[fullName] { return known }
        let have = includedFiles(of: fullName)
        let list = loadAbstractions().filter { a in
            guard !have.contains(a.file) else { return false }
            guard let s = a.suggest else { return true }
            return s.contains { PathRegex($0)?.matches(fullName) ?? false }
        }
        suggestableCache[fullName] = list
        return list
    }

    /// How much of a path a pattern names: its characters that are not glob syntax, counting
    /// only the longest alternative of a `{a,b}` group (`/{media,mnt,opt,srv}/**` names 7,
    /// `/etc/{,libre}ssl/certs/{,**}` 20).
    static func literalCount(_ pattern: String) -> Int {
        var i = 0
        return literalCount(Array(pattern.utf8), &i, inGroup: false).longest
    }

    private static func literalCount(_ b: [UInt8], _ i: inout Int, inGroup: Bool) -> (longest: Int, closed: Bool) {
        var best = 0, current = 0
        while i < b.count {
            let c = b[i]
            i += 1
            switch c {
            case UInt8(ascii: "{"):
                current += literalCount(b, &i, inGroup: true).longest
            case UInt8(ascii: "}") where inGroup:
                return (max(best, current), true)
            case UInt8(ascii: ",") where inGroup:
                best = max(best, current)
                current = 0
            case UInt8(ascii: "*"), UInt8(ascii: "?"), UInt8(ascii: "["), UInt8(ascii: "]"):
                break
            default:
                current += 1
            }
        }
        return (max(best, current), false)
    }

    /// Abstractions with more rules than this (their includes counted) are offered but never
    /// the default: they grant far more than one request asks.
    static let narrowAbstraction = 40

    /// The number of rules an abstraction brings in (its includes counted), each rule of a file
    /// once (the probe loads a file once per abstraction that includes it).
    func abstractionSize(_ name: String) -> Int {
        if let n = abstractionSizes[name] { return n }
        guard let i = loadAbstractions().firstIndex(where: { $0.name == name }) else { return Int.max }
        // Worked out when they load (`sizes(of:)`); the ranking only reads them.
        let n = ranking?.sizes[i] ?? 0
        abstractionSizes[name] = n
        return n
    }

    /// The rules each abstraction brings in, each rule of a file once (each file counted once
    /// for all the abstractions that include it).
    func sizes(of list: [Abstraction]) -> [Int] {
        var perFile: [String: Int] = [:]
        func count(_ file: String) -> Int {
            if let n = perFile[file] { return n }
            let n = Set((abstractionRules[file] ?? []).map { $0.node.textRange.lowerBound }).count
            perFile[file] = n
            return n
        }
        return list.map { $0.files.reduce(0) { $0 + count($1) } }
    }

    static let suggestKey = Array("LOGPROF-SUGGEST:".utf8)

    /// `# LOGPROF-SUGGEST: no` (never) or `# LOGPROF-SUGGEST: regex...` (profile names).
    static func suggestMetadata(_ text: String) -> [String]? {
        var bytes = text
        guard bytes.withUTF8({ ByteSearch.find(suggestKey, in: $0) }) != nil else { return nil }
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

extension String {
    /// `profile//hat//child` as its names (`app///usr/bin/kid`: `app`, `/usr/bin/kid`).
    var profileNameParts: [String] {
        var parts: [String] = []
        var bytes = utf8[...]
        while let cut = bytes.firstDoubleSlash {
            parts.append(String(Substring(bytes[..<cut])))
            bytes = bytes[bytes.index(cut, offsetBy: 2)...]
        }
        parts.append(String(Substring(bytes)))
        return parts
    }

    /// The top-level profile of `profile//hat`.
    var topProfileName: String {
        guard let cut = utf8[...].firstDoubleSlash else { return self }
        return String(Substring(utf8[..<cut]))
    }
}

extension Substring.UTF8View {
    /// Where the first `//` starts.
    var firstDoubleSlash: Index? {
        var prevSlash = false
        for i in indices {
            if self[i] == UInt8(ascii: "/") {
                if prevSlash { return index(before: i) }
                prevSlash = true
            } else {
                prevSlash = false
            }
        }
        return nil
    }
}
