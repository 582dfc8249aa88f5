import AppArmorPolicy
import AuditLog
#if canImport(Glibc)
import Glibc
#endif

/// Reading a regular log file: one reader (AuditLogReader over a LineSource), streamed in
/// blocks, so memory does not grow with the log. A big file is cut into parts at lines that
/// start a record (`LogFileParts`); each part is read on its own thread into a collector of its
/// own (nothing shared while they run), and the collectors are merged in file order, which
/// gives the same requests in the same order as one pass.
enum LogprofFileRead {
    static func read(_ fd: Int32, range: Range<Int>, into c: inout LogprofEventCollector) {
        let parts = LogFileParts.split(fd, range, count: min(Processors.available, 8))
        guard parts.count > 1 else {
            c.read(LineSource(fd: fd, range: range))
            return
        }
        let later = parts.dropFirst().map { PartResult($0) }
        let known = c.known
        let threads = later.map { slot in
            PosixThread {
                var mine = LogprofEventCollector(known: known)
                mine.read(LineSource(fd: fd, range: slot.range))
                slot.collector = mine
            }
        }
        c.read(LineSource(fd: fd, range: parts[0]))
        for t in threads { t.join() }
        for slot in later { c.merge(slot.collector) }
    }
}

/// The collector of one part: written only by the thread that reads the part, read only after
/// that thread is joined.
private final class PartResult: @unchecked Sendable {
    let range: Range<Int>
    var collector = LogprofEventCollector()
    init(_ range: Range<Int>) { self.range = range }
}
