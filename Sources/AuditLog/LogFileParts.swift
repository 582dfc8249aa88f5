// A big regular log file cut into parts that can be read at once, each by its own reader:
// logprof's collectors and decode-log's summary read the parts on threads and merge in order.

import AppArmorPolicy
#if canImport(Glibc)
import Glibc
#endif

public enum LogFileParts {
    /// Parts smaller than this are not worth a thread.
    public static let minimumPart = 4 << 20

    /// `range` of the file cut into at most `count` parts of at least `minimumPart` bytes, each
    /// starting at a line that starts a record and is not indented (so no multi-line record is
    /// cut). A journald export (`__CURSOR=` entries, whose field lines look like records) is
    /// not cut.
    public static func split(_ fd: Int32, _ range: Range<Int>, count: Int) -> [Range<Int>] {
        let n = min(count, range.count / minimumPart)
        guard n > 1, !holdsJournalExport(fd, at: range.lowerBound) else { return [range] }
        var starts = [range.lowerBound]
        for k in 1..<n {
            let guess = range.lowerBound + range.count / n * k
            guard guess > starts.last!, let s = recordStart(fd, from: guess, before: range.upperBound) else { continue }
            if holdsJournalExport(fd, at: max(range.lowerBound, s - (1 << 16))) { return [range] }
            if s > starts.last! { starts.append(s) }
        }
        return zip(starts, starts.dropFirst().map { $0 } + [range.upperBound]).map { $0..<$1 }
    }

    /// Reads `parts` at once: the first on the caller's thread through `first`, each other on
    /// a thread of its own through `rest`; returns what `rest` made of them, in file order.
    public static func read<T>(_ fd: Int32, parts: [Range<Int>], first: (LineSource) -> Void,
                               rest: @escaping @Sendable (LineSource) -> T) -> [T] {
        let slots = parts.dropFirst().map { PartResult<T>($0) }
        let threads = slots.map { slot in PosixThread { slot.value = rest(LineSource(fd: fd, range: slot.range)) } }
        if let p = parts.first { first(LineSource(fd: fd, range: p)) }
        for t in threads { t.join() }
        return slots.map { $0.value! }
    }

    /// The offset of the first line after `from` that starts a record (within 1 MiB), or nil.
    static func recordStart(_ fd: Int32, from: Int, before end: Int) -> Int? {
        var block = [UInt8](repeating: 0, count: min(1 << 20, end - from))
        let got = block.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(from)) }
        guard got > 0 else { return nil }
        return block.withUnsafeBufferPointer { b -> Int? in
            let b = UnsafeBufferPointer(rebasing: b[..<got])
            var at = 0
            // Start after the first newline: `from` may be inside a line.
            while let nl = b[at...].firstIndex(of: 0x0A) {
                let lineStart = nl + 1
                guard let lineEnd = b[lineStart...].firstIndex(of: 0x0A) else { return nil }
                let line = UnsafeBufferPointer(rebasing: b[lineStart..<lineEnd])
                if let f = line.first, f != 0x20, f != 0x09, AuditLogReader.isRecordStart(line) { return from + lineStart }
                at = lineStart
            }
            return nil
        }
    }

    /// Whether the 64 KiB at `offset` hold a journald export entry.
    static func holdsJournalExport(_ fd: Int32, at offset: Int) -> Bool {
        var block = [UInt8](repeating: 0, count: 1 << 16)
        let got = block.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(offset)) }
        guard got > 0 else { return false }
        let needle = Array("__CURSOR=".utf8)
        return block[..<got].indices.contains { i in
            block[i] == needle[0] && i + needle.count <= got && block[i..<(i + needle.count)].elementsEqual(needle)
        }
    }
}

/// What a thread made of one part: written only by that thread, read only after it is joined.
private final class PartResult<T>: @unchecked Sendable {
    let range: Range<Int>
    var value: T?
    init(_ range: Range<Int>) { self.range = range }
}
