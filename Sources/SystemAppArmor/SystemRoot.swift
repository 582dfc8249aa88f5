import FoundationEssentials

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The file system the kernel interface is read from: "/" on a live system, or a fixture tree
/// that mirrors `/sys`, `/proc` and `/etc` below some folder (tests).
public struct SystemRoot: Sendable, Equatable {
    /// The prefix, without a trailing slash except for "/" itself.
    public let prefix: String

    public init(_ prefix: String = "/") {
        var p = prefix.isEmpty ? "/" : prefix
        while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
        self.prefix = p
    }

    /// The live system.
    public static let live = SystemRoot("/")

    /// True when this is the running system, so libapparmor can answer for it.
    public var isLive: Bool { prefix == "/" }

    /// Maps an absolute system path ("/proc/1/exe") to the path under the prefix.
    public func path(_ absolute: String) -> String {
        if isLive { return absolute }
        return absolute.hasPrefix("/") ? prefix + absolute : prefix + "/" + absolute
    }

    /// Maps a path under the prefix back to the system path it stands for.
    public func systemPath(_ local: String) -> String {
        if isLive { return local }
        guard local.hasPrefix(prefix) else { return local }
        let rest = String(local.dropFirst(prefix.count))
        return rest.isEmpty ? "/" : rest
    }

    /// The bytes of a file, or the errno that stopped the read.
    public func readBytes(_ absolute: String) -> Result<[UInt8], SystemErrno> {
        let fd = open(path(absolute), O_RDONLY | O_CLOEXEC)
        if fd < 0 { return .failure(SystemErrno(errno)) }
        defer { close(fd) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(SystemErrno(errno))
            }
            if n == 0 { break }
            out.append(contentsOf: buffer[0..<n])
        }
        return .success(out)
    }

    /// A file's text (UTF-8, invalid bytes replaced), or nil when it cannot be read.
    public func readText(_ absolute: String) -> String? {
        guard case .success(let bytes) = readBytes(absolute) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The target of a symbolic link, as stored in the link.
    public func readLink(_ absolute: String) -> String? {
        let file = path(absolute)
        // Most links are short: a small buffer first (zeroing PATH_MAX bytes for each of a big
        // system's processes was a tenth of `status`), the longest one only when it is filled.
        for size in [256, Int(PATH_MAX)] {
            var buffer = [CChar](repeating: 0, count: size)
            let n = readlink(file, &buffer, size)
            guard n >= 0 else { return nil }
            if n < size || size == Int(PATH_MAX) {
                return String(decoding: buffer[0..<n].lazy.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
        }
        return nil
    }

    /// The canonical path of a file (realpath), as a system path: under a fixture root the
    /// path is resolved inside the tree (links there are relative) and the prefix taken off.
    /// Nil when it does not resolve, or resolves outside the tree.
    public func realPath(_ absolute: String) -> String? {
        guard let resolved = Self.realpathString(path(absolute)) else { return nil }
        if isLive { return resolved }
        guard let base = Self.realpathString(prefix) else { return nil }
        if resolved == base { return "/" }
        guard resolved.hasPrefix(base + "/") else { return nil }
        return String(resolved.dropFirst(base.count))
    }

    private static func realpathString(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    public func exists(_ absolute: String) -> Bool {
        var st = stat()
        return stat(path(absolute), &st) == 0
    }

    public func isDirectory(_ absolute: String) -> Bool {
        var st = stat()
        return stat(path(absolute), &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// The names in a folder (without "." and ".."), in the order the folder gives them,
    /// or nil when the folder cannot be opened.
    public func list(_ absolute: String) -> [String]? {
        guard let dir = opendir(path(absolute)) else { return nil }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw -> String in
                let bytes = raw.bindMemory(to: UInt8.self)
                let end = bytes.firstIndex(of: 0) ?? bytes.count
                return String(decoding: bytes[0..<end], as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            names.append(name)
        }
        return names
    }
}

/// An errno from a failed system call.
public struct SystemErrno: Error, Sendable, Equatable, CustomStringConvertible {
    public let code: Int32

    public init(_ code: Int32) { self.code = code }

    /// strerror's text.
    public var description: String { String(cString: strerror(code)) }
}
