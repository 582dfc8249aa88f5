import AppArmorPolicy
import PolicyAnalysis
import AppArmorSyntax
import FoundationEssentials

extension LogprofPolicy {
    /// Loads every abstraction (and `custom_includes`) once: one probe profile includes them
    /// all, its rules are grouped by the file they are written in, and each abstraction's rule
    /// sets are those of its file and of the files it includes.
    /// Loads the abstractions now (they load on first use otherwise).
    public func preloadAbstractions() { _ = loadAbstractions() }

    func loadAbstractions() -> [Abstraction] {
        if let a = abstractions { return a }
        let base = dir.hasSuffix("/") ? dir : dir + "/"
        let names = (PosixFiles.files(below: base + "abstractions", skipping: PolicyFileCache.isSkippable)
            .map { "abstractions/" + $0 } + customIncludes).sorted()
        let probe = "include <tunables/global>\nprofile logprof-abstraction-probe {\n"
            + names.map { "  include <\($0)>\n" }.joined() + "}\n"
        let report = abstractionChecker.check(path: base + ".logprof-abstraction-probe", bytes: Array(probe.utf8))
        var byFile: [String: [PolicyRule]] = [:]
        for r in report.policy.profiles.first?.rules ?? [] { byFile[r.file, default: []].append(r) }
        abstractionRules = byFile
        var groupIDs: [String: Int] = [:]
        // A matcher cache and reader of its own: the ranking may be used on another thread.
        let all = CoverageSet(matchers: MatcherCache(), memoize: false)
        var everything = Set<Int>()
        func group(_ file: String) -> Int {
            if let g = groupIDs[file] { return g }
            let g = groupIDs.count
            groupIDs[file] = g
            // As upstream: suggestions come from rules whose paths are written out; a rule such
            // as `@{PROC}/@{pid}/cmdline r` of an unrelated abstraction is not offered for a
            // `/proc/<pid>/` request (the glob options cover that).
            let rules = byFile[file] ?? []
            all.add(rules, text: abstractionRuleText, writtenPathsOnly: true, group: g, filesOnly: true)
            if rules.contains(where: { $0.kind == .allRule }) { everything.insert(g) }
            return g
        }
        var list: [Abstraction] = []
        for name in names {
            let file = base + name
            // The probe read every abstraction: its text comes from the checker's cache.
            guard case .success(let parsed) = abstractionChecker.cache.load(file) else { continue }
            let closure = includeClosure(file)
            list.append(Abstraction(name: name, file: file, files: closure, groups: closure.map(group),
                                    suggest: Self.suggestMetadata(String(decoding: parsed.source.bytes, as: UTF8.self))))
        }
        abstractions = list
        ranking = AbstractionRanking(files: all, names: list.map(\.name), groups: list.map(\.groups), sizes: sizes(of: list),
                                     everything: everything, ownRules: list.map { byFile[$0.file] ?? [] })
        return list
    }

    /// The rule sets of an abstraction's files (made on first use), every variable expanded:
    /// for non-file suggestions, and for what an accepted include then allows (each profile
    /// that includes a file asks its set, which remembers the answers).
    func abstractionSets(_ a: Abstraction) -> [CoverageSet] {
        a.files.map { file in
            if let s = abstractionSetCache[file] { return s }
            let s = CoverageSet(matchers: matchers)
            s.add(abstractionRules[file] ?? [], text: abstractionRuleText)
            abstractionSetCache[file] = s
            return s
        }
    }

    /// A file and every file its includes bring in, recursively.
    func includeClosure(_ file: String) -> [String] {
        var seen: [String] = []
        var stack = [file]
        while let f = stack.popLast() {
            guard !seen.contains(f) else { continue }
            seen.append(f)
            guard case .success(let r) = abstractionChecker.cache.load(f) else { continue }
            for inc in Self.includes(r.root.childNodes) {
                guard let syntax = IncludeSyntax(inc) else { continue }
                switch abstractionChecker.cache.resolve(syntax.name(in: r), form: syntax.form, from: f) {
                case .file(let p): stack.append(p)
                case .folder(_, let files): stack += files
                case .missing: break
                }
            }
        }
        return seen
    }

    /// Include statements, also inside conditional blocks.
    static func includes(_ nodes: [SyntaxNode]) -> [SyntaxNode] {
        var out: [SyntaxNode] = []
        for n in nodes {
            if n.kind == .include { out.append(n) } else if n.kind == .conditional || n.kind == .block || n.kind == .elseClause {
                out += includes(n.childNodes)
            }
        }
        return out
    }
}
