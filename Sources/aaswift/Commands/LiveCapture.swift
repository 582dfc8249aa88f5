// genprof's scans and `logprof --follow` read records collected live (AuditLogCapture) from
// the source LiveRecords chooses, through logprof's ordinary file reading.

import AuditLog
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif
import ProfileTools

enum LiveCaptureSource {
    /// `-f FILE`: that file, read as before. Otherwise a live capture from now on.
    static func start(file: String?, source: String?, verbose: Bool, ui: ReviewUI) throws -> (LogprofSource, AuditLogCapture?) {
        if let file { return (.file(file), nil) }
        let live: AuditEventSource
        do { live = try LiveRecords.open(source, follow: true, verbose: verbose) } catch { throw LogprofFailure(message: "\(error)") }
        let capture: AuditLogCapture
        do { capture = try AuditLogCapture(source: live) } catch { throw LogprofFailure(message: "\(error)") }
        ui.info("Collecting AppArmor records from \(capture.sourceDescription).")
        return (.file(capture.path), capture)
    }

    /// Says how many records were lost since the last call, and why.
    static func reportLoss(_ capture: AuditLogCapture?, ui: ReviewUI, since last: inout Int) {
        guard let capture else { return }
        let (n, reasons) = capture.lost
        guard n > last else { return }
        ui.important(LiveRecords.lostMessage(n - last, reasons.joined(separator: "; ")))
        last = n
    }

    static func reportLoss(_ capture: AuditLogCapture?, ui: ReviewUI) {
        var none = 0
        reportLoss(capture, ui: ui, since: &none)
    }
}

/// `logprof --follow`: a review pass whenever new records have arrived and the source has
/// been quiet for `quiet` seconds; runs until interrupted (or the source ends).
enum LogprofFollow {
    static func run(_ options: LogprofRun, review: LogprofReview, ui: ReviewUI) throws {
        let (source, capture) = try LiveCaptureSource.start(file: nil, source: options.source, verbose: false, ui: ui)
        defer { capture?.stop() }
        guard let capture else { return }
        var offset = 0
        var lost = 0
        ui.info("Waiting for AppArmor records (Ctrl-C to stop).")
        while true {
            var size = capture.size
            guard size > offset else { usleep(200_000); continue }
            // Wait for a quiet second so one burst is one review.
            repeat {
                size = capture.size
                usleep(1_000_000)
            } while capture.size != size
            LiveCaptureSource.reportLoss(capture, ui: ui, since: &lost)
            try review.run(ui: ui, source: source, mark: nil, offset: offset)
            offset = size
            ui.info("Waiting for AppArmor records (Ctrl-C to stop).")
        }
    }
}
