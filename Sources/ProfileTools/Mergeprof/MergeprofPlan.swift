import AppArmorEdit
import AppArmorPolicy
import AppArmorSyntax
import FoundationEssentials

/// One thing of another profile file that the installed profile of the same name lacks: an
/// include, a rule, or a hat or child profile the installed profile does not have (whose
/// includes and rules follow as proposals of their own).
public struct MergeProposal: Sendable {
    public enum Kind: Sendable, Equatable {
        case include, rule, hat, child
    }

    public var kind: Kind
    /// The installed profile it goes to (`a//b` for a hat or child); for a hat or child to
    /// add, its parent.
    public var profile: String
    /// The installed file it goes to.
    public var file: String
    /// The statement as the other file writes it; for a hat or child to add, its name.
    public var rule: PrintedRule
    /// Where it comes from: `FILE:LINE`.
    public var origin: String
    /// The rule as the policy model reads it (with the other file's variables), for coverage.
    public var typed: PolicyRule?
    /// The rule's qualifiers as written (`audit`, `owner`, `priority=1`...).
    public var qualifiers: [String] = []
    /// The rule after its qualifiers, without the final comma.
    public var body: String = ""
    /// A file rule's path as written: its range in `body`.
    public var pathRange: Range<String.Index>?
    /// What upstream's prompt shows about the rule (`Capability`, `Path`, `New Mode`...).
    public var headers: [(String, String)] = []
    /// A hat or child to add: the flags its header has in the other file.
    public var flags: [String] = []
    /// An `abi` or include of the other file's preamble (asked under `[preamble]`, before the
    /// first of its profiles); `profile` is that profile.
    public var preamble = false

    /// The full name of the profile the proposal is asked under (a hat or child to add: its
    /// own name).
    public var questionProfile: String {
        kind == .hat || kind == .child ? profile + "//" + rule.text : profile
    }

    /// A file rule's path as written.
    public var path: String? { pathRange.map { String(body[$0]) } }
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
/// Coverage is cleanprof's (`PolicyRule.covers`, audit, mode and priority kept). The
/// proposals come in upstream's order: profiles by name (a hat or child after its parent), the
/// other file's preamble (`abi`, includes) before its first profile, in each profile the
/// includes, then the rules by kind in upstream's rule-type order, each kind in file order.
public enum MergeprofPlanner {
    public static func plan(files: [String], folder: String) -> MergeprofPlan {
        var plan = MergeprofPlan()
        var preambles = Set<[String]>()
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
                var found: [MergeProposal] = []
                if preambles.insert([file, target.file]).inserted { found += preamble(sr, into: ir, profile: p.name) }
                propose(p, sr, into: ip, ir, name: p.name, variables: installed.policy.variables, plan: &plan, into: &found)
                plan.proposals += ordered(found)
            }
        }
        return plan
    }

    /// Upstream's rule-type order (`profile_storage.ruletypes`), for the order of questions.
    static let kindOrder: [SyntaxKind] = [
        .abi, .include, .allRule, .capabilityRule, .changeProfileRule, .dbusRule, .fileRule, .linkRule, .networkRule,
        .ptraceRule, .rlimitRule, .signalRule, .usernsRule, .mqueueRule, .ioUringRule, .mountRule, .remountRule,
        .umountRule, .pivotRootRule, .unixRule, .changeHatDecl,
    ]

    /// By profile name; in each profile the preamble first, a hat or child to add first, then
    /// by kind (stable).
    static func ordered(_ found: [MergeProposal]) -> [MergeProposal] {
        func rank(_ p: MergeProposal) -> Int {
            if p.preamble { return -2 }
            if p.kind == .hat || p.kind == .child { return -1 }
            return kindOrder.firstIndex(of: p.rule.kind) ?? kindOrder.count
        }
        return found.enumerated().sorted { a, b in
            let (na, nb) = (a.element.questionProfile, b.element.questionProfile)
            if na != nb { return Array(na.utf8).lexicographicallyPrecedes(Array(nb.utf8)) }
            let (ra, rb) = (rank(a.element), rank(b.element))
            return ra != rb ? ra < rb : a.offset < b.offset
        }.map(\.element)
    }

    /// The proposals for one profile and, by name, its hats and children. `ip` nil: the
    /// installed profile has no such block, and everything of `p` is offered.
    static func propose(_ p: Profile, _ sr: ParseResult, into ip: Profile?, _ ir: ParseResult, name: String,
                        variables: VariableTable, plan: inout MergeprofPlan, into found: inout [MergeProposal]) {
        // Includes the installed block lacks.
        let have = Set(ip.map { includes(of: $0.node, in: ir) } ?? [])
        for (inc, node) in includeNodes(of: p.node, in: sr) where !have.contains(inc) {
            found.append(MergeProposal(kind: .include, profile: name, file: ir.source.path, rule: PrintedRule(kind: .include, text: inc),
                                       origin: origin(node, sr), headers: [("Include", inc)]))
        }
        // Rules written directly in the block: one inside `deny { ... }` would lose its
        // qualifiers if copied as written, so it is not offered.
        let direct = BlockItems.unconditional(ProfileSyntax(p.node)?.items ?? [], openingQualifierBlocks: false)
        let own = Set(BlockItems.rules(direct).map(\.id))
        var taken: [PolicyRule] = []
        for rule in p.rules where rule.file == sr.source.path && own.contains(rule.node.id) {
            if let ip, ip.rules.contains(where: { CleanprofPlanner.cleanCovers($0, rule) }) { continue }
            if taken.contains(where: { CleanprofPlanner.cleanCovers($0, rule) }) { continue }
            let text = sr.text(rule.node)
            let from = origin(rule.node, sr)
            // A variable the installed file does not define would make it fail to load.
            let builtins: Set<String> = ["profile_name", "exec_path", "attach_path"]
            if let missing = VariableExpander.references(text).first(where: { !variables.isDefined($0) && !builtins.contains($0) }) {
                plan.skipped.append("\(from): \(text) (uses @{\(missing)}, which \(ir.source.path) does not define)")
                continue
            }
            taken.append(rule)
            found.append(proposal(rule, text: text, in: sr, profile: name, file: ir.source.path, origin: from))
        }
        for child in p.children {
            let ic = ip?.children.first(where: { $0.name == child.name })
            if ic == nil {
                // A hat or child the installed profile lacks: asked for first, then its rules.
                let syntax = ProfileSyntax(child.node)
                found.append(MergeProposal(kind: child.isHat ? .hat : .child, profile: name, file: ir.source.path,
                                           rule: PrintedRule(kind: .hat, text: child.name), origin: origin(child.node, sr),
                                           flags: syntax?.flags(in: sr) ?? []))
            }
            propose(child, sr, into: ic, ir, name: name + "//" + child.name, variables: variables, plan: &plan, into: &found)
        }
    }

    /// The `abi` and include statements of the other file's preamble that the installed file's
    /// preamble lacks (upstream asks about them first, as `[preamble]`).
    static func preamble(_ sr: ParseResult, into ir: ParseResult, profile: String) -> [MergeProposal] {
        func statements(_ r: ParseResult) -> [(String, SyntaxNode)] {
            BlockItems.unconditional(r.root.childNodes).compactMap { node in
                if let inc = IncludeSyntax(node) {
                    let name = inc.name(in: r)
                    let quoted = inc.form == .magic ? "<\(name)>" : "\"\(name)\""
                    return ((inc.isIfExists(in: r) ? "include if exists " : "include ") + quoted, node)
                }
                guard node.kind == .abi else { return nil }
                return (r.text(node).split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).joined(separator: " "), node)
            }
        }
        let have = Set(statements(ir).map(\.0))
        return statements(sr).filter { !have.contains($0.0) }.map { text, node in
            let abi = node.kind == .abi
            return MergeProposal(kind: abi ? .rule : .include, profile: profile, file: ir.source.path,
                                 rule: PrintedRule(kind: abi ? .abi : .include, text: text), origin: origin(node, sr),
                                 headers: [(abi ? "Abi" : "Include", text)], preamble: true)
        }
    }

    static func origin(_ node: SyntaxNode, _ r: ParseResult) -> String {
        "\(r.source.path):\(r.source.location(of: node.textRange.lowerBound).line)"
    }

    /// A rule proposal: its qualifiers and body as written, its path, and upstream's headers.
    static func proposal(_ rule: PolicyRule, text: String, in r: ParseResult, profile: String, file: String, origin: String) -> MergeProposal {
        var p = MergeProposal(kind: .rule, profile: profile, file: file, rule: PrintedRule(kind: rule.kind, text: text), origin: origin, typed: rule)
        guard let syntax = RuleSyntax(rule.node) else { return p }
        p.qualifiers = syntax.qualifiersNode?.children.map { element in
            switch element {
            case .token(let t): r.text(t)
            case .node(let n): r.text(n)
            }
        } ?? []
        let elements = syntax.elements
        let start = elements.first.map { element in
            switch element {
            case .token(let t): Int(t.textRange.lowerBound)
            case .node(let n): Int(n.textRange.lowerBound)
            }
        } ?? Int(rule.node.textRange.upperBound)
        let end = Int(syntax.comma?.textRange.lowerBound ?? rule.node.textRange.upperBound)
        let bytes = r.source.bytes
        let bodyBytes = start < end ? Array(bytes[start..<end]) : []
        var bodyEnd = bodyBytes.count
        while bodyEnd > 0, [0x20, 0x09, 0x0A].contains(bodyBytes[bodyEnd - 1]) { bodyEnd -= 1 }
        p.body = String(decoding: bodyBytes[..<bodyEnd], as: UTF8.self)
        if rule.kind == .fileRule, case .file(let f) = rule.detail, f.path != nil,
           let token = syntax.plainTokens.first(where: { t in
               let s = r.text(t)
               return s.hasPrefix("/") || s.hasPrefix("@{") || s.hasPrefix("\"") || s.hasPrefix("{") || s.hasPrefix("*")
           }) {
            let lo = Int(token.textRange.lowerBound) - start, hi = Int(token.textRange.upperBound) - start
            if lo >= 0, hi <= bodyEnd {
                let u = p.body.utf8
                p.pathRange = u.index(u.startIndex, offsetBy: lo)..<u.index(u.startIndex, offsetBy: hi)
            }
        }
        p.headers = MergeprofHeaders.headers(for: p)
        return p
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
}
