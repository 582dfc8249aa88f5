import AppArmorEdit
import XCTest

final class TextEditTests: XCTestCase {
    func testAppliesInFileOrder() throws {
        let bytes = Array("abcdef".utf8)
        var set = EditSet()
        try set.add(TextEdit(range: 4..<5, text: "E"))
        try set.add(.insert("<", at: 0))
        try set.add(.delete(1..<3))
        try set.add(.insert(">", at: 6))
        XCTAssertEqual(String(decoding: try set.apply(to: bytes), as: UTF8.self), "<adEf>")
    }

    func testInsertionsAtOneOffsetKeepTheirOrder() throws {
        var set = EditSet()
        try set.add(.insert("1", at: 2))
        try set.add(.insert("2", at: 2))
        XCTAssertEqual(String(decoding: try set.apply(to: Array("abcd".utf8)), as: UTF8.self), "ab12cd")
    }

    func testInsertionAtEitherEndOfAReplacementIsAllowed() throws {
        var set = EditSet()
        try set.add(TextEdit(range: 1..<3, text: "X"))
        try set.add(.insert("[", at: 1))
        try set.add(.insert("]", at: 3))
        XCTAssertEqual(String(decoding: try set.apply(to: Array("abcd".utf8)), as: UTF8.self), "a[X]d")
    }

    func testOverlapsAreRefused() throws {
        var set = EditSet()
        try set.add(TextEdit(range: 2..<5, text: "x"))
        XCTAssertThrowsError(try set.add(.delete(4..<6)))
        XCTAssertThrowsError(try set.add(.insert("y", at: 3)))
        XCTAssertNoThrow(try set.add(.delete(5..<6)))
    }

    func testOutOfBoundsIsRefused() throws {
        let set = try EditSet([.delete(3..<9)])
        XCTAssertThrowsError(try set.apply(to: Array("abcd".utf8)))
    }
}
