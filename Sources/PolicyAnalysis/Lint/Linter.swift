import AppArmorPolicy
import AppArmorSyntax
import FoundationEssentials

/// What a lint run is told: the policy folder, the include search path, which checks.
public struct LintOptions: Sendable {
    /// The policy folder (`-d`, default /etc/apparmor.d): includes, `abi/`, `local/`.
    public var folder: String
    /// `-I` folders, searched for `<magic>` includes before `base`.
    public var includeDirs: [String]
    /// The include base (`-b`); nil: `folder`.
    public var base: String?
    /// The apparmor_parser version the policy is judged for (nil: the abi statement decides).
    public var parserVersion: ParserVersion?
    /// The checks to run; nil: all.
    public var rules: Set<String>?
    /// The abi a missing `abi` statement's fix names (nil: found in the folder, else the
    /// system's abi/ folder, by `ABIStatement.defaultName`).
    public var abiForFix: String?

    public init(folder: String = "/etc/apparmor.d", includeDirs: [String] = [], base: String? = nil, parserVersion: ParserVersion? = nil,
                rules: Set<String>? = nil, abiForFix: String? = nil) {
        self.folder = folder
        self.includeDirs = includeDirs
        self.base = base
        self.parserVersion = parserVersion
        self.rules = rules
        self.abiForFix = abiForFix
    }

    public func runs(_ rule: LintRule) -> Bool { rules?.contains(rule.id) ?? true }
}

/// The findings of one file, in file order, and the file as read.
public struct LintFileResult: Sendable {
    public var path: String
    public var parse: ParseResult?
    public var findings: [LintFinding]
}

/// Lints profile files: every check of `LintRule.all` but the redundancy ones, which come
/// from cleanprof's engine through `extra` (ProfileTools' `LintRunner` supplies it). One
/// checker for the run: each include is parsed once.
public final class Linter {
    public let options: LintOptions
    public let checker: PolicyChecker
    /// Patterns compiled and compared once for the run (every profile includes the same
    /// abstractions).
    public let matchers = MatcherCache()
    let abiFiles = ABIFileCache()

    public init(options: LintOptions) {
        self.options = options
        self.checker = PolicyChecker(options: CheckOptions(searchPath: IncludeSearchPath(includeDirs: options.includeDirs, base: options.base ?? options.folder),
                                                           parserVersion: options.parserVersion))
    }

    /// Lints the files; `extra` adds findings of a file (given its path, parse and check).
    public func lint(_ files: [String], extra: (String, ParseResult, CheckReport) -> [LintFinding] = { _, _, _ in [] }) -> [LintFileResult] {
        var results: [LintFileResult] = []
        var attachments: [Attachment] = []
        let abiName = options.abiForFix ?? ABIStatement.defaultName(folder: options.folder)
        for file in files {
            let report = checker.check(path: file)
            guard case .success(let parse) = checker.cache.load(file) else {
                let message = report.diagnostics.first?.diagnostic.message ?? "cannot be read"
                let f = LintFinding(rule: .policyError, file: file, range: 0..<0, line: 1, column: 1, message: message)
                results.append(LintFileResult(path: file, parse: nil, findings: options.runs(.policyError) ? [f] : []))
                continue
            }
            var findings = lintFile(parse: parse, report: report, abiName: abiName)
            findings += extra(file, parse, report)
            attachments += Self.attachments(of: report.policy.profiles, in: parse)
            results.append(LintFileResult(path: file, parse: parse, findings: findings))
        }
        // Attachments across every file of the run.
        let overlaps = attachmentFindings(attachments)
        for i in results.indices {
            results[i].findings += overlaps[results[i].path] ?? []
            results[i].findings = Self.ordered(results[i].findings.filter { options.runs($0.rule) })
        }
        return results
    }

    func lintFile(parse: ParseResult, report: CheckReport, abiName: String?) -> [LintFinding] {
        let fileChecks = FileChecks(parse: parse, report: report, cache: checker.cache, folder: options.folder, abiForFix: abiName, abiFiles: abiFiles)
        var out = fileChecks.checkerErrors()
        // A file that does not parse: nothing else is worth saying.
        if parse.diagnostics.contains(where: { $0.severity == .error }) { return out }
        out += fileChecks.missingABI()
        out += fileChecks.missingLocalInclude()
        out += fileChecks.unusedVariables()
        var all: [Profile] = []
        func collect(_ ps: [Profile]) {
            for p in ps {
                all.append(p)
                collect(p.children)
            }
        }
        collect(report.policy.profiles)
        out += fileChecks.abiUnsupported(all)
        let grants = RuleGrantChecks(source: parse.source, matchers: matchers, cache: checker.cache)
        for p in all where !Self.isUnconfined(p) {
            out += grants.broadGrants(p)
            out += grants.writeExec(p)
            out += grants.allowDeny(p)
        }
        return out
    }

    /// A profile in unconfined mode, or one that allows everything (`allow all,`: AppArmor
    /// 4's way of naming an unconfined program): broad grants are its purpose.
    static func isUnconfined(_ p: Profile) -> Bool {
        p.flags.contains("unconfined") || p.rules.contains { $0.kind == .allRule && !$0.qualifiers.deny }
    }

    /// In file order; one finding per check and place (a rule reached by two profiles, or an
    /// include loaded twice, is reported once).
    static func ordered(_ findings: [LintFinding]) -> [LintFinding] {
        var seen = Set<String>()
        return findings.filter { seen.insert("\($0.file)\0\($0.range.lowerBound)\0\($0.rule.id)").inserted }
            .sorted { ($0.file, $0.range.lowerBound, $0.rule.id) < ($1.file, $1.range.lowerBound, $1.rule.id) }
    }

    // MARK: attachments

    struct Attachment {
        let profile: String
        let pattern: String
        let range: Range<Int>
        let source: SourceFile
    }

    static func attachments(of profiles: [Profile], in parse: ParseResult) -> [Attachment] {
        profiles.compactMap { p in
            guard let a = p.attachment, p.file == parse.source.path,
                  let syntax = ProfileSyntax(p.node) else { return nil }
            let token = syntax.attachmentToken(in: parse) ?? syntax.nameToken(in: parse)
            return Attachment(profile: p.name, pattern: AAREPattern.filterSlashes(a), range: token?.textRange ?? p.node.textRange, source: parse.source)
        }
    }

    /// Two profiles attaching to the same paths (the later is reported), and a pattern that
    /// also matches another profile's literal path or covers its pattern (the pattern is
    /// reported). Judged conservatively: patterns that merely intersect are not reported.
    func attachmentFindings(_ list: [Attachment]) -> [String: [LintFinding]] {
        var out: [String: [LintFinding]] = [:]
        func where_(_ a: Attachment) -> String { "\(a.source.path):\(a.source.location(of: a.range.lowerBound).line)" }
        let plain = list.map { AAREPattern.isPlainText($0.pattern) }
        for j in list.indices {
            for i in 0..<j {
                let (a, b) = (list[i], list[j])
                if a.profile == b.profile && a.source.path == b.source.path { continue }
                if plain[i] && plain[j] {
                    if a.pattern == b.pattern {
                        out[b.source.path, default: []].append(LintFinding(.attachmentDuplicate,
                            "profile '\(b.profile)' attaches to '\(b.pattern)' as profile '\(a.profile)' does (\(where_(a)))", at: b.range, in: b.source))
                    }
                    continue
                }
                let ab = AAREPattern.covers(a.pattern, b.pattern), ba = AAREPattern.covers(b.pattern, a.pattern)
                if ab && ba {
                    out[b.source.path, default: []].append(LintFinding(.attachmentDuplicate,
                        "profile '\(b.profile)' attaches to the same paths as profile '\(a.profile)' (\(where_(a)))", at: b.range, in: b.source))
                } else if ab || ba {
                    let (wide, narrow) = ab ? (a, b) : (b, a)
                    out[wide.source.path, default: []].append(LintFinding(.attachmentOverlap,
                        "the attachment of profile '\(wide.profile)' also matches '\(narrow.pattern)', profile '\(narrow.profile)''s (\(where_(narrow)))",
                        at: wide.range, in: wide.source))
                }
            }
        }
        return out
    }
}
