#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Replaces a file's contents all at once: the new bytes go to a temporary file in the same
/// folder, which is flushed to disk, given the old file's mode and owner, and renamed over
/// the target; then the folder itself is flushed. A reader sees the old file or the new one,
/// never a mix, and a failure at any step leaves the old file as it was and no temporary
/// file behind. A symbolic link is followed: the file it points at is replaced.
public enum AtomicWrite {
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public enum Step: String, Sendable {
            case validate, resolve, create, write, sync, chmod, chown, beforeRename, changed, rename, syncFolder
        }
        public var step: Step
        public var path: String
        /// errno for system calls, 0 for validation and hooks.
        public var code: Int32
        public var message: String

        public var description: String {
            switch step {
            case .validate: return "\(path): refusing to write: \(message)"
            case .beforeRename, .changed: return "\(path): \(message)"
            default: return "\(path): \(step.rawValue) failed: \(message)"
            }
        }
    }

    /// Knobs, mostly for tests.
    public struct Options: Sendable {
        /// Mode of a file that does not exist yet (the process umask is applied).
        public var newFileMode: mode_t = 0o644
        /// Called with the temporary file's path after it is written and flushed, before the
        /// rename; a thrown error aborts the write (the temporary file is removed).
        public var beforeRename: (@Sendable (String) throws -> Void)?

        /// What the file must still hold just before the rename (the bytes the edit was made
        /// from, or no file at all); anything else aborts the write with a `.changed` failure
        /// and the file as it is. Nil: not checked.
        public var expected: Expected?

        public init(newFileMode: mode_t = 0o644, beforeRename: (@Sendable (String) throws -> Void)? = nil, expected: Expected? = nil) {
            self.newFileMode = newFileMode
            self.beforeRename = beforeRename
            self.expected = expected
        }
    }

    public enum Expected: Sendable, Equatable {
        case absent
        case contents([UInt8])
    }

    /// Writes `bytes` to `path` atomically. `validate` runs first on the new bytes; when it
    /// throws, nothing is written and the error's text is reported as a `.validate` failure.
    public static func write(
        _ bytes: [UInt8], to path: String,
        options: Options = Options(),
        validate: ((_ newBytes: [UInt8]) throws -> Void)? = nil
    ) throws {
        if let validate {
            do {
                try validate(bytes)
            } catch {
                throw Failure(step: .validate, path: path, code: 0, message: "\(error)")
            }
        }
        let target = try resolve(path)
        let (folder, name) = split(target)

        var existing = stat()
        let exists = stat(target, &existing) == 0
        var template = Array("\(folder)/.\(name).aaswift-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw failure(.create, folder) }
        let tempPath = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var renamed = false
        defer { if !renamed { unlink(tempPath) } }
        do {
            defer { close(fd) }
            try writeAll(fd, bytes, path: tempPath)
            if exists {
                guard fchmod(fd, existing.st_mode & 0o7777) == 0 else { throw failure(.chmod, tempPath) }
                if existing.st_uid != geteuid() || existing.st_gid != getegid() {
                    guard fchown(fd, existing.st_uid, existing.st_gid) == 0 else { throw failure(.chown, tempPath) }
                }
            } else {
                guard fchmod(fd, options.newFileMode & ~currentUmask()) == 0 else { throw failure(.chmod, tempPath) }
            }
            guard fsync(fd) == 0 else { throw failure(.sync, tempPath) }
        }
        if let hook = options.beforeRename {
            do {
                try hook(tempPath)
            } catch {
                throw Failure(step: .beforeRename, path: target, code: 0, message: "\(error)")
            }
        }
        if let expected = options.expected, current(target) != expected {
            throw Failure(step: .changed, path: target, code: 0,
                          message: "changed by someone else since it was read; not overwritten (run again)")
        }
        guard rename(tempPath, target) == 0 else { throw failure(.rename, target) }
        renamed = true
        let dirfd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dirfd >= 0 else { throw failure(.syncFolder, folder) }
        defer { close(dirfd) }
        // Some file systems refuse fsync on folders (EINVAL); the rename is done either way.
        if fsync(dirfd) != 0 && errno != EINVAL { throw failure(.syncFolder, folder) }
    }

    /// Writes a string as UTF-8.
    public static func write(
        _ text: String, to path: String, options: Options = Options(),
        validate: ((_ newBytes: [UInt8]) throws -> Void)? = nil
    ) throws {
        try write(Array(text.utf8), to: path, options: options, validate: validate)
    }

    /// What the file holds now (`.absent` when it does not exist).
    static func current(_ path: String) -> Expected? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { return errno == ENOENT ? .absent : nil }
        defer { close(fd) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; return nil }
            if n == 0 { return .contents(out) }
            out += buffer[0..<n]
        }
    }

    /// The real file behind `path` (links followed); `path` itself when it does not exist yet.
    static func resolve(_ path: String) throws -> String {
        var st = stat()
        guard lstat(path, &st) == 0 else {
            if errno == ENOENT { return path }
            throw failure(.resolve, path)
        }
        guard (st.st_mode & S_IFMT) == S_IFLNK else { return path }
        guard let real = realpath(path, nil) else { throw failure(.resolve, path) }
        defer { free(real) }
        return String(cString: real)
    }

    static func split(_ path: String) -> (folder: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let folder = String(path[..<slash])
        return (folder.isEmpty ? "/" : folder, String(path[path.index(after: slash)...]))
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw failure(.write, path)
            }
            offset += n
        }
    }

    /// The process umask, read without changing it (Linux's /proc/self/status), else by the
    /// set-and-restore dance.
    static func currentUmask() -> mode_t {
        let fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC)
        if fd >= 0 {
            defer { close(fd) }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                let text = String(decoding: buffer[0..<n], as: UTF8.self)
                if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("Umask:") }),
                   let value = mode_t(String(line.dropFirst(6).filter { !$0.isWhitespace }), radix: 8) {
                    return value
                }
            }
        }
        let mask = umask(0)
        umask(mask)
        return mask
    }

    private static func failure(_ step: Failure.Step, _ path: String) -> Failure {
        let code = errno
        return Failure(step: step, path: path, code: code, message: String(cString: strerror(code)))
    }
}
