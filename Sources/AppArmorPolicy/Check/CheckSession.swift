import FoundationEssentials
import AppArmorSyntax

/// A profile being loaded: its header values, rules and children so far.
final class ProfileFrame {
    var profile: Profile
    let builtins: [String: [String]]
    var execRules: [ExecEntry] = []
    var changeProfiles: [ChangeProfileEntry] = []
    var childNames: [String: Range<Int>] = [:]

    /// The built-ins' number in the run (`PolicyFileCache.id(ofBuiltins:)`), for the memos.
    let builtinsID: Int

    init(profile: Profile, builtins: [String: [String]], builtinsID: Int) {
        self.profile = profile
        self.builtins = builtins
        self.builtinsID = builtinsID
    }
}

/// The state of loading one top-level file: the file cache (shared by the whole run), the
/// variables, the include chain and the diagnostics found. One thread uses a session (and a
/// cache) at a time. Its stored properties (and the cache's) keep Swift's run-time exclusivity
/// checks: `@exclusivity(unchecked)` on all 33 saved 2-4% of `check`'s CPU time (71,496 files:
/// 1.81 -> 1.77 s; /etc/apparmor.d: 21.4 -> 21.1 ms), too little for unchecked access.
public final class CheckSession {
    let cache: PolicyFileCache
    let features: FeatureSet?
    var variables = VariableTable() {
        didSet { digest = nil }
    }
    var digest: (value: Int, usesBuiltins: Bool)?

    var variablesState: (value: Int, usesBuiltins: Bool) {
        if let d = digest { return d }
        let d = (cache.id(of: variables), variables.containsValue(where: CheckSession.mentionsBuiltin))
        digest = d
        return d
    }

    /// The variables' number in the run: equal tables, equal numbers (a key of the memos).
    var variablesDigest: Int { variablesState.value }
    /// Whether a variable's value refers to a profile built-in.
    var variablesUseBuiltins: Bool { variablesState.usesBuiltins }
    /// Every include, in order (to know what a walk visited).
    var includeLog: [String] = []
    /// Rules read so far that use a profile built-in variable.
    var builtinUses = 0
    var includeStack: [String] = []
    var diagnostics: [PolicyDiagnostic] = []
    var filesRead: [String] = []
    var profiles: [Profile] = []
    var topNames: [String: Range<Int>] = [:]
    private var syntaxReported: Set<String> = []
    /// Diagnostics reported so far, by file (each file's report stops at `Parser.maxDiagnostics`).
    private var reportedPerFile: [String: Int] = [:]

    /// The version given by the caller; when nil, the first `abi` statement read decides.
    let givenVersion: ParserVersion?
    var abiVersion: ParserVersion?
    /// The parser version whose semantics apply.
    var version: ParserVersion { givenVersion ?? abiVersion ?? .latest }
    /// How a message names the version it judges by, e.g. "apparmor_parser 3.0.8".
    var versionName: String { "apparmor_parser \(version.shortDescription)" }

    /// Why the parser judged by refuses something, in the words every version check uses:
    /// "WHAT; apparmor_parser 3.0 rejects it (--parser-version to check for another)".
    func parserRefusal(_ what: String, _ pronoun: String = "it") -> String {
        "\(what); \(versionName) rejects \(pronoun) (--parser-version to check for another)"
    }

    init(cache: PolicyFileCache, features: FeatureSet?, parserVersion: ParserVersion? = nil) {
        self.cache = cache
        self.features = features
        self.givenVersion = parserVersion
    }

    func report(_ id: DiagnosticID, _ message: String, _ range: Range<Int>, in r: ParseResult, notes: [String] = [], severity: Severity = .error) {
        let n = reportedPerFile[r.source.path, default: 0]
        guard n <= Parser.maxDiagnostics else { return }
        reportedPerFile[r.source.path] = n + 1
        let d = n < Parser.maxDiagnostics
            ? Diagnostic(id, severity, message, range: range, notes: notes)
            : Diagnostic(.tooManyErrors, .error, "too many errors (\(Parser.maxDiagnostics)) in this file; the rest are not reported", range: range)
        diagnostics.append(PolicyDiagnostic(diagnostic: d, source: r.source))
    }

    /// Reports a file's syntax diagnostics once per session. An included file that is not
    /// policy at all (a binary, a password file) gets one diagnostic at the include statement
    /// instead: its own lines are never shown.
    /// Returns false for such a file: it is not walked.
    @discardableResult
    func adoptSyntax(_ r: ParseResult, includedBy include: (token: Token, in: ParseResult)? = nil) -> Bool {
        if let include, !r.looksLikePolicy {
            let errors = r.diagnostics.filter { $0.severity == .error }.count
            let what = r.diagnostics.contains { $0.id == .binaryInput } ? "a binary file" : "not AppArmor policy (\(errors) syntax errors)"
            report(.includeNotPolicy, "'\(r.source.path)' is \(what); not read, and its lines are not shown",
                   include.token.textRange, in: include.in)
            return false
        }
        guard syntaxReported.insert(r.source.path).inserted else { return true }
        filesRead.append(r.source.path)
        for d in r.diagnostics { diagnostics.append(PolicyDiagnostic(diagnostic: d, source: r.source)) }
        return true
    }

    // MARK: walking statements

    /// Walks the statements of a block or file. `frame` is nil in the preamble (outside any
    /// profile).
    func walk(_ items: some Sequence<SyntaxNode>, in r: ParseResult, frame: ProfileFrame?, qualifiers: RuleQualifiers) {
        for item in items {
            switch item.kind {
            case .include:
                include(item, in: r, frame: frame, qualifiers: qualifiers)
            case .abi:
                checkAbi(item, in: r)
            case .alias:
                if frame != nil { report(.misplaced, "alias rules are only allowed outside profiles", item.textRange, in: r) }
            case .variableAssignment, .booleanAssignment:
                if frame != nil, let a = AssignmentSyntax(item), !CheckSession.isPlainVariableName(r.text(a.nameToken)) {
                    continue
                } else if frame != nil {
                    report(.misplaced, "variables can only be defined outside profiles", item.textRange, in: r)
                } else {
                    assign(item, in: r)
                }
            case .conditional:
                if let block = evaluateConditional(item, in: r) {
                    walk(block.lazyChildNodes, in: r, frame: frame, qualifiers: qualifiers)
                }
            case .profile, .hat:
                loadProfile(item, in: r, parent: frame)
            case .qualifierBlock:
                guard let frame else {
                    report(.misplaced, "qualifier blocks are only allowed inside profiles", item.textRange, in: r)
                    continue
                }
                guard let q = parseQualifiers(item.firstChild(.qualifiers), in: r, family: nil) else { continue }
                if let block = item.firstChild(.block) {
                    walk(block.lazyChildNodes, in: r, frame: frame, qualifiers: q.merged(into: qualifiers))
                }
            case .error, .sourceFile, .block:
                continue
            default:
                guard item.kind.isRule else { continue }
                guard let frame else {
                    report(.misplaced, "rules are only allowed inside a profile", item.textRange, in: r)
                    continue
                }
                loadRule(item, in: r, frame: frame, outer: qualifiers)
            }
        }
    }

    /// `@{NAME}`, `@NAME`, `${NAME}`, `$NAME`.
    static func isPlainVariableName(_ s: String) -> Bool {
        var v = Substring(s)
        guard v.hasPrefix("@") || v.hasPrefix("$") else { return false }
        v = v.dropFirst()
        if v.hasPrefix("{") { guard v.hasSuffix("}") else { return false }; v = v.dropFirst().dropLast() }
        return !v.isEmpty && v.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
    }

    // MARK: includes

    func include(_ node: SyntaxNode, in r: ParseResult, frame: ProfileFrame?, qualifiers: RuleQualifiers) {
        guard let target = includeTarget(node, in: r) else { return }
        let nameTok = target.nameToken
        switch target.outcome {
        case .invalid(let message):
            report(.badInclude, message, nameTok.textRange, in: r)
        case .missing(let message, let notes):
            report(.includeNotFound, message, nameTok.textRange, in: r, notes: notes)
        case .files(let files):
            for f in files { includeFile(f, node: nameTok, in: r, frame: frame, qualifiers: qualifiers) }
        }
    }

    private func includeFile(_ path: String, node: Token, in r: ParseResult, frame: ProfileFrame?, qualifiers: RuleQualifiers) {
        includeLog.append(path)
        if includeStack.contains(path) {
            let chain = includeStack + [path]
            report(.includeCycle, "include cycle: '\(path)' is already being included; skipped", node.textRange, in: r,
                   notes: ["include chain: " + chain.joined(separator: " -> ")], severity: .warning)
            return
        }
        switch cache.load(path) {
        case .failure(let e):
            report(.includeUnreadable, e.message, node.textRange, in: r)
        case .success(let sub):
            guard adoptSyntax(sub, includedBy: (node, r)) else { return }
            if let frame {
                includeInProfile(sub, path: path, frame: frame, qualifiers: qualifiers)
                return
            }
            includeInPreamble(sub, path: path)
        }
    }

    /// An abi statement's name is checked once per run; the report is made for each walk.
    func checkAbi(_ node: SyntaxNode, in r: ParseResult) {
        let id = node.id
        let check: AbiCheck
        if let c = cache.abiChecks[id] {
            check = c
        } else {
            var c = AbiCheck(node: node, badName: CheckSession.badAbiName(node, in: r))
            if c.badName == nil, let t = node.childTokens.dropFirst().first, t.kind != .comma {
                let name = CheckSession.abiName(t, in: r)
                let form: IncludeSyntax.Form = t.kind == .angleName ? .magic : t.kind == .string ? .quoted : .unquoted
                // `<kernel>` and `<default>` name the running kernel's and the parser's ABI
                // (after 4.1; older parsers look for files of those names).
                let special = form == .magic && (name == "kernel" || name == "default") && givenVersion?.namesBuiltinABIs ?? true
                let found = special || cache.searchPath.candidates(for: name, form: form, from: r.source.path).contains { PosixFiles.kind($0) != .missing }
                if !found { c.missing = name }
            }
            check = c
            cache.abiChecks[id] = check
        }
        if let t = check.badName {
            report(.abiBad, "invalid abi name '\(r.text(t))'", t.textRange, in: r)
        } else if let t = node.childTokens.dropFirst().first, t.kind != .comma {
            if let name = check.missing {
                report(.abiNotFound, "could not open the abi file '\(name)' (apparmor_parser refuses the policy)", t.textRange, in: r)
            }
            if abiVersion == nil { abiVersion = ParserVersion(abiName: CheckSession.abiName(t, in: r)) }
        }
    }

    /// `<abi/4.0>`, `"abi/4.0"` or `abi/4.0` -> `abi/4.0`.
    static func abiName(_ t: Token, in r: ParseResult) -> String {
        let trim: Set<Character> = ["<", ">", "\"", " ", "\t"]
        return String(r.value(t).drop { trim.contains($0) }.reversed().drop { trim.contains($0) }.reversed())
    }

    static func badAbiName(_ node: SyntaxNode, in r: ParseResult) -> Token? {
        guard let t = node.childTokens.dropFirst().first, t.kind != .comma else { return nil }
        let v = r.value(t)
        let trimmed = v.filter { $0 != " " && $0 != "\t" }
        let inner = v.count >= 2 && v.hasPrefix("\"") && v.hasSuffix("\"") ? String(v.dropFirst().dropLast()) : v
        if trimmed.isEmpty || inner.isEmpty || t.kind == .angleName && inner.contains("\"") || t.kind == .word && v.hasPrefix("<") {
            return t
        }
        return nil
    }

    // MARK: variables

    func assign(_ node: SyntaxNode, in r: ParseResult) {
        guard let a = AssignmentSyntax(node) else { return }
        let name = a.name(in: r)
        let op = r.text(a.operatorToken)
        if op == "?=" || op == ":=", let v = givenVersion, !v.hasConditionalAssignment {
            report(.featureUnsupported, parserRefusal("'\(op)' in an assignment needs an apparmor_parser newer than 4.1"), a.operatorToken.textRange, in: r)
            return
        }
        for t in a.valueTokens where !AssignmentSyntax.isContinuation(t, in: r) {
            // A bare ',' among the values: the parser reported it (AA1011).
            if t.kind == .comma { return }
            let raw = r.text(t)
            if t.kind == .string, raw.count < 2 || !raw.hasSuffix("\"") {
                report(.variableBadValue, "unterminated quoted value", t.textRange, in: r)
                return
            }
            if t.kind == .word, raw.utf8.contains(UInt8(ascii: "!")) {
                report(.variableBadValue, "invalid character '!' in a variable's value", t.textRange, in: r)
                return
            }
            if t.kind == .word, raw.utf8.contains(UInt8(ascii: "\"")) {
                report(.variableBadValue, "stray '\"' in a variable's value", t.textRange, in: r)
                return
            }
        }
        let values = a.values(in: r)
        let err: VariableTable.AssignError?
        if node.kind == .booleanAssignment {
            err = values.count == 1 ? variables.assignBoolean(name, op: op, value: values[0]) : .badBoolean
        } else {
            err = variables.assign(name, op: op, values: values)
        }
        switch err {
        case nil: break
        case .redefined: report(.variableRedefined, "'\(r.text(a.nameToken))' is already defined", a.nameToken.textRange, in: r)
        case .appendToUndefined: report(.variableAppendUndefined, "'+=' to '\(r.text(a.nameToken))', which is not defined", a.nameToken.textRange, in: r)
        case .badName: report(.variableBadName, "invalid variable name '\(r.text(a.nameToken))'", a.nameToken.textRange, in: r)
        case .badBoolean: report(.booleanBadValue, "a boolean is true or false", node.textRange, in: r)
        }
    }
}
