import Dispatch
import Foundation

extension PolicyChecker {
    /// Checks many files on several threads, each with its own checker (and file cache); the
    /// reports come back in the order of `paths`. Each thread rebuilds the run's caches (an
    /// abstraction is read once per thread), so threads only pay off for hundreds of files.
    public static func checkAll(_ paths: [String], options: CheckOptions,
                                workers: Int = ProcessInfo.processInfo.activeProcessorCount) -> [CheckReport] {
        let n = max(1, min(workers, paths.count / 200, 8))
        if n == 1 {
            let c = PolicyChecker(options: options)
            return paths.map { c.check(path: $0) }
        }
        let box = ReportBox(count: paths.count)
        DispatchQueue.concurrentPerform(iterations: n) { w in
            let c = PolicyChecker(options: options)
            var i = w
            while i < paths.count {
                box.set(i, c.check(path: paths[i]))
                i += n
            }
        }
        return box.reports.map { $0! }
    }
}

private final class ReportBox: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var reports: [CheckReport?]

    init(count: Int) { reports = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ r: CheckReport) {
        lock.lock()
        reports[i] = r
        lock.unlock()
    }
}
