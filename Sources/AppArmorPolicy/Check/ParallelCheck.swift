import Dispatch
import Foundation

extension PolicyChecker {
    /// Checks many files; the reports come back in the order of `paths`. With several
    /// processors, either a second thread reads and parses the files ahead of this checker
    /// (a few dozen files: one checker keeps the memos of the abstractions they share), or
    /// several checkers, each with its own memos, take the next file in turn, sharing the
    /// parse trees. The first checker is this one, so a caller that keeps it keeps its caches.
    public func checkAll(_ paths: [String], workers: Int = Processors.available) -> [CheckReport] {
        let n = max(1, min(workers, paths.count / Self.filesPerChecker, 8))
        guard n > 1 else {
            guard workers > 1, paths.count > 1 else { return paths.map { check(path: $0) } }
            let prefetch = ParsePrefetch(paths: paths, searchPath: options.searchPath)
            cache.shared = prefetch.store
            defer {
                prefetch.cancel()
                cache.shared = nil
            }
            return paths.indices.map { i in
                prefetch.checkerReached(i)
                return check(path: paths[i])
            }
        }
        let box = ReportBox(count: paths.count)
        let options = self.options
        let store = SharedParses()
        // The other checkers start first (on threads of their own: a thread pool's first
        // thread comes later), then this thread checks too; each takes the next file in turn.
        let others = (1..<n).map { _ in
            PosixThread {
                let c = PolicyChecker(options: options)
                c.cache.shared = store
                while let i = box.next() { box.set(i, c.check(path: paths[i])) }
            }
        }
        cache.shared = store
        while let i = box.next() { box.set(i, check(path: paths[i])) }
        cache.shared = nil
        others.forEach { $0.join() }
        return box.reports.map { $0! }
    }

    /// Below this many files per processor, one checker (with a prefetching thread) is faster
    /// than several, which each build the memos of the shared abstractions again. Measured on
    /// Debian's /etc/apparmor.d (27 profiles) on two processors, whole processes: two checkers
    /// 6.0 ms, one with a prefetching thread 7.4 ms, one alone 7.5 ms.
    static let filesPerChecker = 8
}

private final class ReportBox: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var reports: [CheckReport?]
    private var taken = 0

    init(count: Int) { reports = Array(repeating: nil, count: count) }

    /// The next file to check, in order.
    func next() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard taken < reports.count else { return nil }
        taken += 1
        return taken - 1
    }

    func set(_ i: Int, _ r: CheckReport) {
        lock.lock()
        reports[i] = r
        lock.unlock()
    }
}

