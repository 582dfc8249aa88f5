import AuditLog
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif
import SystemAppArmor

/// Where logprof reads records from.
public enum LogprofSource: Sendable, Equatable {
    case file(String)
    case standardInput
    /// `journalctl -o export`, optionally from a time or the current boot only.
    case journal(since: String?, boot: Bool)

    public var description: String {
        switch self {
        case .file(let p): p
        case .standardInput: "standard input"
        case .journal: "the systemd journal"
        }
    }
}

public enum LogprofSourceError: Error, CustomStringConvertible, Equatable {
    case unreadable(String)
    case isFolder(String)
    case noLogFile([String])
    case markNotFound(String)
    case journal(String)

    public var description: String {
        switch self {
        case .unreadable(let p): "cannot read \(p)"
        case .isFolder(let p): "\(p) is a folder: give a log file"
        case .noLogFile(let list): "no log file found (looked for \(list.joined(separator: ", "))) and no journal"
        case .markNotFound(let m): "the mark '\(m)' was not found in the log"
        case .journal(let m): "cannot read the journal: \(m)"
        }
    }
}

public enum LogprofSources {
    static let journalctl = ["/usr/bin/journalctl", "/bin/journalctl"]

    /// The default source: the first existing configured log file, else the journal when
    /// journalctl exists.
    public static func defaultSource(config: LogprofConfig) throws -> LogprofSource {
        if let f = config.existingLogFile() { return .file(f) }
        if SystemPrograms.first(journalctl) != nil { return .journal(since: nil, boot: false) }
        throw LogprofSourceError.noLogFile(config.logFiles)
    }

    /// Reads a source into the collector. With a mark, reading starts after the first line that
    /// contains it.
    /// `offset`: for a file, the byte to start at (genprof reads only what was logged after it
    /// started).
    public static func read(_ source: LogprofSource, mark: String?, from offset: Int = 0, into c: inout LogprofEventCollector) throws {
        switch source {
        case .standardInput:
            try readFD(0, mark: mark, into: &c)
        case .file(let path):
            let fd = open(path, O_RDONLY)
            guard fd >= 0 else { throw LogprofSourceError.unreadable(path) }
            defer { close(fd) }
            var st = stat()
            if fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFDIR { throw LogprofSourceError.isFolder(path) }
            if mark == nil, readRegularFile(fd, from: offset, into: &c) { return }
            if offset > 0 { lseek(fd, off_t(offset), SEEK_SET) }
            try readFD(fd, mark: mark, into: &c)
        case .journal(let since, let boot):
            let program = SystemPrograms.first(journalctl) ?? journalctl[0]
            var args = ["-o", "export", "--no-pager", "_TRANSPORT=audit", "+", "_TRANSPORT=kernel"]
            if let since { args += ["--since", since] }
            if boot { args.insert("-b", at: 0) }
            let journal: (output: Int32, child: Subprocess.Running)
            do { journal = try Subprocess.reading(program, args, discardingStandardError: true) } catch { throw LogprofSourceError.journal(describeError(error)) }
            defer { close(journal.output); _ = journal.child.wait() }
            try readFD(journal.output, mark: mark, into: &c)
        }
    }

    /// The size of a log file now, for a later `read(from:)`.
    public static func size(of source: LogprofSource) -> Int {
        // stat(2): FoundationEssentials gives `.size` as a UInt64, which `as? Int` misses.
        var st = stat()
        guard case .file(let p) = source, stat(p, &st) == 0 else { return 0 }
        return Int(st.st_size)
    }

    /// Reads a regular file from `offset` (in parts at once when big); false when it is not
    /// a regular file, and nothing was read.
    static func readRegularFile(_ fd: Int32, from offset: Int, into c: inout LogprofEventCollector) -> Bool {
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return false }
        let size = Int(st.st_size)
        LogprofFileRead.read(fd, range: min(max(offset, 0), size)..<size, into: &c)
        return true
    }

    /// Reads all of `fd` as a stream; with a mark, keeps what follows the first line holding
    /// it.
    static func readFD(_ fd: Int32, mark: String?, into c: inout LogprofEventCollector) throws {
        let source = LineSource(fd: fd)
        if let mark {
            let needle = Array(mark.utf8)
            var found = false
            while !found, source.nextLine({ line in found = ByteSearch.find(needle, in: line) != nil }) != nil {}
            guard found else { throw LogprofSourceError.markNotFound(mark) }
        }
        c.read(source)
    }
}
