import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// Reads a whole file (or standard input for "-") with plain POSIX calls: one open, one
/// fstat, reads into one buffer.
func readInput(_ path: String) throws -> [UInt8] {
    let fd = path == "-" ? 0 : open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw CLIError(String(cString: strerror(errno)).lowercased()) }
    defer { if fd != 0 { close(fd) } }
    var st = stat()
    if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR { throw CLIError("is a directory") }
    var out: [UInt8] = []
    var capacity = max(4096, Int(st.st_size) + 1)
    out.reserveCapacity(capacity)
    var chunk = [UInt8](repeating: 0, count: capacity)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, capacity) }
        if n < 0 {
            if errno == EINTR { continue }
            throw CLIError(String(cString: strerror(errno)).lowercased())
        }
        if n == 0 { break }
        out.append(contentsOf: chunk[0..<n])
        if n == capacity, capacity < 1 << 20 {
            capacity *= 2
            chunk = [UInt8](repeating: 0, count: capacity)
        }
    }
    return out
}

/// `--files-from`: a list of paths, one per line (long lists would be slow as arguments).
enum FileList {
    static func read(_ source: String?) throws -> [String] {
        guard let source else { return [] }
        let bytes = try readInput(source)
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n").map { String($0) }.filter { !$0.isEmpty }
    }
}

/// Buffers output and writes it to a file descriptor in large blocks.
struct OutputBuffer {
    let fd: Int32
    var buffer: [UInt8] = []

    init(fd: Int32) {
        self.fd = fd
        buffer.reserveCapacity(1 << 16)
    }

    mutating func write(_ bytes: some Collection<UInt8>) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 16 { flush() }
    }

    mutating func write(_ s: String) { write(s.utf8) }

    mutating func flush() {
        var offset = 0
        while offset < buffer.count {
            let n = buffer[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n <= 0 { if errno == EINTR { continue }; break }
            offset += n
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

struct CLIError: Error, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// Standard output or standard error, written at once (unbuffered), as Foundation's
/// `StandardStream.standardOutput.write(_:)` did.
struct StandardStream {
    static let standardOutput = StandardStream(fileDescriptor: 1)
    static let standardError = StandardStream(fileDescriptor: 2)

    let fileDescriptor: Int32

    func write(_ data: Data) {
        var out = OutputBuffer(fd: fileDescriptor)
        out.write(data)
        out.flush()
    }
}
