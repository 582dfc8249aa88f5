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
    /// The default source: the first existing configured log file, else the journal when
    /// journalctl exists.
    public static func defaultSource(config: LogprofConfig) throws -> LogprofSource {
        if let f = config.existingLogFile() { return .file(f) }
        for j in ["/usr/bin/journalctl", "/bin/journalctl"] where FileManager.default.isExecutableFile(atPath: j) {
            return .journal(since: nil, boot: false)
        }
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
            if mark == nil, readMapped(fd, from: offset, into: &c) { return }
            if offset > 0 { lseek(fd, off_t(offset), SEEK_SET) }
            try readFD(fd, mark: mark, into: &c)
        case .journal(let since, let boot):
            let program = FileManager.default.isExecutableFile(atPath: "/usr/bin/journalctl") ? "/usr/bin/journalctl" : "/bin/journalctl"
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

    /// Reads a regular file through a read-only mapping (no copy of the log); false when it
    /// cannot be mapped (empty, not a regular file), and nothing was read.
    static func readMapped(_ fd: Int32, from offset: Int, into c: inout LogprofEventCollector) -> Bool {
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return false }
        let size = Int(st.st_size)
        guard size > 0, offset >= 0 else { return false }
        guard let map = mmap(nil, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0), map != MAP_FAILED else { return false }
        defer { munmap(map, size) }
        let start = min(offset, size)
        c.read(buffer: UnsafeBufferPointer(start: map.assumingMemoryBound(to: UInt8.self) + start, count: size - start))
        return true
    }

    /// Reads all of `fd`; with a mark, keeps what follows the line holding it.
    static func readFD(_ fd: Int32, mark: String?, into c: inout LogprofEventCollector) throws {
        var all = [UInt8]()
        var st = stat()
        if fstat(fd, &st) == 0, st.st_size > 0 { all.reserveCapacity(Int(st.st_size) + 1) }
        var buf = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            all.append(contentsOf: buf[0..<n])
        }
        guard let mark else {
            c.read(bytes: all)
            return
        }
        guard let at = find(Array(mark.utf8), in: all) else { throw LogprofSourceError.markNotFound(mark) }
        var start = at
        while start < all.count, all[start] != 0x0A { start += 1 }
        c.read(bytes: Array(all[min(start + 1, all.count)...]))
    }

    static func find(_ needle: [UInt8], in hay: [UInt8]) -> Int? {
        guard !needle.isEmpty, hay.count >= needle.count else { return nil }
        var i = 0
        let last = hay.count - needle.count
        while i <= last {
            if hay[i] == needle[0] && Array(hay[i..<(i + needle.count)]) == needle { return i }
            i += 1
        }
        return nil
    }
}
