// The kernel's audit netlink socket, read through libaudit: the read-only multicast group
// (AUDIT_NLGRP_READLOG, CAP_AUDIT_READ) that every audit record is copied to, whether or not
// auditd owns the unicast channel. The raw buffers stay inside this file; what leaves it is
// bytes (`AuditNetlinkDatagram` turns them into audit.log lines).

import CAudit
#if canImport(Glibc)
import Glibc
#endif

/// One message of a datagram: the record type (1400 AVC, 1107 USER_AVC, 1300 SYSCALL...) and
/// its text (`audit(1700000000.123:45): apparmor="DENIED" ...`).
public struct AuditNetlinkMessage: Sendable, Equatable {
    public var type: Int
    public var text: [UInt8]
    public init(type: Int, text: [UInt8]) {
        self.type = type
        self.text = text
    }
}

public enum AuditNetlinkDatagram {
    static let headerSize = 16

    /// The messages in one datagram: netlink headers (length, type, flags, sequence, port),
    /// each followed by its payload, aligned to 4 bytes. The kernel's length field counts the
    /// header on multicast copies and leaves it out on the unicast ones; both are read, and a
    /// length past the end of the datagram is cut to it (never read beyond).
    public static func messages(_ d: [UInt8]) -> [AuditNetlinkMessage] {
        var out: [AuditNetlinkMessage] = []
        var at = 0
        while d.count - at >= headerSize {
            let len = Int(le32(d, at))
            let type = Int(UInt16(d[at + 4]) | UInt16(d[at + 5]) << 8)
            let remaining = d.count - at
            var payloadEnd: Int
            if len >= headerSize && len <= remaining {
                payloadEnd = at + len
            } else if len + headerSize <= remaining {
                payloadEnd = at + headerSize + len
            } else {
                payloadEnd = d.count
            }
            // One record is one line: the kernel escapes names, but a line break or NUL inside
            // a payload ends the record there, so nothing after it can pass for a record.
            var text = Array(d[(at + headerSize)..<payloadEnd])
            if let cut = text.firstIndex(where: { $0 == 0 || $0 == 0x0A }) { text.removeSubrange(cut...) }
            if type >= 1100 && type < 2000 { out.append(AuditNetlinkMessage(type: type, text: text)) }
            at += max(headerSize, (payloadEnd - at + 3) & ~3)
        }
        return out
    }

    /// The message as auditd would log it: `type=AVC msg=audit(...): ...`.
    public static func recordLine(_ m: AuditNetlinkMessage) -> [UInt8] {
        Array("type=\(typeName(m.type)) msg=".utf8) + m.text
    }

    /// libaudit's name for a record type, or auditd's `UNKNOWN[n]`.
    public static func typeName(_ type: Int) -> String {
        if let name = audit_msg_type_to_name(Int32(type)) { return String(cString: name) }
        return "UNKNOWN[\(type)]"
    }

    /// The serial number of a message (`audit(secs.ms:SERIAL):`), nil when it has none.
    public static func serial(_ text: [UInt8]) -> Int? {
        guard let colon = text.firstIndex(of: UInt8(ascii: ":")), text.starts(with: Array("audit(".utf8)) else { return nil }
        var n = 0
        var k = colon + 1
        var digits = 0
        while k < text.count, text[k] >= 0x30, text[k] <= 0x39, digits < 18 {
            n = n * 10 + Int(text[k] - 0x30)
            k += 1
            digits += 1
        }
        return digits > 0 && k < text.count && text[k] == UInt8(ascii: ")") ? n : nil
    }

    private static func le32(_ d: [UInt8], _ at: Int) -> UInt32 {
        UInt32(d[at]) | UInt32(d[at + 1]) << 8 | UInt32(d[at + 2]) << 16 | UInt32(d[at + 3]) << 24
    }
}

public enum AuditNetlinkError: Error, CustomStringConvertible, Equatable {
    /// No CAP_AUDIT_READ (or CAP_AUDIT_CONTROL for the status request).
    case notPermitted
    /// No audit support here (kernel without audit, a container's network namespace...).
    case unavailable(String)

    public var description: String {
        switch self {
        case .notPermitted:
            "reading the kernel's audit socket needs CAP_AUDIT_READ (run as root)"
        case .unavailable(let why):
            "the kernel's audit socket is not available: \(why)"
        }
    }
}

/// What hands out audit datagrams: the socket, or recorded ones in tests.
protocol AuditDatagramReading: AnyObject {
    func read(timeoutMilliseconds: Int32) -> AuditNetlinkSocket.Read
}

/// The audit netlink socket, joined to the read-only multicast group.
public final class AuditNetlinkSocket: AuditDatagramReading {
    public enum Read: Equatable {
        case datagram([UInt8])
        /// ENOBUFS: the socket's receive buffer overflowed and the kernel dropped records.
        case overrun
        case timeout
        case failed(Int32)
    }

    private let fd: Int32
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)

    public init() throws {
        set_aumessage_mode(MSG_QUIET, DBG_NO)
        let fd = audit_open()
        guard fd >= 0 else {
            let e = errno
            if e == EPERM || e == EACCES { throw AuditNetlinkError.notPermitted }
            throw AuditNetlinkError.unavailable(String(cString: strerror(e)))
        }
        var addr = sockaddr_nl()
        addr.nl_family = sa_family_t(AF_NETLINK)
        addr.nl_groups = 1 << (UInt32(AUDIT_NLGRP_READLOG.rawValue) - 1)
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_nl>.size)) }
        }
        guard bound == 0 else {
            let e = errno
            close(fd)
            if e == EPERM || e == EACCES { throw AuditNetlinkError.notPermitted }
            throw AuditNetlinkError.unavailable(String(cString: strerror(e)))
        }
        // A large receive buffer rides out bursts (SO_RCVBUFFORCE past rmem_max when allowed).
        var size: Int32 = 8 << 20
        if setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, socklen_t(MemoryLayout<Int32>.size)) != 0 {
            _ = setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        self.fd = fd
    }

    deinit { close(fd) }

    /// The next datagram, waiting at most `timeoutMilliseconds` (-1: forever).
    public func read(timeoutMilliseconds: Int32) -> Read {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&p, 1, timeoutMilliseconds)
        if ready == 0 { return .timeout }
        if ready < 0 { return errno == EINTR ? .timeout : .failed(errno) }
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
        if n < 0 {
            let e = errno
            if e == ENOBUFS { return .overrun }
            if e == EAGAIN || e == EINTR { return .timeout }
            return .failed(e)
        }
        return .datagram(Array(buffer[0..<n]))
    }
}

/// The kernel's audit status (AUDIT_GET; needs CAP_AUDIT_CONTROL): who owns the unicast
/// channel, and how many records the kernel itself has dropped.
public struct AuditKernelStatus: Sendable, Equatable {
    public var auditdPID: Int
    public var lost: Int
    public var backlogLimit: Int

    /// Asks the kernel; nil without permission or audit support.
    public static func current() -> AuditKernelStatus? {
        set_aumessage_mode(MSG_QUIET, DBG_NO)
        let fd = audit_open()
        guard fd >= 0 else { return nil }
        defer { audit_close(fd) }
        guard audit_request_status(fd) > 0 else { return nil }
        let reply = UnsafeMutablePointer<audit_reply>.allocate(capacity: 1)
        defer { reply.deallocate() }
        for _ in 0..<8 {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 500) > 0 else { return nil }
            guard audit_get_reply(fd, reply, GET_REPLY_NONBLOCKING, 0) > 0 else { continue }
            if reply.pointee.type == NLMSG_ERROR {
                if let e = reply.pointee.error, e.pointee.error == 0 { continue }  // the ack
                return nil
            }
            if reply.pointee.type == AUDIT_GET, let s = reply.pointee.status {
                return AuditKernelStatus(auditdPID: Int(s.pointee.pid), lost: Int(s.pointee.lost),
                                         backlogLimit: Int(s.pointee.backlog_limit))
            }
        }
        return nil
    }
}
