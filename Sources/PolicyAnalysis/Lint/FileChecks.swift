import AppArmorPolicy
import AppArmorSyntax
import AuditLog
import FoundationEssentials

/// The checks on a profile file as a whole: what `check` reports about it (as lint IDs), its
/// `abi` statement and what that abi lacks, the Debian `local/` include, variables.
struct FileChecks {
    let parse: ParseResult
    let report: CheckReport
    let cache: PolicyFileCache
    /// The policy folder (`-d`): where `abi/` and `local/` are looked for.
    let folder: String
    /// The name `--fix` writes in a missing `abi` statement (`abi/3.0`), nil: no fix.
    let abiForFix: String?
    /// The abi files read so far in the run.
    let abiFiles: ABIFileCache

    var source: SourceFile { parse.source }
    var path: String { source.path }

    /// Whether the file holds profiles (an abstraction or a tunables file does not).
    var hasProfiles: Bool { !parse.topLevelProfiles.isEmpty }

    // MARK: what check reports

    /// The checker's errors in this file, as lint findings: a missing include, an undefined
    /// variable and a relative attachment under their own IDs, any other as policy-error.
    func checkerErrors() -> [LintFinding] {
        var out: [LintFinding] = []
        for d in report.diagnostics where d.isError && d.source.path == path && d.diagnostic.path == nil {
            let diag = d.diagnostic
            let rule: LintRule
            var message = diag.message
            switch diag.id {
            case .includeNotFound: rule = .missingInclude
            case .variableUndefined: rule = .undefinedVariable
            case .profileHeader where diag.message.hasPrefix("an attachment must be an absolute path"): rule = .attachmentNotAbsolute
            default:
                rule = .policyError
                message += " (\(diag.id))"
            }
            let range = diag.range.clamped(to: 0..<source.bytes.count)
            out.append(LintFinding(rule, message, at: range, in: source))
        }
        return out
    }

    // MARK: abi

    var abiNode: SyntaxNode? { parse.root.childNodes.first { $0.kind == .abi } }

    /// A profile file without `abi <...>,`; the fix inserts one before the first statement.
    func missingABI() -> [LintFinding] {
        guard hasProfiles, abiNode == nil, let first = parse.root.childNodes.first else { return [] }
        var fix: LintFix?
        if let name = abiForFix, let statement = ABIStatement.text(name) {
            var at = first.textRange.lowerBound
            while at > 0, source.bytes[at - 1] != UInt8(ascii: "\n") { at -= 1 }
            fix = .insert(statement + "\n\n", at: at)
        }
        let hint = abiForFix.map { " (add 'abi <\($0)>,')" } ?? ""
        let profile = parse.topLevelProfiles[0]
        let at = profile.nameToken(in: parse)?.textRange ?? profile.node.textRange
        return [LintFinding(.missingABI, "the file has no abi statement\(hint)", at: at, in: source, fix: fix)]
    }

    /// The feature set the file's `abi` statement names, read from the abi file.
    func abiFeatures() -> (name: String, features: FeatureSet)? {
        guard let node = abiNode, let name = PolicyChecker.abiName(of: node, in: parse), name != "kernel", name != "default" else { return nil }
        let form: IncludeSyntax.Form = node.childTokens.dropFirst().first?.kind == .angleName ? .magic : .quoted
        for candidate in cache.searchPath.candidates(for: name, form: form, from: path) + [PathNames.appending(folder, name)] {
            if let f = abiFiles.features(candidate) { return (name, f) }
        }
        return nil
    }

    /// Own rules that need a kernel feature the abi does not list.
    func abiUnsupported(_ profiles: [Profile]) -> [LintFinding] {
        guard let (name, features) = abiFeatures() else { return [] }
        let target = RuleTarget(features: features.paths)
        var out: [LintFinding] = []
        for p in profiles {
            for r in p.rules where r.file == path {
                let what = features.unsupported(r) ?? target.unsupported(r).map(Self.describe)
                guard let what else { continue }
                out.append(LintFinding(.abiUnsupported, "\(what): the profile's abi (\(name)) lacks the kernel feature, so it is not enforced as written",
                                       at: r.node.textRange, in: source))
            }
        }
        return out
    }

    static func describe(_ c: RuleConstruct) -> String {
        switch c {
        case .networkAccessList: "network access lists"
        case .networkAddress: "network addresses and ports"
        case .userns: "userns rules"
        case .mqueue: "mqueue rules"
        case .ioUring: "io_uring rules"
        case .abi40: "abi 4.0"
        }
    }

    // MARK: local include

    /// Whether the folder is laid out as /etc/apparmor.d (a `local/` folder, or tunables and
    /// abstractions) and the file sits at its top.
    var isPolicyTreeProfile: Bool {
        let dir = PathNames.parent(path)
        guard PathNames.standardized(dir) == PathNames.standardized(folder) else { return false }
        return PosixFiles.kind(PathNames.appending(folder, "local")) == .directory
            || PosixFiles.kind(PathNames.appending(folder, "tunables")) == .directory
    }

    /// Top-level profiles without an include of `local/...`.
    func missingLocalInclude() -> [LintFinding] {
        guard hasProfiles, isPolicyTreeProfile else { return [] }
        let name = PathNames.lastComponent(path)
        var out: [LintFinding] = []
        for (i, p) in parse.topLevelProfiles.enumerated() {
            var found = false
            p.node.walk { n in
                if !found, let inc = IncludeSyntax(n), inc.name(in: parse).hasPrefix("local/") { found = true }
            }
            guard !found else { continue }
            let at = p.nameToken(in: parse)?.textRange ?? p.node.textRange
            // The file's name for its first profile (Debian's convention), else the profile's.
            let profileName = p.name(in: parse)
            let local = i == 0 || profileName.contains("/") ? name : profileName
            out.append(LintFinding(.missingLocalInclude, "profile '\(profileName)' has no 'include if exists <local/\(local)>' for local additions",
                                   at: at, in: source))
        }
        return out
    }

    // MARK: variables

    /// Variables this file defines (`@{x} = ...`, `$b = ...`) that neither it nor any file it
    /// loads mentions. Tunables and abstractions define for others: only profile files count.
    func unusedVariables() -> [LintFinding] {
        guard hasProfiles else { return [] }
        let assignments = parse.root.lazyChildNodes.lazy.filter { $0.kind == .variableAssignment || $0.kind == .booleanAssignment }
        guard assignments.contains(where: { _ in true }) else { return [] }
        // Every file is read once for every name it mentions (a file defining thousands of
        // variables is not read once per variable).
        var mentions = Mentions(variables: report.policy.variables)
        mentions.add(source.bytes, own: true)
        for f in report.policy.filesRead where f != path {
            if case .success(let r) = cache.load(f) { mentions.add(r.source.bytes, own: false) }
        }
        var out: [LintFinding] = []
        for node in assignments {
            guard let a = AssignmentSyntax(node), parse.text(a.operatorToken) == "=" else { continue }
            let name = a.name(in: parse)
            let isBoolean = node.kind == .booleanAssignment
            // Mentions outside the assignment's own name.
            guard !mentions.isUsed(name, boolean: isBoolean, outside: a.nameToken.textRange) else { continue }
            out.append(LintFinding(.unusedVariable, "\(isBoolean ? "$" + name : "@{" + name + "}") is defined and never used",
                                   at: a.nameToken.textRange, in: source))
        }
        return out
    }

    /// How the defined variables are mentioned: in this file, where first and whether more than
    /// once; in the files it loads, whether at all. Set variables are kept by their number in
    /// the table (8 bytes a variable), booleans by name; names the table does not define are
    /// not kept. A file of a hundred thousand variables costs no list of places per name.
    struct Mentions {
        struct Seen {
            var first: Int32 = -1
            var more = false
            var elsewhere = false
        }

        let variables: VariableTable
        private var sets: [Seen]
        private var booleans: [String: Seen] = [:]

        init(variables: VariableTable) {
            self.variables = variables
            sets = Array(repeating: Seen(), count: variables.count)
        }

        /// Whether `name` is mentioned anywhere but at `own` (its definition's name).
        func isUsed(_ name: String, boolean: Bool, outside own: Range<Int>) -> Bool {
            let seen = boolean ? booleans[name] : variables.number(ofVariable: name).map { sets[$0] }
            guard let seen else { return false }
            return seen.elsewhere || seen.more || seen.first >= 0 && !own.contains(Int(seen.first))
        }

        /// The mentions in a file's bytes (`own`: this file's, where they are matters).
        mutating func add(_ bytes: [UInt8], own: Bool) {
            Mentions.scan(bytes) { name, at, isBoolean in
                if isBoolean {
                    guard variables.booleans[name] != nil else { return }
                    Mentions.note(&booleans[name, default: Seen()], at: at, own: own)
                } else if let n = variables.number(ofVariable: name) {
                    Mentions.note(&sets[n], at: at, own: own)
                }
            }
        }

        private static func note(_ seen: inout Seen, at: Int, own: Bool) {
            guard own else { return seen.elsewhere = true }
            if seen.first < 0 { seen.first = Int32(at) } else { seen.more = true }
        }

        /// Each `@{name}` (a set variable) and `$name` (a boolean, the name running as far as
        /// name characters go) in a text, with where it starts.
        static func scan(_ bytes: [UInt8], _ body: (String, Int, Bool) -> Void) {
            var i = 0
            while i < bytes.count {
                let c = bytes[i]
                if c == UInt8(ascii: "@"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "{"),
                   let close = bytes[(i + 2)...].firstIndex(of: UInt8(ascii: "}")) {
                    body(String(decoding: bytes[(i + 2)..<close], as: UTF8.self), i, false)
                    i = close + 1
                } else if c == UInt8(ascii: "$") {
                    var j = i + 1
                    while j < bytes.count, VariableTable.isNameByte(bytes[j]) { j += 1 }
                    if j > i + 1 { body(String(decoding: bytes[(i + 1)..<j], as: UTF8.self), i, true) }
                    i = j
                } else {
                    i += 1
                }
            }
        }
    }
}

/// The feature sets of abi files, each file read once for a run (every profile of a tree
/// names the same abi).
final class ABIFileCache {
    private var byPath: [String: FeatureSet?] = [:]

    func features(_ path: String) -> FeatureSet? {
        if let hit = byPath[path] { return hit }
        let f = try? FeatureSet(contentsOf: path)
        byPath[path] = f
        return f
    }
}

/// The text of an `abi` statement.
public enum ABIStatement {
    /// `abi <abi/3.0>,` for `abi/3.0`; nil when the name cannot be written in `<...>`.
    public static func text(_ name: String) -> String? {
        guard !name.isEmpty, name.utf8.allSatisfy(QuotedString.isBare) else { return nil }
        return "abi <\(name)>,"
    }

    /// The abi a new statement names: `abi/3.0` when the folder's (or else the system's)
    /// abi/ folder has it, else the first name found there; nil when neither has one.
    public static func defaultName(folder: String, system: String = "/etc/apparmor.d") -> String? {
        for dir in [folder, system] {
            let names = (PosixFiles.fileNames(in: PathNames.appending(dir, "abi")) ?? []).filter { !$0.hasPrefix(".") }.sorted()
            if names.contains("3.0") { return "abi/3.0" }
            if let first = names.first { return "abi/" + first }
        }
        return nil
    }
}
