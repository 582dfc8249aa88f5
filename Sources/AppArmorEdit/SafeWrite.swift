import AppArmorSyntax
import Foundation

/// Replaces a file's bytes all at once (temp file in the same folder, flush, rename).
public protocol FileReplacing: Sendable {
    func replace(path: String, with bytes: [UInt8]) throws
}

/// The writer used until the shared atomic writer is in: temp file beside the target,
/// fsync, mode and owner copied, rename. `beforeRename` lets tests inject a failure between
/// writing and renaming.
public struct InterimAtomicWriter: FileReplacing {
    public let beforeRename: (@Sendable (_ tempPath: String) throws -> Void)?

    public init(beforeRename: (@Sendable (_ tempPath: String) throws -> Void)? = nil) {
        self.beforeRename = beforeRename
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public func replace(path: String, with bytes: [UInt8]) throws {
        let dir = (path as NSString).deletingLastPathComponent
        let base = (path as NSString).lastPathComponent
        var template = Array(((dir.isEmpty ? "." : dir) + "/." + base + ".aaswift-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw Failure(description: "cannot create a temporary file beside \(path): \(String(cString: strerror(errno)))") }
        let temp = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var ok = false
        defer { if !ok { unlink(temp) } }
        var st = stat()
        if stat(path, &st) == 0 {
            fchmod(fd, st.st_mode & 0o7777)
            _ = fchown(fd, st.st_uid, st.st_gid)
        }
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { close(fd); throw Failure(description: "cannot write \(temp): \(String(cString: strerror(errno)))") }
            written += n
        }
        guard fsync(fd) == 0 else { close(fd); throw Failure(description: "cannot sync \(temp): \(String(cString: strerror(errno)))") }
        close(fd)
        try beforeRename?(temp)
        guard rename(temp, path) == 0 else { throw Failure(description: "cannot rename \(temp) to \(path): \(String(cString: strerror(errno)))") }
        ok = true
    }
}

extension EditedFile {
    /// Checks the result by parsing it again, then writes it with `writer`. Returns the new
    /// bytes, or nil when there was nothing to change.
    @discardableResult
    public func write(with writer: FileReplacing, to target: String? = nil) throws -> [UInt8]? {
        guard hasChanges else { return nil }
        let result = try validatedResult()
        let bytes = result.source.bytes
        if bytes == original.source.bytes { return nil }
        try writer.replace(path: target ?? path, with: bytes)
        return bytes
    }
}
