import Dispatch
import Synchronization

/// Results worked out on a thread of their own, ahead of the thread that reads them in order:
/// `make` gives the results of a range of indices, one chunk after the other; `value(at:)`
/// waits until the chunk holding that index is done. A chunk more than one behind the last
/// one read is let go, so a long run holds a few chunks at a time.
///
/// The reader must move forward (it may step back within the chunk it reads or the one
/// before). `make` must not touch what the reader changes: give it values, not shared objects.
public final class WorkAhead<R: Sendable>: @unchecked Sendable {
    private final class Chunk: @unchecked Sendable {
        let done = DispatchSemaphore(value: 0)
        /// Written once by the worker before `done` is signalled; read after waiting on it.
        var values: [R] = []
    }

    public let count: Int
    private let size: Int
    private let chunks: [Chunk]
    /// Chunks below this are known done (the reader waited for them); reader only.
    private var doneBelow = 0
    private let cancelled = Atomic<Bool>(false)
    /// Signalled when the worker has gone through every chunk (made or skipped).
    private let finished = DispatchSemaphore(value: 0)

    /// `make(range)` returns one result per index of `range`, in order.
    public init(count: Int, chunkSize: Int = 128, _ make: @escaping @Sendable (Range<Int>) -> [R]) {
        self.count = count
        size = max(1, chunkSize)
        chunks = (0..<(count + size - 1) / size).map { _ in Chunk() }
        guard count > 0 else {
            finished.signal()
            return
        }
        // Detached: nobody joins it (a process that ends mid-review need not wait); `cancel`
        // waits for `finished`. The worker holds this object until it is done.
        PosixThread { [self] in
            defer { finished.signal() }
            for (c, chunk) in chunks.enumerated() {
                if !cancelled.load(ordering: .relaxed) {
                    let range = c * size..<min(count, (c + 1) * size)
                    let values = make(range)
                    precondition(values.count == range.count, "WorkAhead: \(values.count) results for \(range.count) indices")
                    chunk.values = values
                }
                chunk.done.signal()
            }
        }.detach()
    }

    /// The result for `index`, once its chunk is done.
    public func value(at index: Int) -> R {
        precondition(index >= 0 && index < count, "WorkAhead: index \(index) out of 0..<\(count)")
        let c = index / size
        while doneBelow <= c {
            chunks[doneBelow].done.wait()
            if doneBelow >= 2 { chunks[doneBelow - 2].values = [] }
            doneBelow += 1
        }
        return chunks[c].values[index - c * size]
    }

    /// Stops working ahead (the chunks not started are left empty) and waits for the worker.
    public func cancel() {
        cancelled.store(true, ordering: .relaxed)
        finished.wait()
        finished.signal()
    }
}
