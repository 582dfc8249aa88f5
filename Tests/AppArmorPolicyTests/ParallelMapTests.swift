import AppArmorPolicy
import XCTest

/// `parallelMap`: every item once, results in the items' order, whatever the number of workers
/// and however long each item takes.
final class ParallelMapTests: XCTestCase {
    func testResultsComeBackInTheOrderOfTheItems() {
        let items = Array(0..<1000)
        for workers in [1, 2, 3, 8, 64] {
            XCTAssertEqual(parallelMap(items, workers: workers) { $0 * $0 }, items.map { $0 * $0 }, "\(workers) workers")
        }
    }

    func testEachItemIsWorkedOnceEvenWhenSomeTakeLonger() {
        let seen = Counter()
        // Items of uneven cost: the fast workers take the items the slow one has not reached.
        let out = parallelMap(Array(0..<200), workers: 4) { (i: Int) -> String in
            seen.add(i)
            if i % 50 == 0 { usleep(2000) }
            return "item \(i)"
        }
        XCTAssertEqual(out, (0..<200).map { "item \($0)" })
        XCTAssertEqual(seen.counts, Array(repeating: 1, count: 200))
    }

    func testNoItemsAndOneItem() {
        XCTAssertEqual(parallelMap([Int](), workers: 4) { $0 + 1 }, [])
        XCTAssertEqual(parallelMap([41], workers: 4) { $0 + 1 }, [42])
    }
}

/// How many times each item was worked on.
private final class Counter: @unchecked Sendable {
    private let lock = PosixLock()
    private(set) var counts = Array(repeating: 0, count: 200)

    func add(_ i: Int) {
        lock.lock()
        counts[i] += 1
        lock.unlock()
    }
}
