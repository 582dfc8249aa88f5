import Dispatch
import FoundationEssentials

extension PolicyChecker {
    /// Checks many files; the reports come back in the order of `paths`. With several
    /// processors, several checkers, each with its own memos, share the parse trees and split
    /// the files: each starts on a stretch of neighbouring files (which often include the same
    /// abstractions), then takes files left in the others'. The first checker is this one, so
    /// a caller that keeps it keeps its caches.
    public func checkAll(_ paths: [String], workers: Int = Processors.available) -> [CheckReport] {
        let n = max(1, min(workers, paths.count / Self.filesPerChecker, 8))
        guard n > 1 else { return paths.map { check(path: $0) } }
        let box = ReportBox(count: paths.count, workers: n)
        let options = self.options
        let store = SharedParses()
        // The other checkers start first (on threads of their own: a thread pool's first
        // thread comes later), then this thread checks too.
        let others = (1..<n).map { w in
            PosixThread {
                let c = PolicyChecker(options: options)
                c.cache.shared = store
                while let i = box.next(w) { box.set(i, c.check(path: paths[i])) }
            }
        }
        cache.shared = store
        while let i = box.next(0) { box.set(i, check(path: paths[i])) }
        cache.shared = nil
        others.forEach { $0.join() }
        return box.reports.map { $0! }
    }

    /// Below this many files per processor, one checker is as fast as several (which each
    /// build the memos of the shared abstractions again). Measured on two processors, whole
    /// processes: Debian's /etc/apparmor.d (27 profiles), two checkers on stretches 5.8 ms
    /// (taking the next file in turn 6.6 ms), one 7.5 ms; 10 of its profiles, two 5.2 ms, one
    /// 5.8 ms; 4 profiles, 4.8 ms either way.
    static let filesPerChecker = 2
}

private final class ReportBox: @unchecked Sendable {
    private let lock = PosixLock()
    private(set) var reports: [CheckReport?]
    /// Each checker starts on a stretch of its own (files next to each other often include
    /// the same abstractions: a checker that has read them goes on with their neighbours);
    /// one that is done takes files from the end of the stretch with most left.
    private var low: [Int]
    private var high: [Int]

    init(count: Int, workers: Int) {
        reports = Array(repeating: nil, count: count)
        low = (0..<workers).map { $0 * count / workers }
        high = (0..<workers).map { ($0 + 1) * count / workers }
    }

    /// The next file for checker `w`.
    func next(_ w: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        if low[w] < high[w] {
            low[w] += 1
            return low[w] - 1
        }
        guard let s = low.indices.max(by: { high[$0] - low[$0] < high[$1] - low[$1] }), high[s] > low[s] else { return nil }
        high[s] -= 1
        return high[s]
    }

    func set(_ i: Int, _ r: CheckReport) {
        lock.lock()
        reports[i] = r
        lock.unlock()
    }
}

