// A source's AppArmor records copied, as they arrive, into a private log file that logprof
// reads like any other: genprof's "(S)can system log" and `logprof --follow` read from it
// what arrived since their last pass, whatever the source (netlink on a machine without
// auditd). A background thread does the copying; the file is capped, so memory and disk stay
// bounded whatever the event rate, and losses (the source's and the cap's) are counted.

import AppArmorPolicy
import AuditLog
import FoundationEssentials
import SystemAppArmor
#if canImport(Glibc)
import Glibc
#endif

public final class AuditLogCapture: @unchecked Sendable {
    /// The file the records are written to, one per line.
    public let path: String
    public let sourceDescription: String
    private let folder: String
    private let fd: Int32
    private let limit: Int
    private let lock = PosixLock()
    private var stopped = false
    private var written = 0
    private var _lost = 0
    private var _lossReasons: [String] = []
    private var thread: PosixThread?
    /// Read by the copying thread only.
    private let source: AuditEventSource

    /// Starts copying from `source` (opened by the caller, so its choice and errors are the
    /// caller's to report). `limit`: the most bytes written before records are counted as lost.
    public init(source: AuditEventSource, limit: Int = 256 << 20) throws {
        let tmp = ProcessEnvironment.value("TMPDIR") ?? "/tmp"
        var template = Array((tmp + "/aaswift-live.XXXXXX").utf8CString)
        guard let dir = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw AuditSourceError.unreadable(tmp, String(cString: strerror(errno)))
        }
        folder = String(cString: dir)
        path = folder + "/records.log"
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw AuditSourceError.unreadable(path, String(cString: strerror(errno))) }
        self.limit = limit
        sourceDescription = source.description
        self.source = source
        thread = PosixThread(stackSize: 1 << 20) { [self] in self.copy() }
    }

    /// Records lost so far (by the source, or past the size cap), and why.
    public var lost: (count: Int, reasons: [String]) {
        lock.lock(); defer { lock.unlock() }
        return (_lost, _lossReasons)
    }

    /// The bytes written so far: where the next pass starts reading.
    public var size: Int {
        lock.lock(); defer { lock.unlock() }
        return written
    }

    /// Stops copying and removes the file.
    public func stop() {
        lock.lock()
        let first = !stopped
        stopped = true
        lock.unlock()
        guard first else { return }
        thread?.join()  // within one read timeout (200 ms)
        close(fd)
        unlink(path)
        rmdir(folder)
    }

    private var isStopped: Bool {
        lock.lock(); defer { lock.unlock() }
        return stopped
    }

    private func copy() {
        while !isStopped {
            switch source.next(timeoutMilliseconds: 200) {
            case .record(let line):
                guard AuditEventSource.mayBeAppArmor(line) else { continue }
                // One record, one line of the capture: a line break inside a journal message
                // ends it there, so no text after it can pass for another record.
                var bytes = Array(line.prefix { $0 != 0x0A && $0 != 0x0D })
                bytes.append(0x0A)
                lock.lock()
                if !stopped && written + bytes.count <= limit {
                    let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
                    if n > 0 { written += n }
                } else if !stopped {
                    note(1, "the capture reached its size limit")
                }
                lock.unlock()
            case .lost(let n, let why):
                lock.lock()
                note(n, why)
                lock.unlock()
            case .idle:
                continue
            case .end:
                return
            }
        }
    }

    /// Called with the lock held.
    private func note(_ n: Int, _ why: String) {
        _lost += n
        if !_lossReasons.contains(why) && _lossReasons.count < 8 { _lossReasons.append(why) }
    }
}
