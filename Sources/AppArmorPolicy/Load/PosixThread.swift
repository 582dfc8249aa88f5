#if canImport(Glibc)
import Glibc
#endif

import CGlibcExtras

/// The processors this process may run on (its affinity mask): what `checkAll` spreads
/// over. Foundation's `activeProcessorCount` also reads the cgroup's CPU quota from files,
/// a tenth of a check of an empty file.
public enum Processors {
    public static var available: Int {
        var set = [UInt8](repeating: 0, count: 128)
        guard aaswift_sched_getaffinity(0, set.count, &set) == 0 else { return 1 }
        return max(1, set.reduce(0) { $0 + $1.nonzeroBitCount })
    }
}

/// A thread started at once with pthread_create (a tenth of the start-up of Foundation's
/// `Thread`), joined with `join()`.
///
/// A new thread is often queued behind its creator on the creator's processor, and the two
/// then run one after the other until the scheduler moves one of them: 1-2 ms, as long as a
/// whole check of a policy tree. So the thread starts on another processor (when the process
/// may use one), then may run anywhere again.
public final class PosixThread: @unchecked Sendable {
    private var thread = pthread_t()
    private var started = true

    public init(stackSize: Int = 8 << 20, _ body: @escaping @Sendable () -> Void) {
        var attr = pthread_attr_t()
        pthread_attr_init(&attr)
        defer { pthread_attr_destroy(&attr) }
        pthread_attr_setstacksize(&attr, stackSize)
        // CPU sets as the C library lays them out: 1024 bits.
        var allowed = [UInt8](repeating: 0, count: 128)
        var restore: [UInt8]?
        let here = Int(aaswift_sched_getcpu())
        if here >= 0, here < 1024, aaswift_sched_getaffinity(0, allowed.count, &allowed) == 0 {
            var elsewhere = allowed
            elsewhere[here / 8] &= ~UInt8(1 << (here % 8))
            if elsewhere.contains(where: { $0 != 0 }), aaswift_pthread_attr_setaffinity(&attr, elsewhere.count, elsewhere) == 0 {
                restore = allowed
            }
        }
        let box = Unmanaged.passRetained(Body(body, restoreAffinity: restore)).toOpaque()
        let rc = pthread_create(&thread, &attr, { raw in
            let body = Unmanaged<Body>.fromOpaque(raw!).takeRetainedValue()
            if let mask = body.restoreAffinity { _ = aaswift_sched_setaffinity(0, mask.count, mask) }
            body.run()
            return nil
        }, box)
        if rc != 0 {
            // No thread: run it here.
            Unmanaged<Body>.fromOpaque(box).takeRetainedValue().run()
            started = false
        }
    }

    public func join() {
        if started { pthread_join(thread, nil) }
        started = false
    }

    /// For a thread nobody waits for: its resources go when it ends.
    public func detach() {
        if started { pthread_detach(thread) }
        started = false
    }

    private final class Body {
        let run: () -> Void
        let restoreAffinity: [UInt8]?
        init(_ run: @escaping () -> Void, restoreAffinity: [UInt8]?) {
            self.run = run
            self.restoreAffinity = restoreAffinity
        }
    }
}

/// A pthread mutex with NSLock's `lock()`/`unlock()` (Foundation's NSLock is not in
/// FoundationEssentials).
public final class PosixLock: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    public init() { pthread_mutex_init(mutex, nil) }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    public func lock() { pthread_mutex_lock(mutex) }
    public func unlock() { pthread_mutex_unlock(mutex) }
}

/// `items.map(body)` on up to `workers` threads (this one and `workers - 1` more), each taking
/// the next item in turn; the results come back in the order of `items`.
public func parallelMap<T: Sendable, R: Sendable>(_ items: [T], workers: Int = Processors.available,
                                                  _ body: @escaping @Sendable (T) -> R) -> [R] {
    let n = max(1, min(workers, items.count, 8))
    guard n > 1 else { return items.map(body) }
    let results = ResultSlots<R>(count: items.count)
    let work: @Sendable () -> Void = {
        while let i = results.claim() { results.set(i, body(items[i])) }
    }
    let others = (1..<n).map { _ in PosixThread(work) }
    work()
    others.forEach { $0.join() }
    return results.values
}

/// The results of `parallelMap`, filled in under a lock.
private final class ResultSlots<R: Sendable>: @unchecked Sendable {
    private let lock = PosixLock()
    private var slots: [R?]
    private var nextIndex = 0

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    /// The next item to work on, or nil when every one is taken.
    func claim() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard nextIndex < slots.count else { return nil }
        nextIndex += 1
        return nextIndex - 1
    }

    func set(_ i: Int, _ r: R) {
        lock.lock()
        slots[i] = r
        lock.unlock()
    }

    /// Every result (after every worker has finished).
    var values: [R] { slots.map { $0! } }
}
