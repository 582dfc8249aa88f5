import AppArmorEdit
import AppArmorPolicy
import AppArmorSyntax
import FoundationEssentials

/// One rule or include of another profile file that the installed profile of the same name
/// lacks.
public struct MergeProposal: Sendable, Equatable {
    /// The installed profile (`a//b` for a hat or child).
    public var profile: String
    /// The installed file it goes to.
    public var file: String
    /// The statement as the other file writes it.
    public var rule: PrintedRule
    /// Where it comes from: `FILE:LINE`.
    public var origin: String
}

/// What mergeprof found: the proposals, and the profiles of the other files that have no
/// installed counterpart.
public struct MergeprofPlan: Sendable {
    public var proposals: [MergeProposal] = []
    public var unmatched: [String] = []
    /// Rules not offered, and why.
    public var skipped: [String] = []
    public var errors: [String] = []
}

/// aa-mergeprof: the rules of other profile files that the installed profiles of the same
/// names (in the folder) do not already have, through a rule of their own or an include.
/// Coverage is cleanprof's (`PolicyRule.covers`, audit, mode and priority kept).
public enum MergeprofPlanner {
    public static func plan(files: [String], folder: String) -> MergeprofPlan {
        var plan = MergeprofPlan()
        let resolver = ModeTargetResolver(folder: folder)
        let checker = PolicyChecker(options: CheckOptions(searchPath: IncludeSearchPath(base: resolver.folder)))
        for file in files {
            let source = checker.check(path: file)
            guard case .success(let sr) = checker.cache.load(file) else {
                plan.errors.append("\(file): cannot be read")
                continue
            }
            if let e = PolicyChecker.checkSyntax(sr).first(where: \.isError) {
                plan.errors.append(e.oneLine)
                continue
            }
            for p in source.policy.profiles {
                guard let target = resolver.byName(p.name), target.file != ModeTargetResolver.realPath(file) else {
                    plan.unmatched.append(p.name)
                    continue
                }
                let installed = checker.check(path: target.file)
                guard case .success(let ir) = checker.cache.load(target.file),
                      let ip = installed.policy.profiles.first(where: { $0.name == p.name }) else {
                    plan.unmatched.append(p.name)
                    continue
                }
                propose(p, sr, into: ip, ir, name: p.name, variables: installed.policy.variables, plan: &plan)
            }
        }
        return plan
    }

    /// The proposals for one profile and, by name, its hats and children.
    static func propose(_ p: Profile, _ sr: ParseResult, into ip: Profile, _ ir: ParseResult, name: String,
                        variables: VariableTable, plan: inout MergeprofPlan) {
        // Includes the installed block lacks.
        let have = Set(includes(of: ip.node, in: ir))
        for (inc, node) in includeNodes(of: p.node, in: sr) where !have.contains(inc) {
            plan.proposals.append(MergeProposal(profile: name, file: ir.source.path, rule: PrintedRule(kind: .include, text: inc),
                                                origin: "\(sr.source.path):\(sr.source.location(of: node.textRange.lowerBound).line)"))
        }
        // Rules written directly in the block: one inside `deny { ... }` would lose its
        // qualifiers if copied as written, so it is not offered.
        let direct = BlockItems.unconditional(ProfileSyntax(p.node)?.items ?? [], openingQualifierBlocks: false)
        let own = Set(BlockItems.rules(direct).map(ObjectIdentifier.init))
        var taken: [PolicyRule] = []
        for rule in p.rules where rule.file == sr.source.path && own.contains(ObjectIdentifier(rule.node)) {
            if ip.rules.contains(where: { CleanprofPlanner.cleanCovers($0, rule) }) { continue }
            if taken.contains(where: { CleanprofPlanner.cleanCovers($0, rule) }) { continue }
            let text = sr.text(rule.node)
            let origin = "\(sr.source.path):\(sr.source.location(of: rule.node.textRange.lowerBound).line)"
            // A variable the installed file does not define would make it fail to load.
            let builtins: Set<String> = ["profile_name", "exec_path", "attach_path"]
            if let missing = VariableExpander.references(text).first(where: { !variables.isDefined($0) && !builtins.contains($0) }) {
                plan.skipped.append("\(origin): \(text) (uses @{\(missing)}, which \(ir.source.path) does not define)")
                continue
            }
            taken.append(rule)
            plan.proposals.append(MergeProposal(profile: name, file: ir.source.path, rule: PrintedRule(kind: rule.kind, text: text), origin: origin))
        }
        for child in p.children {
            guard let ic = ip.children.first(where: { $0.name == child.name }) else {
                plan.unmatched.append(name + "//" + child.name)
                continue
            }
            propose(child, sr, into: ic, ir, name: name + "//" + child.name, variables: variables, plan: &plan)
        }
    }

    /// `include <x>` / `include "x"` / `include if exists <x>` texts of a block, normalised.
    static func includes(of profile: SyntaxNode, in r: ParseResult) -> [String] { includeNodes(of: profile, in: r).map(\.0) }

    static func includeNodes(of profile: SyntaxNode, in r: ParseResult) -> [(String, SyntaxNode)] {
        BlockItems.unconditional(ProfileSyntax(profile)?.items ?? []).compactMap { node in
            guard let inc = IncludeSyntax(node) else { return nil }
            let name = inc.name(in: r)
            let quoted = inc.form == .magic ? "<\(name)>" : "\"\(name)\""
            return ((inc.isIfExists(in: r) ? "include if exists " : "include ") + quoted, node)
        }
    }

    /// The edited installed files for the accepted proposals, one per file.
    public static func edits(for accepted: [MergeProposal]) throws -> [EditedFile] {
        var order: [String] = []
        var byFile: [String: [MergeProposal]] = [:]
        for p in accepted {
            if byFile[p.file] == nil { order.append(p.file) }
            byFile[p.file, default: []].append(p)
        }
        var out: [EditedFile] = []
        for file in order {
            guard let data = FileManager.default.contents(atPath: file) else { throw CleanprofError.doesNotLoad("\(file): cannot be read") }
            let r = Parser.parse(path: file, bytes: Array(data))
            var edited = EditedFile(r)
            let proposals = byFile[file] ?? []
            var profileOrder: [String] = []
            for p in proposals where !profileOrder.contains(p.profile) { profileOrder.append(p.profile) }
            for name in profileOrder {
                guard let (syntax, _) = ModePlanner.selectedProfiles(in: r, name: name).first(where: { $0.1 == name }) else { continue }
                let rules = proposals.filter { $0.profile == name }.map(\.rule)
                guard let e = RuleInsertion.edits(adding: rules, to: syntax, in: r) else { continue }
                try edited.add(contentsOf: e)
            }
            out.append(edited)
        }
        return out
    }
}
