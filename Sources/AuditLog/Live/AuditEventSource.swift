// Where live (and recent) AppArmor records come from, chosen as the order asks: the
// audit netlink socket when auditd does not own the audit channel; else auditd's log, followed
// like `tail -F`; else the journal (`journalctl -o json -f`); else syslog's files or the kernel's
// ring buffer. `--source` overrides the choice; `notes` says why each candidate was passed over.

import FoundationEssentials
import SystemAppArmor
#if canImport(Glibc)
import Glibc
#endif

public enum AuditSourceError: Error, CustomStringConvertible, Equatable {
    case unreadable(String, String)
    case noSource([String])
    case badRequest(String)

    public var description: String {
        switch self {
        case .unreadable(let p, let why): "cannot read \(p): \(why)"
        case .noSource(let notes): "no source of AppArmor records found: " + notes.joined(separator: "; ")
        case .badRequest(let s): "unknown source '\(s)' (netlink, audit, journal, syslog, kmsg or a file path)"
        }
    }
}

/// What `--source` asks for.
public enum AuditSourceRequest: Equatable, Sendable {
    case automatic, netlink, audit, journal, syslog, kmsg
    case file(String)

    public init(_ text: String?) throws {
        guard let text, !text.isEmpty, text != "auto" else { self = .automatic; return }
        switch text {
        case "netlink": self = .netlink
        case "audit", "auditd": self = .audit
        case "journal", "journald": self = .journal
        case "syslog": self = .syslog
        case "kmsg", "dmesg": self = .kmsg
        default:
            guard text.contains("/") || FileManager.default.fileExists(atPath: text) else { throw AuditSourceError.badRequest(text) }
            self = .file(text)
        }
    }
}

/// The machine the choice looks at; tests give their own.
public struct AuditSourceEnvironment: Sendable {
    public var auditLog = "/var/log/audit/audit.log"
    public var syslogFiles = ["/var/log/kern.log", "/var/log/syslog", "/var/log/messages"]
    public var journalctl = ["/usr/bin/journalctl", "/bin/journalctl"]
    public var journalRunning: @Sendable () -> Bool = { FileManager.default.fileExists(atPath: "/run/systemd/journal/socket") }
    /// Whether auditd holds the audit channel: the kernel's status when it can be read, else
    /// auditd's pid file naming a live process.
    public var auditdRunning: @Sendable () -> Bool = {
        if let s = AuditKernelStatus.current() { return s.auditdPID > 0 }
        for f in ["/run/auditd.pid", "/var/run/auditd.pid"] {
            if let t = try? String(contentsOfFile: f, encoding: .utf8), let pid = Int32(t.trimmed { $0.isWhitespace }),
               kill(pid, 0) == 0 || errno == EPERM { return true }
        }
        return false
    }

    public init() {}
    public static let system = AuditSourceEnvironment()
}

/// One source of audit records, open and ready to read.
public final class AuditEventSource {
    public enum Kind: Equatable, Sendable {
        case netlink, auditLog(String), journal, syslog(String), kmsg, file(String)
    }

    public let kind: Kind
    /// Why earlier candidates were passed over (no CAP_AUDIT_READ, no auditd...), for `-v` and
    /// for the warning when a requested source was not available.
    public let notes: [String]
    private let stream: RecordStream

    init(kind: Kind, notes: [String], stream: RecordStream) {
        self.kind = kind
        self.notes = notes
        self.stream = stream
    }

    public var description: String {
        switch kind {
        case .netlink: "the kernel's audit netlink socket"
        case .auditLog(let p): "auditd's log \(p)"
        case .journal: "the systemd journal"
        case .syslog(let p): "syslog \(p)"
        case .kmsg: "the kernel's ring buffer (/dev/kmsg)"
        case .file(let p): p
        }
    }

    /// The next record, loss report, or nothing within `timeoutMilliseconds` (-1: wait).
    public func next(timeoutMilliseconds: Int32 = -1) -> AuditSourceItem {
        stream.next(timeoutMilliseconds: timeoutMilliseconds)
    }

    /// Opens a source. `follow`: keep reading as records arrive (else stop at the end of what
    /// is there; netlink, which keeps no history, only follows). `fromStart`: with `follow`,
    /// read what is already logged first (else only what comes next).
    public static func open(_ request: AuditSourceRequest, follow: Bool, fromStart: Bool = false,
                            journalArguments: [String] = [], environment env: AuditSourceEnvironment = .system) throws -> AuditEventSource {
        let readsHistory = !follow || fromStart
        var notes: [String] = []
        func netlink() -> AuditEventSource? {
            do {
                return AuditEventSource(kind: .netlink, notes: notes, stream: NetlinkStream(socket: try AuditNetlinkSocket()))
            } catch {
                notes.append("\(error)")
                return nil
            }
        }
        func file(_ p: String, _ kind: Kind) -> AuditEventSource? {
            guard access(p, R_OK) == 0 else {
                notes.append(FileManager.default.fileExists(atPath: p) ? "\(p) is not readable (permission denied)" : "no \(p)")
                return nil
            }
            do { return AuditEventSource(kind: kind, notes: notes, stream: try FollowedFile(path: p, follow: follow, fromStart: readsHistory)) } catch {
                notes.append("\(error)")
                return nil
            }
        }
        func journal() -> AuditEventSource? {
            guard let j = SystemPrograms.first(env.journalctl) else {
                notes.append("no journalctl")
                return nil
            }
            var args = ["-o", "json", "--no-pager", "-q"] + journalArguments
            if follow { args += ["-f", "-n", readsHistory ? "all" : "0"] }
            args += ["_TRANSPORT=kernel", "+", "_TRANSPORT=audit"]
            do {
                let s = try ProcessStream(executable: j, arguments: args) { line in
                    line.withUnsafeBufferPointer { JournalJSON.recordLine($0) }
                }
                return AuditEventSource(kind: .journal, notes: notes, stream: s)
            } catch {
                notes.append("\(error)")
                return nil
            }
        }
        func kmsg() -> AuditEventSource? {
            do { return AuditEventSource(kind: .kmsg, notes: notes, stream: try KmsgStream(follow: follow, fromStart: readsHistory)) } catch {
                notes.append("\(error)")
                return nil
            }
        }
        func syslog() -> AuditEventSource? {
            for p in env.syslogFiles where FileManager.default.fileExists(atPath: p) {
                if let s = file(p, .syslog(p)) { return s }
            }
            return kmsg()
        }

        let chosen: AuditEventSource?
        switch request {
        case .netlink:
            guard follow else { throw AuditSourceError.badRequest("netlink (it keeps no history: follow it with -f/-p)") }
            chosen = netlink()
        case .audit: chosen = file(env.auditLog, .auditLog(env.auditLog))
        case .journal: chosen = journal()
        case .syslog: chosen = syslog()
        case .kmsg: chosen = kmsg()
        case .file(let p): chosen = file(p, .file(p))
        case .automatic:
            let auditd = env.auditdRunning()
            if follow && !readsHistory && !auditd, let s = netlink() { return s }
            if auditd { notes.append("auditd owns the audit channel") }
            if let s = file(env.auditLog, .auditLog(env.auditLog)) { return s }
            if follow && !readsHistory && auditd, let s = netlink() { return s }
            if env.journalRunning(), let s = journal() { return s }
            if !env.journalRunning() { notes.append("no journald") }
            chosen = syslog()
        }
        guard let chosen else { throw AuditSourceError.noSource(notes) }
        return chosen
    }

    /// Whether a record line can be an AppArmor record (the prefilter logprof uses).
    public static func mayBeAppArmor(_ line: [UInt8]) -> Bool {
        line.withUnsafeBufferPointer { looksLikeAppArmor($0) }
    }
}
