// What `notify`, `log`, `logprof --follow` and `genprof` share about record sources: the
// `--source` option's meaning, opening the source with the choice explained under -v, and the
// read loop that parses AppArmor records as they come.

import AuditLog
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

enum LiveRecords {
    /// Opens the requested source; under `verbose` says which one and why others were passed
    /// over. A requested source that is not there is an error (exit 1) naming the reason.
    static func open(_ source: String?, file: String? = nil, follow: Bool, fromStart: Bool = false,
                     journalArguments: [String] = [], verbose: Bool) throws -> AuditEventSource {
        let request: AuditSourceRequest
        do { request = try file.map { .file($0) } ?? AuditSourceRequest(source) } catch { throw CLIError("\(error)") }
        let s: AuditEventSource
        do {
            s = try AuditEventSource.open(request, follow: follow, fromStart: fromStart, journalArguments: journalArguments)
        } catch { throw CLIError("\(error)") }
        if verbose {
            for n in s.notes { warn("note: \(n)") }
            warn("reading \(s.description)\(follow ? " (following)" : "")")
        } else if request == .automatic, s.kind != .netlink, follow,
                  let why = s.notes.first(where: { $0.contains("CAP_AUDIT_READ") }) {
            warn("note: \(why); reading \(s.description) instead")
        }
        return s
    }

    /// A record comes with what the other records of its kernel event (SYSCALL, CWD, PATH,
    /// PROCTITLE) said about the process, joined by their stamp.
    enum Step { case record(AuditRecord, AuditEventContext), lost(Int, String), idle }

    /// Reads until the source ends or `body` returns false. `tick`: how long to wait before
    /// calling `body(.idle)` (for rate-limit windows and quiet-time checks). Records of one
    /// event arrive within microseconds, so events still held open are completed after 50 ms
    /// without a record.
    static func read(_ source: AuditEventSource, tick: Int32 = 1000, _ body: (Step) -> Bool) {
        var joiner = AuditEventJoiner()
        func deliver(_ joined: [JoinedRecord]) -> Bool {
            for j in joined where !body(.record(j.record, j.context)) { return false }
            return true
        }
        while true {
            switch source.next(timeoutMilliseconds: joiner.isHolding ? min(tick, 50) : tick) {
            case .record(let line):
                if !deliver(joiner.read(line: line)) { return }
            case .lost(let n, let why):
                if !deliver(joiner.flush()) || !body(.lost(n, why)) { return }
            case .idle:
                if !deliver(joiner.flush()) || !body(.idle) { return }
            case .end:
                _ = deliver(joiner.flush())
                return
            }
        }
    }

    static func lostMessage(_ n: Int, _ why: String) -> String {
        n > 0 ? "\(n) record\(n == 1 ? "" : "s") lost: \(why)" : "records lost: \(why)"
    }

    static func warn(_ s: String) {
        StandardStream.standardError.write(Data(("aaswift: " + s + "\n").utf8))
    }
}

enum ArgumentHelpText {
    static let source = "Where records come from: netlink (the kernel's audit socket, live only), audit (auditd's log), journal, syslog, kmsg (the kernel's ring buffer) or a file path. Default: chosen by itself (-v says which)."
}
