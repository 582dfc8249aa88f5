@testable import AppArmorPolicy
import XCTest

/// The variable table: apparmor_parser's assignment rules, its name index at any size, and
/// equality that does not depend on the order variables were defined in.
final class VariableTableTests: XCTestCase {
    func testAssignmentRules() {
        var t = VariableTable()
        XCTAssertNil(t.assign("A", op: "=", values: ["/a"]))
        XCTAssertEqual(t.assign("A", op: "=", values: ["/b"]), .redefined)
        XCTAssertNil(t.assign("A", op: "+=", values: ["/b", "/c"]))
        XCTAssertEqual(t.values(of: "A"), ["/a", "/b", "/c"])
        XCTAssertNil(t.assign("A", op: "?=", values: ["/x"]))
        XCTAssertEqual(t.values(of: "A"), ["/a", "/b", "/c"])
        XCTAssertNil(t.assign("A", op: ":=", values: ["/x"]))
        XCTAssertEqual(t.values(of: "A"), ["/x"])
        XCTAssertEqual(t.assign("B", op: "+=", values: ["/y"]), .appendToUndefined)
        XCTAssertNil(t.assign("B", op: "?=", values: []))
        XCTAssertEqual(t.values(of: "B"), [])
        XCTAssertEqual(t.assign("1B", op: "=", values: ["/y"]), .badName)
        XCTAssertNil(t.values(of: "C"))
        XCTAssertFalse(t.isDefined("C"))
        XCTAssertEqual(t.count, 2)
    }

    func testManyVariablesAreAllFoundAfterEveryGrowth() {
        var t = VariableTable()
        t.reserveCapacity(100)
        for i in 0..<20_000 { XCTAssertNil(t.assign("V\(i)", op: "=", values: ["/v\(i)"])) }
        t.reserveCapacity(5_000)
        for i in 20_000..<25_000 { XCTAssertNil(t.assign("V\(i)", op: "=", values: ["/v\(i)", "/w"])) }
        XCTAssertEqual(t.count, 25_000)
        for i in stride(from: 0, to: 25_000, by: 7) {
            XCTAssertEqual(t.values(of: "V\(i)")?.first, "/v\(i)")
        }
        XCTAssertNil(t.values(of: "V25000"))
        XCTAssertEqual(t.assign("V24999", op: "=", values: ["/z"]), .redefined)
        XCTAssertEqual(try VariableExpander(table: t).expandAll("@{V24999}"), ["/v24999", "/w"])
    }

    func testEqualityIgnoresTheOrderOfDefinitions() {
        var a = VariableTable(), b = VariableTable()
        _ = a.assign("X", op: "=", values: ["/x"])
        _ = a.assign("Y", op: "=", values: ["/y", "/z"])
        _ = b.assign("Y", op: "=", values: ["/y", "/z"])
        _ = b.assign("X", op: "=", values: ["/x"])
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.hashValue, b.hashValue)
        _ = b.assign("X", op: ":=", values: ["/other"])
        XCTAssertNotEqual(a, b)
        var c = a
        _ = c.assign("Z", op: "=", values: ["/x"])
        XCTAssertNotEqual(a, c)
    }

    func testALongChainExpands() throws {
        var t = VariableTable()
        _ = t.assign("V0", op: "=", values: ["/a"])
        for i in 1...20_000 { _ = t.assign("V\(i)", op: "=", values: ["@{V\(i - 1)}"]) }
        XCTAssertEqual(try VariableExpander(table: t).expandPattern("@{V20000}/b"), "/a/b")
        _ = t.assign("V0", op: ":=", values: ["@{V20000}"])
        XCTAssertThrowsError(try VariableExpander(table: t).expandPattern("@{V5}")) { e in
            XCTAssertEqual(e as? ExpansionError, .recursive("V5"))
        }
    }

    /// Variables of several values whose later values refer to others: every value is scanned,
    /// each reference expanded once, in order, and a cycle through a later value is found.
    func testReferencesInLaterValuesOfManyValuedVariables() throws {
        var t = VariableTable()
        _ = t.assign("A", op: "=", values: ["/a", "/x@{B}", "@{C}/y@{B}"])
        _ = t.assign("B", op: "=", values: ["1", "@{C}"])
        _ = t.assign("C", op: "=", values: ["c"])
        let e = VariableExpander(table: t)
        XCTAssertEqual(try e.expandAll("@{A}"), ["/a", "/x1", "/xc", "c/y1", "c/yc"])
        XCTAssertEqual(try e.expandPattern("@{A}"), "{/a,/x{1,c},c/y{1,c}}")
        _ = t.assign("C", op: ":=", values: ["c", "d@{A}"])
        XCTAssertThrowsError(try VariableExpander(table: t).expandAll("@{B}")) { error in
            XCTAssertEqual(error as? ExpansionError, .recursive("B"))
        }
    }

    /// The product of two big variables is refused before it is built (a fuzzed file once made
    /// 16 million strings, 1.5 GB, before the limit was looked at).
    func testAProductTooLargeIsRefusedBeforeItIsBuilt() {
        var t = VariableTable()
        _ = t.assign("A0", op: "=", values: (0..<64).map { "/v\($0)" })
        _ = t.assign("A1", op: "=", values: ["@{A0}@{A0}"])
        _ = t.assign("A2", op: "=", values: ["@{A1}@{A1}"])
        let expander = VariableExpander(table: t)
        XCTAssertEqual(try expander.expandAll("@{A1}").count, 4096)
        XCTAssertThrowsError(try expander.expandAll("@{A2}")) { XCTAssertEqual($0 as? ExpansionError, .tooLarge) }
        XCTAssertThrowsError(try expander.expandAll("x@{A1}@{A0}")) { XCTAssertEqual($0 as? ExpansionError, .tooLarge) }
    }
}
