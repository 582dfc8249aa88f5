import AppArmorSyntax

/// Options for loading and checking policy.
public struct CheckOptions: Sendable {
    public var searchPath: IncludeSearchPath
    /// The kernel feature ABI to check against, when given.
    public var features: FeatureSet?
    /// The apparmor_parser version to judge against where meanings changed; nil: the file's
    /// `abi` statement decides, else the newest semantics (`ParserVersion.latest`).
    public var parserVersion: ParserVersion?

    public init(searchPath: IncludeSearchPath = IncludeSearchPath(), features: FeatureSet? = nil,
                parserVersion: ParserVersion? = nil) {
        self.searchPath = searchPath
        self.features = features
        self.parserVersion = parserVersion
    }
}

/// The outcome of loading one profile file.
public struct CheckReport: Sendable {
    public let path: String
    /// Every diagnostic, in the order found (syntax first for each file).
    public let diagnostics: [PolicyDiagnostic]
    /// The loaded policy: profiles with includes resolved and variables expanded.
    public let policy: LoadedPolicy

    public var errors: [PolicyDiagnostic] { diagnostics.filter(\.isError) }
    public var passed: Bool { !diagnostics.contains(where: \.isError) }
}

/// Loads profile files as apparmor_parser does: includes resolved (each file parsed once per
/// checker), variables and conditionals evaluated, every rule typed and validated. An error in
/// one file is reported for that file only; other files load on.
public final class PolicyChecker {
    public let options: CheckOptions
    public let cache: PolicyFileCache

    public init(options: CheckOptions = CheckOptions()) {
        self.options = options
        self.cache = PolicyFileCache(searchPath: options.searchPath)
    }

    /// Loads and checks a file from disk.
    public func check(path: String) -> CheckReport {
        switch cache.load(path) {
        case .success(let r):
            return check(r)
        case .failure(let e):
            let src = SourceFile(path: path, bytes: [])
            let d = Diagnostic(.includeUnreadable, .error, e.message, range: 0..<0)
            return CheckReport(path: path, diagnostics: [PolicyDiagnostic(diagnostic: d, source: src)],
                               policy: LoadedPolicy(path: path, profiles: [], variables: VariableTable(), filesRead: []))
        }
    }

    /// Checks bytes given directly (standard input, tests) under a name.
    public func check(path: String, bytes: [UInt8]) -> CheckReport {
        check(cache.add(path: path, bytes: bytes))
    }

    /// The name an `abi` statement names (`abi/3.0` for `abi <abi/3.0>,`), nil when it names
    /// none.
    public static func abiName(of node: SyntaxNode, in r: ParseResult) -> String? {
        guard node.kind == .abi, let t = node.childTokens.dropFirst().first, t.kind != .comma else { return nil }
        return CheckSession.abiName(t, in: r)
    }

    /// Syntax only: the parser's diagnostics.
    public static func checkSyntax(_ r: ParseResult) -> [PolicyDiagnostic] {
        r.diagnostics.map { PolicyDiagnostic(diagnostic: $0, source: r.source) }
    }

    func check(_ r: ParseResult) -> CheckReport {
        let session = CheckSession(cache: cache, features: options.features, parserVersion: options.parserVersion)
        session.adoptSyntax(r)
        // The file itself is not on the include chain: as for apparmor_parser, a file that
        // includes itself is read once more, and only then is the cycle cut.
        session.includeStack = []
        let items = r.root.lazyChildNodes
        // Room for the file's own variables at once: a table grown one variable at a time
        // holds up to twice the room it needs.
        session.variables.reserveCapacity(items.count { $0.kind == .variableAssignment })
        session.walk(items, in: r, frame: nil, qualifiers: RuleQualifiers())
        let policy = LoadedPolicy(path: r.source.path, profiles: session.profiles, variables: session.variables,
                                  filesRead: session.filesRead)
        return CheckReport(path: r.source.path, diagnostics: session.diagnostics, policy: policy)
    }
}
