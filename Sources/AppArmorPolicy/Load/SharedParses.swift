import AppArmorSyntax
import FoundationEssentials

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

    private let lock = PosixLock()
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
