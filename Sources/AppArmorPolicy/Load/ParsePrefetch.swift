import AppArmorSyntax
import Foundation

/// Parsed policy files shared by the threads of one run: the first thread that wants a file
/// reads and parses it (`claim` says so, `publish` hands the result over). A thread that wants
/// a file another is still parsing parses it too rather than wait (two checkers starting
/// together want the same abstractions first). Parse trees are immutable, so any thread may
/// walk them once published. Each thread's `PolicyFileCache` keeps its own memos.
public final class SharedParses: @unchecked Sendable {
    private enum State {
        case parsing
        case done(ParseResult?)
    }

    /// What `claim` found.
    enum Claim {
        /// Parsed already (nil: the file cannot be read).
        case ready(ParseResult?)
        /// The caller parses it, then calls `publish` (or `parse` does both).
        case yours
        /// Another thread is parsing it.
        case busy
    }

    private let lock = NSLock()
    private var states: [String: State] = [:]

    public init() {}

    func claim(_ path: String) -> Claim {
        lock.lock()
        defer { lock.unlock() }
        switch states[path] {
        case nil:
            states[path] = .parsing
            return .yours
        case .done(let r):
            return .ready(r)
        case .parsing:
            return .busy
        }
    }

    func publish(_ path: String, _ r: ParseResult?) {
        lock.lock()
        states[path] = .done(r)
        lock.unlock()
    }

    /// Reads and parses a file this thread claimed, and publishes it.
    func parse(_ path: String) -> ParseResult? {
        let r = PosixFiles.read(path).map { Parser.parse(path: path, bytes: $0) }
        publish(path, r)
        return r
    }
}

/// Reads and parses policy files on a second thread, ahead of a checker that walks them on
/// its own: the files to check, in order, each followed by the files its includes name (in
/// the order the checker will want them). The checker takes a file from the shared store when
/// it is ready, waits while it is being parsed, and parses it itself when the prefetcher has
/// not come to it yet, so the two threads share the reading and parsing of a run.
///
/// The prefetcher keeps at most `window` files to check ahead of the checker (a run over
/// thousands of files holds no more than that many trees it does not need yet), and stops
/// with `cancel()`.
public final class ParsePrefetch: @unchecked Sendable {
    let store: SharedParses
    private let condition = NSCondition()
    private var cancelled = false
    /// The index of the file to check the checker is on.
    private var checkerAt = 0
    private let window: Int
    private let paths: [String]
    private let searchPath: IncludeSearchPath

    public init(paths: [String], searchPath: IncludeSearchPath, store: SharedParses = SharedParses(), window: Int = 8) {
        self.paths = paths
        self.searchPath = searchPath
        self.store = store
        self.window = window
        PosixThread { [self] in run() }.detach()
    }

    /// The checker has come to the `index`th file to check.
    public func checkerReached(_ index: Int) {
        condition.lock()
        checkerAt = index
        condition.broadcast()
        condition.unlock()
    }

    public func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until the `index`th file to check is within the window; false when cancelled.
    private func mayGo(to index: Int) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while !cancelled && index > checkerAt + window { condition.wait() }
        return !cancelled
    }

    private var isCancelled: Bool {
        condition.lock()
        defer { condition.unlock() }
        return cancelled
    }

    private func run() {
        var resolved: [String: [String]] = [:]
        var seen = Set<String>()
        for (i, top) in paths.enumerated() {
            guard mayGo(to: i) else { return }
            // Depth first, in statement order: the order the checker walks the includes.
            var stack = [top]
            while let path = stack.popLast() {
                guard seen.insert(path).inserted, !isCancelled else { continue }
                let parsed: ParseResult?
                switch store.claim(path) {
                case .busy: continue
                case .ready(let r): parsed = r
                case .yours: parsed = store.parse(path)
                }
                guard let r = parsed else { continue }
                var next: [String] = []
                for node in Self.includes(r.root.childNodes) {
                    guard let inc = IncludeSyntax(node), inc.nameToken != nil else { continue }
                    let name = inc.name(in: r)
                    let key = "\(inc.form)\u{0}\(name)\u{0}\(inc.form == .magic ? "" : path)"
                    if resolved[key] == nil { resolved[key] = resolve(name, form: inc.form, from: path) }
                    next += resolved[key]!
                }
                stack += next.reversed()
            }
        }
    }

    private func resolve(_ name: String, form: IncludeSyntax.Form, from includer: String) -> [String] {
        for cand in searchPath.candidates(for: name, form: form, from: includer) {
            switch PosixFiles.kind(cand) {
            case .missing: continue
            case .directory: return PolicyFileCache.folderFiles(cand)
            case .file: return [cand]
            }
        }
        return []
    }

    /// Include statements anywhere a checker may walk: the top level, profile blocks,
    /// conditional branches.
    static func includes(_ nodes: [SyntaxNode]) -> [SyntaxNode] {
        var out: [SyntaxNode] = []
        for n in nodes {
            switch n.kind {
            case .include: out.append(n)
            case .sourceFile, .error: continue
            default:
                // Rules hold no includes; blocks and branches may.
                if !n.kind.isRule { out += includes(n.childNodes) }
            }
        }
        return out
    }
}
