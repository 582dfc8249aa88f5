// notify's dealings with the desktop and the user database: use_group membership, dropping
// root for -u, and desktop notifications through notify-send (rate-limited by NotifyThrottle).

import AuditLog
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif
import ProfileTools
import SystemAppArmor

extension PosixRegex {
    /// Whether a record's name matches; a record without a name never does.
    func matches(_ name: LogBytes?) -> Bool {
        guard let name else { return false }
        return matches(String(decoding: name, as: UTF8.self))
    }
}

enum NotifyAccess {
    static func userName() -> String {
        guard let pw = getpwuid(geteuid()), let n = pw.pointee.pw_name else { return "uid \(geteuid())" }
        return String(cString: n)
    }

    /// Whether the effective user is in `group` (as its primary group or a member).
    static func isMember(of group: String) -> Bool {
        guard let gr = getgrnam(group) else { return false }
        let gid = gr.pointee.gr_gid
        if getegid() == gid { return true }
        if let pw = getpwuid(geteuid()), pw.pointee.pw_gid == gid { return true }
        let n = getgroups(0, nil)
        var groups = [gid_t](repeating: 0, count: Int(max(n, 0)))
        if n > 0, getgroups(n, &groups) == n, groups.contains(gid) { return true }
        var member = gr.pointee.gr_mem
        let me = userName()
        while let m = member?.pointee {
            if String(cString: m) == me { return true }
            member = member?.advanced(by: 1)
        }
        return false
    }

    /// Becomes `user` (root only): the log is already open, so reading goes on.
    static func become(_ user: String) throws {
        guard geteuid() == 0 else { return }
        guard let pw = getpwnam(user) else { throw CLIError("no such user: \(user)") }
        let uid = pw.pointee.pw_uid, gid = pw.pointee.pw_gid
        guard initgroups(user, gid) == 0, setgid(gid) == 0, setuid(uid) == 0 else {
            throw CLIError("cannot become \(user): \(String(cString: strerror(errno)))")
        }
        setenv("HOME", String(cString: pw.pointee.pw_dir), 1)
        if getenv("DBUS_SESSION_BUS_ADDRESS") == nil { setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/run/user/\(uid)/bus", 1) }
    }
}

extension LiveRecords {
    /// The file to name in "aaswift logprof -f FILE" hints, when the source is a file.
    static func logHint(_ s: AuditEventSource) -> String? {
        switch s.kind {
        case .auditLog(let p), .syslog(let p), .file(let p): p
        default: nil
        }
    }
}

/// Desktop notifications through notify-send, when a session bus is there.
final class DesktopNotifier {
    let available: Bool
    private let notifySend: String?
    private let config: NotifyConfig
    private let logHint: String?
    private var throttle = NotifyThrottle()

    init(config: NotifyConfig, logHint: String?) {
        self.config = config
        self.logHint = logHint
        notifySend = SystemPrograms.first(["/usr/bin/notify-send", "/bin/notify-send"], orNamed: "notify-send")
        let env = ProcessInfo.processInfo.environment
        let bus = env["DBUS_SESSION_BUS_ADDRESS"] != nil || FileManager.default.fileExists(atPath: "/run/user/\(geteuid())/bus")
        // Like aa-notify: not as a real root (a desktop session of root is not a use case).
        let rootDesktop = getuid() == 0 && env["SUDO_USER"] == nil
        available = config.showNotifications && notifySend != nil && bus && !rootDesktop
    }

    func denial(_ r: AuditRecord, now: Double) {
        tick(now: now)
        guard available else { return }
        let profile = r.profile.map { RecordLine.display($0) } ?? "unconfined"
        guard throttle.admit(profile: profile, now: now) else { return }
        send(body: body(r, profile: profile))
    }

    func tick(now: Double) {
        guard available else { return }
        for burst in throttle.closed(now: now) {
            send(body: Self.markupEscaped(burst.message + "\n\nReview them: sudo aaswift logprof" + (logHint.map { " -f \($0)" } ?? "")))
        }
    }

    private func body(_ r: AuditRecord, profile: String) -> String {
        var lines: [String] = []
        if let b = config.messageBody { lines.append(b) }
        lines.append("Profile: \(profile)")
        if let o = r.operation { lines.append("Operation: \(RecordLine.display(o))") }
        if let n = r.name { lines.append("Name: \(RecordLine.display(n))") }
        if let d = r.deniedMask { lines.append("Denied: \(RecordLine.display(d))") }
        if let f = r.family, let t = r.sockType { lines.append("Family: \(RecordLine.display(f))\nSocket: \(RecordLine.display(t))") }
        var review = "To allow it: sudo aaswift logprof"
        if let hint = logHint { review += " -f \(hint)" }
        if let id = r.auditID { review += " -m 'audit(\(RecordLine.display(id)))'" }
        lines.append(review)
        if let f = config.messageFooter { lines.append(f) }
        return Self.markupEscaped(lines.joined(separator: "\n"))
    }

    /// notify-send bodies are markup: the log's names must not add any.
    static func markupEscaped(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.append(c)
            }
        }
        return out
    }

    /// notify-send returns once the notification server took it (the rate limit keeps these
    /// calls few).
    private func send(body: String) {
        guard let notifySend else { return }
        _ = try? Subprocess.run(notifySend, ["-a", "AppArmor", "-i", "dialog-warning", "--", "AppArmor notification", body])
    }
}
