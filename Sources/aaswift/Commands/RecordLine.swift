// One line per AppArmor record, for `notify` and `log` on a terminal:
//   2026-12-04 15:47:01 DENIED  firefox open /etc/shadow comm=cat exe=/usr/bin/cat requested=r denied=r
// Names come from the log, so every byte that is not printable UTF-8 (escape sequences, line
// breaks) is written as \xNN: a crafted record cannot drive the terminal.

import AuditLog
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

enum RecordLine {
    static func render(_ r: AuditRecord, context: AuditEventContext = AuditEventContext(), color: Bool) -> String {
        var out = ""
        if r.epoch > 0 { out += timeText(r.epoch) + " " }
        let outcome = r.event.keyword
        let pad = String(repeating: " ", count: max(0, 7 - outcome.count))
        out += paint(outcome, code: outcomeColor(r.event), color) + pad
        if let p = r.profile { out += " " + paint(display(p), code: "1", color) }
        if let o = r.operation { out += " " + paint(display(o), code: "36", color) }
        if let n = r.name { out += " " + display(n) }
        if let n2 = r.name2 { out += " -> " + display(n2) }
        if let peer = r.peer ?? r.peerProfile { out += " peer=" + display(peer) }
        if let f = r.family { out += " family=" + display(f) }
        if let t = r.sockType { out += " sock_type=" + display(t) }
        if let c = r.comm ?? context.comm { out += " comm=" + display(c) }
        // From the event's SYSCALL and PROCTITLE records, when syscall auditing is on.
        if let e = context.exe { out += " exe=" + display(e) }
        if let m = r.requestedMask { out += " requested=" + display(m) }
        if let m = r.deniedMask { out += " " + paint("denied=" + display(m), code: "31", color) }
        if let i = r.info { out += " info=" + display(i) }
        if let t = context.proctitle { out += " proctitle=" + display(t) }
        return out
    }

    static func outcomeColor(_ e: AuditEventType) -> String {
        switch e {
        case .denied, .error: "1;31"
        case .allowed: "33"
        case .audit: "32"
        default: "34"
        }
    }

    static func paint(_ s: String, code: String, _ color: Bool) -> String {
        color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s
    }

    static func timeText(_ epoch: Int) -> String {
        var t = time_t(epoch)
        var parts = tm()
        localtime_r(&t, &parts)
        var buf = [CChar](repeating: 0, count: 32)
        let n = strftime(&buf, buf.count, "%Y-%m-%d %H:%M:%S", &parts)
        return String(decoding: buf.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func hex(_ v: UInt32) -> String {
        let digits = String(v, radix: 16)
        return "\\x" + (digits.count < 2 ? "0" : "") + digits
    }

    /// Printable UTF-8 kept; control characters, DEL, backslash-x lookalikes and invalid bytes as \xNN.
    static func display(_ bytes: LogBytes) -> String {
        var out = ""
        let s = String(decoding: bytes, as: UTF8.self)
        if Array(s.utf8) != bytes {
            for b in bytes { out += b >= 0x20 && b < 0x7F ? String(UnicodeScalar(b)) : hex(UInt32(b)) }
            return out
        }
        for u in s.unicodeScalars {
            if u.value < 0x20 || u.value == 0x7F || (u.value >= 0x80 && u.value < 0xA0) {
                out += hex(u.value)
            } else {
                out.unicodeScalars.append(u)
            }
        }
        return out
    }
}
