#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive lock on a profile folder: `flock` on `FOLDER/.aaswift.lock`, which every command
/// that edits profiles (complain, enforce, logprof, apply) takes around its read, edit and write,
/// so two runs never edit from the same old bytes. While it is held, temporary files of ours
/// left in the folder by a killed run (`.NAME.aaswift-XXXXXX`) are removed.
public final class FolderLock {
    public static let fileName = ".aaswift.lock"
    public let folder: String
    private let fd: Int32

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var folder: String
        public var message: String
        public var description: String { "cannot lock \(folder): \(message)" }
    }

    /// Waits for the lock. A folder that does not exist has nothing to lock: the caller's own
    /// error (no such folder) comes first.
    public init(folder: String) throws {
        self.folder = folder
        let path = (folder.hasSuffix("/") ? folder : folder + "/") + Self.fileName
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw Failure(folder: folder, message: String(cString: strerror(errno))) }
        while flock(fd, LOCK_EX) != 0 {
            if errno == EINTR { continue }
            let message = String(cString: strerror(errno))
            close(fd)
            throw Failure(folder: folder, message: message)
        }
        self.fd = fd
        AtomicWrite.removeStaleTemporaries(in: folder)
        AtomicWrite.removeStaleTemporaries(in: (folder.hasSuffix("/") ? folder : folder + "/") + "local")
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }

    /// Runs `body` holding the folder's lock.
    public static func withLock<T>(_ folder: String, _ body: () throws -> T) throws -> T {
        let lock = try FolderLock(folder: folder)
        defer { withExtendedLifetime(lock) {} }
        return try body()
    }
}

extension AtomicWrite {
    /// Whether a file name is one of our temporary files: `.NAME.aaswift-XXXXXX`.
    public static func isTemporaryName(_ name: String) -> Bool {
        let b = Array(name.utf8)
        let suffix = Array(".aaswift-".utf8)
        guard b.count > 1 + suffix.count + 6, b[0] == UInt8(ascii: "."), b != Array(FolderLock.fileName.utf8) else { return false }
        let tail = b[(b.count - 6)...]
        guard tail.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) }) else { return false }
        return Array(b[(b.count - 6 - suffix.count)..<(b.count - 6)]) == suffix
    }

    /// Removes our temporary files (regular files owned by this user) from `folder`; called
    /// with the folder's lock held, when no write of ours can be under way there.
    public static func removeStaleTemporaries(in folder: String) {
        guard let dir = opendir(folder) else { return }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard isTemporaryName(name) else { continue }
            let path = folder + "/" + name
            var st = stat()
            guard lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_uid == geteuid() else { continue }
            unlink(path)
        }
    }
}
