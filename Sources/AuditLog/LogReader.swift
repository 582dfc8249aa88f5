// Streams records out of a log: reads a file descriptor in blocks, cuts lines, joins the
// continuation lines of multi-line USER_AVC records, and turns journald output (JSON or export
// format) into ordinary record lines. Memory stays bounded by the longest record.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One logical record of the input: its bytes and the line it started on.
public struct LogLine: Sendable {
    public var bytes: [UInt8]
    public var lineNumber: Int
}

/// Reads lines from a file descriptor with a reusable buffer.
public final class LineSource {
    /// The file read (the caller may read it in parts with `LineSource(fd:range:)`).
    public let fd: Int32
    private let ownsFD: Bool
    fileprivate var buffer: [UInt8]
    fileprivate var start = 0
    fileprivate var end = 0
    fileprivate var eof = false
    /// For a byte range of a file: the next offset to read and the range's end (`pread`, so
    /// several sources can read parts of one file at once).
    private var position: Int?
    private var limit = Int.max
    public private(set) var lineNumber = 0

    public init(fd: Int32, ownsFD: Bool = false, blockSize: Int = 1 << 16) {
        self.fd = fd
        self.ownsFD = ownsFD
        buffer = [UInt8](repeating: 0, count: blockSize)
    }

    /// The lines of bytes `range` of a regular file (the file offset of `fd` is not used).
    public convenience init(fd: Int32, range: Range<Int>, blockSize: Int = 1 << 16) {
        self.init(fd: fd, blockSize: blockSize)
        position = range.lowerBound
        limit = range.upperBound
    }

    public convenience init?(path: String) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        self.init(fd: fd, ownsFD: true)
    }

    deinit {
        if ownsFD { close(fd) }
    }

    /// Calls `body` with the next line (without its newline); false at the end of input.
    public func nextLine<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        while true {
            if let nl = findNewline() {
                lineNumber += 1
                let s = start
                start = nl + 1
                return buffer.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[s..<nl])) }
            }
            if eof {
                guard end > start else { return nil }
                lineNumber += 1
                let s = start, e = end
                start = end
                return buffer.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[s..<e])) }
            }
            fill()
        }
    }

    private func findNewline() -> Int? {
        buffer.withUnsafeBufferPointer { b in
            guard end > start else { return nil }
            return ByteSearch.firstIndex(of: 0x0A, in: UnsafeBufferPointer(rebasing: b[start..<end])).map { $0 + start }
        }
    }

    fileprivate func fill() {
        if start > 0 {
            let n = end - start
            if n > 0 {
                buffer.withUnsafeMutableBufferPointer { b in
                    _ = memmove(b.baseAddress!, b.baseAddress! + start, n)
                }
            }
            start = 0
            end = n
        }
        if end == buffer.count {
            buffer.append(contentsOf: [UInt8](repeating: 0, count: buffer.count))
        }
        let got = buffer.withUnsafeMutableBufferPointer { b in
            guard let at = position else { return read(fd, b.baseAddress! + end, b.count - end) }
            let want = min(b.count - end, limit - at)
            return want > 0 ? pread(fd, b.baseAddress! + end, want, off_t(at)) : 0
        }
        if got <= 0 { eof = true } else { end += got; position? += got }
    }
}

extension LineSource {
    /// Reads exactly `count` raw bytes (for journald's binary export fields).
    public func readRaw(_ count: Int) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(min(count, 1 << 16))
        while out.count < count {
            if end == start {
                if eof { break }
                fill()
                continue
            }
            let take = min(count - out.count, end - start)
            out.append(contentsOf: buffer[start..<(start + take)])
            start += take
        }
        return out
    }
}
