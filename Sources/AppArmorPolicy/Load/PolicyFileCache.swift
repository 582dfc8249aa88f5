import AppArmorSyntax
import FoundationEssentials

/// Where include names are looked up: `<magic>` names over the search path (`-I DIR`...,
/// then the base folder); quoted or bare relative names against the current directory (as
/// apparmor.d(5) says), then the base folder and the including file's folder; absolute quoted
/// names as they are. A `<magic>` name is always under the search path, even when it starts
/// with `/` (`include </etc/shadow>` names `/etc/apparmor.d//etc/shadow`, as for
/// apparmor_parser).
public struct IncludeSearchPath: Sendable {
    public var includeDirs: [String]
    public var base: String
    /// The folder a relative quoted include name is first looked up in; nil: the process's
    /// current folder (as apparmor_parser does).
    public var currentDirectory: String?

    public init(includeDirs: [String] = [], base: String = "/etc/apparmor.d", currentDirectory: String? = nil) {
        self.includeDirs = includeDirs
        self.base = base
        self.currentDirectory = currentDirectory
    }

    /// The candidate paths for an include name, in lookup order.
    public func candidates(for name: String, form: IncludeSyntax.Form, from includer: String?) -> [String] {
        if name.hasPrefix("/"), form != .magic { return [name] }
        switch form {
        case .magic:
            return (includeDirs + [base]).map { join($0, name) }
        case .quoted, .unquoted:
            var out = [currentDirectory.map { join($0, name) } ?? name, join(base, name)]
            if let includer {
                let dir = PathNames.parent(includer)
                out.append(join(dir.isEmpty ? "." : dir, name))
            }
            return out
        }
    }

    private func join(_ dir: String, _ name: String) -> String {
        dir.hasSuffix("/") ? dir + name : dir + "/" + name
    }
}

/// What an include name resolved to.
public enum ResolvedInclude: Sendable, Equatable {
    case file(String)
    /// A folder: its files, sorted, dot files and packaging leftovers skipped.
    case folder(String, [String])
    case missing
}

/// Parses each policy file once per run and remembers the result; resolves include names.
/// Not thread-safe: one cache per loading thread.
public final class PolicyFileCache {
    public let searchPath: IncludeSearchPath
    private var parsed: [String: ParseResult] = [:]
    private var failed: [String: String] = [:]
    /// Work shared by every file of a run, by include statement.
    var includeTargets: [ObjectIdentifier: IncludeTarget] = [:]
    /// Valid file permission strings, read.
    var filePermissions: [String: FilePermissions] = [:]
    /// By abi statement.
    var abiChecks: [ObjectIdentifier: AbiCheck] = [:]
    /// By rule node (nodes of the files parsed once per run).
    var ruleMemo: [ObjectIdentifier: RuleMemos] = [:]
    /// Each variable table (and profile built-ins) met in the run, numbered: the memos are keyed
    /// by these numbers, which stand for the values themselves (a look-up compares whole
    /// tables), never by a hash that two tables could share.
    private var variableTableIDs: [VariableTable: Int] = [:]
    private var builtinsIDs: [[String: [String]]: Int] = [:]

    func id(of table: VariableTable) -> Int {
        if let i = variableTableIDs[table] { return i }
        let i = variableTableIDs.count + 1
        variableTableIDs[table] = i
        return i
    }

    func id(ofBuiltins builtins: [String: [String]]) -> Int {
        if let i = builtinsIDs[builtins] { return i }
        let i = builtinsIDs.count + 1
        builtinsIDs[builtins] = i
        return i
    }
    /// By included path; each memo says under which qualifiers it was made.
    var includeMemo: [String: [IncludeMemo]] = [:]
    var preambleMemo: [String: [PreambleMemo]] = [:]
    /// Expanded variables (`@{NAME}`), by variables digest (only those free of profile
    /// built-ins), then by reference text. Keys of the standard types: a key type of our own
    /// costs a run-time conformance lookup through the whole binary on first use.
    var expansions: [Int: [String: String]] = [:]
    /// The variable and boolean names each parsed file's text mentions, by tree.
    var mentionedNames: [ObjectIdentifier: MentionedNames] = [:]

    /// AARE syntax errors. Not remembered: expanded patterns seldom repeat, and checking one
    /// costs less than hashing it.
    func validateAARE(_ p: String) -> AAREError? {
        AAREPattern.validate(p)
    }

    private var patternIDs: [String: Int] = [:]
    private var patternTexts: [String] = []
    /// Parsed on first comparison (most exec patterns are never compared).
    private var patternInfo: [PatternShape?] = []
    private var patternAutomata: [AARENFA?] = []
    private var pairs: [Int: Bool] = [:]

    /// What tells two patterns apart cheaply: literal prefix and suffix, `/` count range.
    struct PatternShape {
        let pattern: AAREPattern?
        let prefix: [UInt8]
        let suffix: [UInt8]
        let slashes: (Int, Int?)

        init(_ text: String) {
            pattern = try? AAREPattern(text)
            let root = pattern?.root ?? .sequence([])
            prefix = AAREMatcher.literalEdge(root, fromStart: true)
            suffix = AAREMatcher.literalEdge(root, fromStart: false)
            slashes = AAREMatcher.slashes(root)
        }

        func mayIntersect(_ o: PatternShape) -> Bool {
            if let h = slashes.1, h < o.slashes.0 { return false }
            if let h = o.slashes.1, h < slashes.0 { return false }
            let n = min(prefix.count, o.prefix.count)
            if !prefix[..<n].elementsEqual(o.prefix[..<n]) { return false }
            let m = min(suffix.count, o.suffix.count)
            return suffix.suffix(m).elementsEqual(o.suffix.suffix(m))
        }
    }

    /// A small integer for a pattern text, the same for the whole run.
    func patternID(_ p: String) -> Int {
        if let id = patternIDs[p] { return id }
        let id = patternTexts.count
        patternTexts.append(p)
        patternInfo.append(nil)
        patternAutomata.append(nil)
        patternIDs[p] = id
        return id
    }

    private func shape(_ id: Int) -> PatternShape {
        if let s = patternInfo[id] { return s }
        let s = PatternShape(patternTexts[id])
        patternInfo[id] = s
        return s
    }

    private func automaton(_ id: Int) -> AARENFA? {
        if let a = patternAutomata[id] { return a }
        guard let p = shape(id).pattern else { return nil }
        let a = AARENFA(p.root)
        patternAutomata[id] = a
        return a
    }

    /// Whether two interned patterns overlap, remembered for the run.
    func intersects(_ a: Int, _ b: Int) -> Bool {
        let key = a < b ? a << 32 | b : b << 32 | a
        if let v = pairs[key] { return v }
        var v = false
        if shape(a).mayIntersect(shape(b)), let ma = automaton(a), let mb = automaton(b) {
            v = ma.intersectsByPairs(mb)
        }
        pairs[key] = v
        return v
    }

    public init(searchPath: IncludeSearchPath) {
        self.searchPath = searchPath
        // A policy tree reads a thousand or two rules: no rehashing on the way.
        ruleMemo.reserveCapacity(1024)
        pairs.reserveCapacity(256)
    }

    /// How many distinct files were read.
    public var filesRead: Int { parsed.count }

    /// The parsed file, or an error message when it cannot be read.
    public func load(_ path: String) -> Result<ParseResult, PolicyLoadError> {
        if let r = parsed[path] { return .success(r) }
        if let f = failed[path] { return .failure(PolicyLoadError(message: f)) }
        if let bytes = given[path] { return .success(add(path: path, bytes: bytes)) }
        let result: ParseResult?
        if let shared {
            // A file another thread is parsing is parsed here too (see `SharedParses`).
            switch shared.claim(path) {
            case .ready(let r): result = r
            case .yours: result = shared.parse(path)
            case .busy: result = PosixFiles.read(path).map { Parser.parse(path: path, bytes: $0) }
            }
        } else {
            result = PosixFiles.read(path).map { Parser.parse(path: path, bytes: $0) }
        }
        guard let r = result else { return unreadable(path) }
        parsed[path] = r
        return .success(r)
    }

    private func unreadable(_ path: String) -> Result<ParseResult, PolicyLoadError> {
        let msg = "cannot read '\(path)'"
        failed[path] = msg
        return .failure(PolicyLoadError(message: msg))
    }

    /// Parse trees shared with the other threads of a run (`checkAll`), when there are any.
    public var shared: SharedParses?

    /// Parses bytes given directly (standard input, tests) under a name.
    public func add(path: String, bytes: [UInt8]) -> ParseResult {
        let r = Parser.parse(path: path, bytes: bytes)
        parsed[path] = r
        return r
    }

    /// Bytes that stand for a file, parsed when the file is first loaded (an edit not yet
    /// written); they stay given when the file's tree is released.
    private var given: [String: [UInt8]] = [:]

    /// Gives the bytes a path stands for, without parsing them yet.
    public func provide(path: String, bytes: [UInt8]) {
        given[path] = bytes
        parsed[path] = nil
    }

    /// Forgets a file's tree and everything remembered by its nodes, so that a run checking
    /// many big files one by one holds one at a time. The memos are removed while the tree is
    /// still alive, so no identifier of a freed node can ever be looked up. A file loaded again
    /// is parsed again (from its given bytes, if any).
    public func release(_ path: String) {
        guard let r = parsed.removeValue(forKey: path) else { return }
        r.root.walk { node in
            let id = node.id
            includeTargets[id] = nil
            abiChecks[id] = nil
            ruleMemo[id] = nil
            mentionedNames[id] = nil
        }
    }

    private var resolved: [String: ResolvedInclude] = [:]

    public func resolve(_ name: String, form: IncludeSyntax.Form, from includer: String?) -> ResolvedInclude {
        let formTag = form == .magic ? "m" : form == .quoted ? "q" : "u"
        let key = formTag + "\u{0}" + name + "\u{0}" + (form == .magic || name.hasPrefix("/") ? "" : includer ?? "")
        if let hit = resolved[key] { return hit }
        let r = resolveUncached(name, form: form, from: includer)
        resolved[key] = r
        return r
    }

    private func resolveUncached(_ name: String, form: IncludeSyntax.Form, from includer: String?) -> ResolvedInclude {
        for cand in searchPath.candidates(for: name, form: form, from: includer) {
            switch PosixFiles.kind(cand) {
            case .missing: continue
            case .directory: return .folder(cand, PolicyFileCache.folderFiles(cand))
            // A pipe, socket or device is never read as policy.
            case .file: if PosixFiles.isRegularFile(cand) { return .file(cand) }
            }
        }
        return .missing
    }

    /// The regular files of a folder, sorted, without dot files and packaging leftovers.
    public static func folderFiles(_ dir: String) -> [String] {
        let prefix = dir.hasSuffix("/") ? dir : dir + "/"
        return (PosixFiles.fileNames(in: dir) ?? []).filter { !isSkippable($0) }.sorted().map { prefix + $0 }
    }

    /// Dot files, editor backups and package-manager leftovers, which apparmor_parser skips.
    public static func isSkippable(_ name: String) -> Bool {
        if name.hasPrefix(".") || name.hasSuffix("~") { return true }
        let suffixes = [".dpkg-new", ".dpkg-old", ".dpkg-dist", ".dpkg-bak", ".dpkg-remove", ".pacsave",
                        ".pacnew", ".rpmnew", ".rpmsave", ".orig", ".rej", ".swp"]
        return suffixes.contains { name.hasSuffix($0) }
    }
}

public struct PolicyLoadError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
