import AppArmorPolicy
import XCTest

/// `WorkAhead`: the reader gets every index's result, in order, whether it waits for the worker
/// or the worker is far ahead; each range is made once; a cancelled run stops early.
final class WorkAheadTests: XCTestCase {
    func testEveryIndexHasItsResultWhateverTheChunkSize() {
        for (count, chunk) in [(0, 4), (1, 4), (7, 1), (100, 7), (1000, 128), (128, 128), (129, 128)] {
            let ahead = WorkAhead<String>(count: count, chunkSize: chunk) { range in range.map { "r\($0)" } }
            XCTAssertEqual(ahead.count, count)
            XCTAssertEqual((0..<count).map { ahead.value(at: $0) }, (0..<count).map { "r\($0)" }, "\(count) in chunks of \(chunk)")
        }
    }

    func testTheReaderWaitsForASlowWorkerAndEachRangeIsMadeOnce() {
        let ranges = RangeLog()
        let ahead = WorkAhead<Int>(count: 50, chunkSize: 8) { range in
            ranges.add(range)
            usleep(1000)
            return range.map { $0 * 3 }
        }
        // Reading the last index first waits for every chunk before it.
        XCTAssertEqual(ahead.value(at: 49), 147)
        XCTAssertEqual(ranges.ranges, stride(from: 0, to: 50, by: 8).map { $0..<min(50, $0 + 8) })
    }

    func testStepsBackWithinTheChunkBefore() {
        let ahead = WorkAhead<Int>(count: 40, chunkSize: 4) { $0.map { $0 } }
        for i in 0..<40 {
            XCTAssertEqual(ahead.value(at: i), i)
            if i >= 4 { XCTAssertEqual(ahead.value(at: i - 4), i - 4, "one chunk back from \(i)") }
        }
    }

    func testCancelStopsTheWorkerEarly() {
        let ranges = RangeLog()
        let ahead = WorkAhead<Int>(count: 10_000, chunkSize: 10) { range in
            ranges.add(range)
            usleep(2000)
            return Array(range)
        }
        XCTAssertEqual(ahead.value(at: 15), 15)
        ahead.cancel()
        XCTAssertLessThan(ranges.ranges.count, 1000, "the worker went on after cancel")
    }
}

/// The ranges a worker was asked for, in order.
private final class RangeLog: @unchecked Sendable {
    private let lock = PosixLock()
    private(set) var ranges: [Range<Int>] = []

    func add(_ r: Range<Int>) {
        lock.lock()
        ranges.append(r)
        lock.unlock()
    }
}
