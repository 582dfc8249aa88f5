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
        let known = c.known
        let later = LogFileParts.read(fd, parts: parts, first: { c.read($0) }, rest: { source in
            var mine = LogprofEventCollector(known: known)
            mine.read(source)
            return mine
        })
        for other in later { c.merge(other) }
    }
}
