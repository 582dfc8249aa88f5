@testable import AuditLog
import XCTest

/// ByteStringIndex: strings numbered in the order first seen, found by bytes that lie inside a
/// longer buffer, across the table's growth.
final class ByteStringIndexTests: XCTestCase {
    func testNumbersInOrderAndFindsSlicesOfALine() {
        var index = ByteStringIndex()
        let line = Array("profile=\"/usr/bin/a\" peer=\"/usr/bin/a\" other=\"/usr/bin/ab\"".utf8)
        line.withUnsafeBufferPointer { b in
            let first = UnsafeBufferPointer(rebasing: b[9..<19])      // /usr/bin/a
            let second = UnsafeBufferPointer(rebasing: b[27..<37])    // /usr/bin/a again
            let longer = UnsafeBufferPointer(rebasing: b[46..<57])    // /usr/bin/ab
            XCTAssertNil(index.number(of: first))
            XCTAssertTrue(index.insert(first) == (0, true))
            XCTAssertTrue(index.insert(second) == (0, false))
            XCTAssertEqual(index.number(of: second), 0)
            XCTAssertNil(index.number(of: longer))
            XCTAssertTrue(index.insert(longer) == (1, true))
            XCTAssertTrue(index.insert(UnsafeBufferPointer(rebasing: b[0..<0])) == (2, true))
            XCTAssertEqual(index.number(of: UnsafeBufferPointer(rebasing: b[5..<5])), 2)
        }
        XCTAssertEqual(index.keys.map { String(decoding: $0, as: UTF8.self) }, ["/usr/bin/a", "/usr/bin/ab", ""])
    }

    func testManyStringsThroughGrowth() {
        var index = ByteStringIndex()
        let names = (0..<5000).map { Array("/opt/vendor/bin/svc\($0)".utf8) }
        for (i, n) in names.enumerated() {
            let got = n.withUnsafeBufferPointer { index.insert($0) }
            XCTAssertTrue(got == (i, true))
        }
        XCTAssertEqual(index.count, 5000)
        for (i, n) in names.enumerated() {
            XCTAssertEqual(n.withUnsafeBufferPointer { index.number(of: $0) }, i)
        }
        XCTAssertNil(Array("/opt/vendor/bin/svc5000".utf8).withUnsafeBufferPointer { index.number(of: $0) })
    }
}
