// The streams an `AuditEventSource` reads: the audit netlink socket, a log file followed like
// `tail -F`, a subprocess's output (journalctl), and the kernel's ring buffer (/dev/kmsg).
// Each hands out one record line at a time and keeps at most one partial line in memory.

import FoundationEssentials
import SystemAppArmor
#if canImport(Glibc)
import Glibc
#endif

/// What a source hands out next.
public enum AuditSourceItem: Equatable, Sendable {
    /// One record, in one of the line forms the record parser reads (audit.log, dmesg, syslog).
    case record([UInt8])
    /// Records that were dropped before they reached us, and why; `count` 0 when unknown.
    case lost(count: Int, reason: String)
    /// Nothing new within the wait.
    case idle
    /// The input ended (a file read without following, or the subprocess exited).
    case end
}

protocol RecordStream: AnyObject {
    func next(timeoutMilliseconds: Int32) -> AuditSourceItem
}

/// Cuts a byte stream into lines. A line longer than `maximum` is dropped whole, so memory stays
/// bounded whatever the input.
struct LineSplitter {
    static let maximum = 1 << 20
    private var pending: [UInt8] = []
    private var start = 0
    private var overlong = false

    /// Appends bytes read from the input.
    mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        if start > 0 && start == pending.count {
            pending.removeAll(keepingCapacity: true)
            start = 0
        }
        pending.append(contentsOf: bytes.bindMemory(to: UInt8.self))
        if pending.count - start > Self.maximum, !pending[start...].contains(0x0A) {
            pending.removeAll(keepingCapacity: true)
            start = 0
            overlong = true
        }
    }

    /// The next complete line, without its newline.
    mutating func nextLine() -> [UInt8]? {
        while let nl = pending[start...].firstIndex(of: 0x0A) {
            let line = Array(pending[start..<nl])
            start = nl + 1
            if start > 1 << 16 {
                pending.removeFirst(start)
                start = 0
            }
            if overlong {
                overlong = false
                continue
            }
            return line
        }
        return nil
    }

    /// What is left after the input ended (a last line without a newline).
    mutating func rest() -> [UInt8]? {
        defer { pending.removeAll(); start = 0 }
        return start < pending.count && !overlong ? Array(pending[start...]) : nil
    }
}

/// Reads up to 64 KiB from `fd` into the splitter: the byte count, 0 at end of input, -1 on
/// error (errno set).
func readChunk(_ fd: Int32, into splitter: inout LineSplitter) -> Int {
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
    if n > 0 { chunk.withUnsafeBytes { splitter.feed(UnsafeRawBufferPointer(rebasing: $0[0..<n])) } }
    return n
}

/// The audit netlink socket. A receive-buffer overrun is reported with the number of records
/// missed, from the gap in serial numbers; records the kernel itself dropped (its backlog
/// overflowed) are reported from its lost counter when that can be read.
final class NetlinkStream: RecordStream {
    private let socket: AuditDatagramReading
    private let kernelLostCounter: () -> Int?
    private var queue: [AuditNetlinkMessage] = []
    private var lastSerial: Int?
    private var overrun = false
    private var kernelLost: Int?
    private var idleTicks = 0

    init(socket: AuditDatagramReading, kernelLostCounter: @escaping () -> Int? = { AuditKernelStatus.current()?.lost }) {
        self.socket = socket
        self.kernelLostCounter = kernelLostCounter
        kernelLost = kernelLostCounter()
    }

    func next(timeoutMilliseconds: Int32) -> AuditSourceItem {
        while true {
            if !queue.isEmpty {
                let m = queue.removeFirst()
                if let s = AuditNetlinkDatagram.serial(m.text) {
                    defer { lastSerial = max(lastSerial ?? s, s) }
                    if overrun, let last = lastSerial, s > last + 1 {
                        overrun = false
                        queue.insert(m, at: 0)
                        lastSerial = s - 1
                        return .lost(count: s - last - 1, reason: "the audit socket's receive buffer overflowed")
                    }
                }
                overrun = false
                return .record(AuditNetlinkDatagram.recordLine(m))
            }
            switch socket.read(timeoutMilliseconds: timeoutMilliseconds) {
            case .datagram(let d):
                queue = AuditNetlinkDatagram.messages(d)
                idleTicks = 0
            case .overrun:
                overrun = true
            case .timeout:
                if let lost = checkKernelLost() { return lost }
                return .idle
            case .failed(let e):
                return .lost(count: 0, reason: "reading the audit socket failed: \(String(cString: strerror(e)))")
            }
        }
    }

    /// Once the stream goes quiet, whether the kernel's lost counter moved.
    private func checkKernelLost() -> AuditSourceItem? {
        idleTicks += 1
        guard idleTicks == 1, let before = kernelLost, let now = kernelLostCounter() else { return nil }
        kernelLost = now
        guard now > before else { return nil }
        return .lost(count: now - before, reason: "the kernel's audit backlog overflowed")
    }
}

/// A log file, followed like `tail -F`: a rotated file is read to its end and the new one
/// opened; a truncated one is read again from its start.
final class FollowedFile: RecordStream {
    let path: String
    private let follow: Bool
    private var fd: Int32 = -1
    private var inode: ino_t = 0
    private var offset: off_t = 0
    private var splitter = LineSplitter()

    init(path: String, follow: Bool, fromStart: Bool) throws {
        self.path = path
        self.follow = follow
        guard reopen(atEnd: !fromStart) else {
            throw AuditSourceError.unreadable(path, String(cString: strerror(errno)))
        }
    }

    deinit { if fd >= 0 { close(fd) } }

    private func reopen(atEnd: Bool) -> Bool {
        let f = open(path, O_RDONLY | O_CLOEXEC)
        guard f >= 0 else { return false }
        if fd >= 0 { close(fd) }
        fd = f
        var st = stat()
        fstat(f, &st)
        inode = st.st_ino
        offset = atEnd ? lseek(f, 0, SEEK_END) : 0
        return true
    }

    func next(timeoutMilliseconds: Int32) -> AuditSourceItem {
        var waited: Int32 = 0
        while true {
            if let line = splitter.nextLine() { return .record(line) }
            let n = readChunk(fd, into: &splitter)
            if n > 0 {
                offset += off_t(n)
                continue
            }
            if !follow {
                if let last = splitter.rest() { return .record(last) }
                return .end
            }
            var st = stat()
            if stat(path, &st) == 0, st.st_ino != inode {
                _ = reopen(atEnd: false)  // rotated: the old file is read to its end above
                continue
            }
            var own = stat()
            if fstat(fd, &own) == 0, own.st_size < offset {
                offset = lseek(fd, 0, SEEK_SET)  // truncated
                continue
            }
            if timeoutMilliseconds >= 0 && waited >= timeoutMilliseconds { return .idle }
            usleep(100_000)
            waited += 100
        }
    }
}

/// The lines a subprocess writes (`journalctl -o json -f`), converted by `convert`.
final class ProcessStream: RecordStream {
    private let child: Subprocess.Running
    private let fd: Int32
    private var splitter = LineSplitter()
    private let convert: ([UInt8]) -> [UInt8]?
    private var ended = false

    init(executable: String, arguments: [String], convert: @escaping ([UInt8]) -> [UInt8]?) throws {
        do { (fd, child) = try Subprocess.reading(executable, arguments, discardingStandardError: true) } catch {
            throw AuditSourceError.unreadable(executable, describeError(error))
        }
        self.convert = convert
    }

    deinit {
        close(fd)
        if !ended { kill(child.pid, SIGTERM) }
        _ = child.wait()
    }

    func next(timeoutMilliseconds: Int32) -> AuditSourceItem {
        while true {
            if let line = splitter.nextLine() {
                if let r = convert(line) { return .record(r) }
                continue
            }
            if ended {
                if let last = splitter.rest(), let r = convert(last) { return .record(r) }
                return .end
            }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&p, 1, timeoutMilliseconds)
            if ready == 0 { return .idle }
            if ready < 0 { if errno == EINTR { return .idle }; ended = true; continue }
            if readChunk(fd, into: &splitter) <= 0 { ended = true }
        }
    }
}

/// The kernel's ring buffer through /dev/kmsg: one record per read, `PRI,SEQ,USEC,FLAGS;TEXT`,
/// handed out in dmesg's form (`[  12.345678] TEXT`). Records overwritten before we read them
/// (EPIPE) are reported as lost, with the count from the sequence numbers.
final class KmsgStream: RecordStream {
    private let fd: Int32
    private let follow: Bool
    private var buffer = [UInt8](repeating: 0, count: 8192 + 64)

    init(follow: Bool, fromStart: Bool) throws {
        let f = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard f >= 0 else { throw AuditSourceError.unreadable("/dev/kmsg", String(cString: strerror(errno))) }
        if !fromStart { lseek(f, 0, SEEK_END) }
        fd = f
        self.follow = follow
    }

    deinit { close(fd) }

    func next(timeoutMilliseconds: Int32) -> AuditSourceItem {
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                guard let (_, line) = Self.dmesgLine(Array(buffer[0..<n])) else { continue }
                return .record(line)
            }
            if n < 0 && errno == EPIPE {
                return .lost(count: 0, reason: "the kernel's ring buffer wrapped before they were read")
            }
            if !follow { return .end }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&p, 1, timeoutMilliseconds) <= 0 { return .idle }
        }
    }

    /// `6,339,5140900,-;audit: type=1400 ...` (continuation lines after a newline dropped) as
    /// `[    5.140900] audit: type=1400 ...`, with its sequence number.
    static func dmesgLine(_ record: [UInt8]) -> (Int, [UInt8])? {
        guard let semi = record.firstIndex(of: UInt8(ascii: ";")) else { return nil }
        let fields = record[..<semi].split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
        guard fields.count >= 3, let seq = Int(String(decoding: fields[1], as: UTF8.self)),
              let usec = Int(String(decoding: fields[2], as: UTF8.self)) else { return nil }
        var text = record[(semi + 1)...]
        if let nl = text.firstIndex(of: 0x0A) { text = text[..<nl] }
        let frac = String(usec % 1_000_000)
        let stamp = String(usec / 1_000_000)
        let prefix = "[" + String(repeating: " ", count: max(0, 5 - stamp.count)) + stamp + "."
            + String(repeating: "0", count: 6 - frac.count) + frac + "] "
        return (seq, Array(prefix.utf8) + Array(text))
    }
}
