import AppArmorEdit
import AppArmorPolicy
import PolicyAnalysis
import AppArmorSyntax
import FoundationEssentials

/// One statement cleanprof removes, and why.
public struct CleanprofRemoval: Sendable, Equatable {
    /// 1-based line of the statement's first byte.
    public var line: Int
    /// The statement as written.
    public var text: String
    /// `duplicate of line N`, `covered by line N`, `covered by abstractions/base`...
    public var reason: String
    /// The profile it belongs to (`a//b`), nil for a top-level statement.
    public var profile: String?
    /// Why, as a kind: lint reports duplicates and covered rules under their own IDs.
    public var kind: Kind = .covered
    /// The statement's bytes in the file.
    public var range: Range<Int> = 0..<0

    public enum Kind: String, Sendable {
        /// An include an earlier one of the same name already loads.
        case duplicateInclude
        /// A rule equal to another rule of the same profile (each covers the other).
        case duplicate
        /// A rule another rule, or an include, covers.
        case covered
        /// A `^hat,` declaration beside the hat itself.
        case hatDeclaration
    }
}

/// What cleanprof will do to one profile file: the removals and the edited file.
public struct CleanprofPlan: Sendable {
    public var file: String
    /// The profiles cleaned (with their hats and children); nil: every profile of the file.
    public var profileNames: [String]?
    public var edited: EditedFile
    public var removals: [CleanprofRemoval] = []
}

public enum CleanprofError: Error, CustomStringConvertible, Equatable {
    /// The file does not load: cleanprof does not edit what apparmor_parser rejects.
    case doesNotLoad(String)

    public var description: String {
        switch self {
        case .doesNotLoad(let d): d
        }
    }
}

/// Plans aa-cleanprof's work on one file: rules of the selected profiles that another rule of
/// the same profile (or of an include it loads) already covers, duplicate includes, and hat
/// declarations (`^hat,`) beside the hat itself. Coverage is the policy model's
/// (`PolicyRule.covers`); rules inside conditionals are neither removed nor used to remove
/// others. Everything else stays byte-identical: each removal deletes the statement's lines
/// only (or the statement alone when it shares its line with another).
public enum CleanprofPlanner {
    /// `checker` loads the file and its includes (one made for `folder` when nil); a caller
    /// that checks the same files again passes its own, so that each is parsed once.
    /// `report`: the file's check by `checker`, when the caller has it already (lint); with
    /// `patterns`, path patterns are compiled and compared once for a run of many files.
    public static func plan(file: String, profileNames: [String]?, folder: String, checker: PolicyChecker? = nil,
                            report: CheckReport? = nil, patterns: MatcherCache? = nil) throws -> CleanprofPlan {
        let checker = checker ?? PolicyChecker(options: CheckOptions(searchPath: IncludeSearchPath(base: folder)))
        let report = report ?? checker.check(path: file)
        guard case .success(let r) = checker.cache.load(file) else {
            throw CleanprofError.doesNotLoad("\(file): cannot be read")
        }
        // A syntax error stops it; a policy error (a missing include, a variable defined
        // twice) only means fewer rules to compare with, so fewer removals.
        if let e = PolicyChecker.checkSyntax(r).first(where: \.isError) { throw CleanprofError.doesNotLoad(e.oneLine) }
        var plan = CleanprofPlan(file: file, profileNames: profileNames, edited: EditedFile(r))
        var removed: [SyntaxNode] = []

        // Duplicate includes at the top of the file and in each selected profile.
        removed += duplicateIncludes(in: BlockItems.unconditional(r.root.childNodes), r: r, profile: nil, into: &plan)

        var byNode: [ObjectIdentifier: (Profile, String)] = [:]
        func index(_ ps: [Profile], prefix: String?) {
            for p in ps {
                let full = prefix.map { $0 + "//" + p.name } ?? p.name
                byNode[p.node.id] = (p, full)
                index(p.children, prefix: full)
            }
        }
        index(report.policy.profiles, prefix: nil)

        var selected: [(ProfileSyntax, String)] = []
        for name in profileNames.map({ $0.map(Optional.some) }) ?? [nil] {
            for hit in ModePlanner.selectedProfiles(in: r, name: name) where !selected.contains(where: { $0.0.node == hit.0.node }) {
                selected.append(hit)
            }
        }
        for (syntax, fullName) in selected {
            let items = BlockItems.unconditional(syntax.items)
            removed += duplicateIncludes(in: items, r: r, profile: fullName, into: &plan)
            guard let (profile, _) = byNode[syntax.node.id] else { continue }
            removed += coveredRules(profile, items: items, r: r, fullName: fullName, patterns: patterns, into: &plan)
        }
        for node in removed { try plan.edited.add(StatementRemoval.edit(removing: node, in: r.source.bytes)) }
        plan.removals.sort { $0.line < $1.line }
        return plan
    }

    /// Includes that an earlier include of the same name already loads; an `if exists` form
    /// goes when the plain form of the same name is there.
    static func duplicateIncludes(in items: [SyntaxNode], r: ParseResult, profile: String?, into plan: inout CleanprofPlan) -> [SyntaxNode] {
        let includes = items.compactMap(IncludeSyntax.init)
        var out: [SyntaxNode] = []
        for (i, inc) in includes.enumerated() {
            let key = inc.name(in: r)
            let magic = inc.form == .magic
            let same = includes.enumerated().filter { j, other in
                j != i && other.name(in: r) == key && (other.form == .magic) == magic
                    && !out.contains { $0 == other.node }
            }
            // An earlier include of the same form, or a plain one anywhere for an `if exists`.
            let selfIf = inc.isIfExists(in: r)
            let keeper = same.first { j, other in
                let otherIf = other.isIfExists(in: r)
                return selfIf ? (!otherIf || j < i) : (j < i && !otherIf)
            }
            guard let (_, k) = keeper else { continue }
            out.append(inc.node)
            plan.removals.append(CleanprofRemoval(
                line: r.source.location(of: inc.node.textRange.lowerBound).line, text: r.text(inc.node),
                reason: "duplicate of line \(r.source.location(of: k.node.textRange.lowerBound).line)", profile: profile,
                kind: .duplicateInclude, range: inc.node.textRange))
        }
        return out
    }

    /// The profile's own rules (written in its block, outside conditionals) that another rule
    /// of the profile covers: the earlier of two equal rules stays.
    static func coveredRules(_ profile: Profile, items: [SyntaxNode], r: ParseResult, fullName: String, patterns: MatcherCache?,
                             into plan: inout CleanprofPlan) -> [SyntaxNode] {
        let own = Set(BlockItems.rules(items).map(\.id))
        let conditional = Set(BlockItems.conditionalRules(profile.node).map(\.id))
        let file = r.source.path
        var removed = Set<ObjectIdentifier>()
        var out: [SyntaxNode] = []
        let hats = Set(profile.children.filter(\.isHat).map { hat in
            hat.name.ranges(of: "//").last.map { String(hat.name[$0.upperBound...]) } ?? hat.name
        })
        // The rules that may cover each rule, through an index rather than every pair.
        let candidates = patterns.map { RuleCandidates(profile.rules, patterns: $0) }
        for (i, rule) in profile.rules.enumerated() where rule.file == file && own.contains(rule.node.id) {
            var reason: String?
            var kind = CleanprofRemoval.Kind.covered
            if case .changeHat(let word) = rule.detail, case let name = word.hasPrefix("^") ? String(word.dropFirst()) : word,
               hats.contains(name) {
                reason = "hat \(name) is defined in the profile"
                kind = .hatDeclaration
            }
            for j in candidates?.mayCover(i) ?? Array(profile.rules.indices) where reason == nil && j != i {
                let other = profile.rules[j]
                let otherOwn = other.file == file
                if otherOwn && (conditional.contains(other.node.id) || removed.contains(other.node.id)) { continue }
                guard cleanCovers(other, rule, patterns: patterns) else { continue }
                // Two equal rules: the later one goes.
                let equal = otherOwn && cleanCovers(rule, other, patterns: patterns)
                if equal, j > i { continue }
                kind = equal ? .duplicate : .covered
                reason = otherOwn
                    ? "covered by line \(r.source.location(of: other.node.textRange.lowerBound).line)"
                    : "covered by \(IncludeNames.short(other.file))"
            }
            guard let reason else { continue }
            removed.insert(rule.node.id)
            out.append(rule.node)
            plan.removals.append(CleanprofRemoval(
                line: r.source.location(of: rule.node.textRange.lowerBound).line, text: r.text(rule.node),
                reason: reason, profile: fullName, kind: kind, range: rule.node.textRange))
        }
        return out
    }

    /// `covers`, plus what removing a rule must also keep: its audit flag, its prompt or
    /// quiet mode and its priority.
    static func cleanCovers(_ a: PolicyRule, _ b: PolicyRule, patterns: MatcherCache? = nil) -> Bool {
        if b.qualifiers.audit && !a.qualifiers.audit { return false }
        if a.qualifiers.mode != b.qualifiers.mode || a.qualifiers.priority != b.qualifiers.priority { return false }
        return a.covers(b, patterns: patterns)
    }
}
