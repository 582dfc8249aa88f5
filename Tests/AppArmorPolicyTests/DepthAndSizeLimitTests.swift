import AASwiftTestSupport
import AppArmorPolicy
import AppArmorSyntax
import Foundation
import XCTest

/// The limits that keep hostile policy from exhausting the stack or memory, each ending in a
/// diagnostic, and each where apparmor_parser puts it when it has one.
final class DepthAndSizeLimitTests: XCTestCase {
    private func nested(_ depth: Int) -> String {
        profile("/a" + String(repeating: "{,a", count: depth) + String(repeating: "}", count: depth) + " r,")
    }

    func testAlternationsNestAsDeepAsApparmorParserAllows() throws {
        XCTAssertEqual(errorIDs(nested(49)), [])
        XCTAssertEqual(errorIDs(nested(50)), ["AA3003"])
        XCTAssertEqual(errorIDs(nested(60_000)), ["AA3003"])
        // The installed parser draws the line at the same depth.
        let parser = "/sbin/apparmor_parser"
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: parser), "no apparmor_parser")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aaswift-alt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for (depth, loads) in [(49, true), (50, false)] {
            let file = dir.appendingPathComponent("p\(depth)")
            try nested(depth).write(to: file, atomically: true, encoding: .utf8)
            let r = try Fixtures.run(URL(fileURLWithPath: parser), ["-Q", "-K", file.path])
            XCTAssertEqual(r.status == 0, loads, "apparmor_parser at depth \(depth): \(r.stderr)")
        }
    }

    func testLongChainsOfVariablesExpandWithoutRecursion() throws {
        // A recursive expansion ran out of stack at about 40,000 in a release build.
        var t = VariableTable()
        _ = t.assign("V0", op: "=", values: ["/a"])
        for i in 0..<50_000 { _ = t.assign("V\(i + 1)", op: "=", values: ["@{V\(i)}"]) }
        XCTAssertEqual(try VariableExpander(table: t).expandAll("@{V50000}/x"), ["/a/x"])
        XCTAssertEqual(try VariableExpander(table: t).expandPattern("@{V50000}"), "/a")
    }

    func testExpansionErrorsAreTheSameAsBefore() {
        var t = VariableTable()
        _ = t.assign("A", op: "=", values: ["@{B}/x", "y"])
        _ = t.assign("B", op: "=", values: ["@{C}", "@{A}"])
        _ = t.assign("C", op: "=", values: ["c1", "c2"])
        let e = VariableExpander(table: t)
        XCTAssertThrowsError(try e.expandPattern("@{A}")) { XCTAssertEqual($0 as? ExpansionError, .recursive("A")) }
        XCTAssertThrowsError(try e.expandAll("@{B}")) { XCTAssertEqual($0 as? ExpansionError, .recursive("B")) }
        XCTAssertThrowsError(try e.expandAll("@{C}@{D}")) { XCTAssertEqual($0 as? ExpansionError, .undefined("D")) }
        XCTAssertEqual(try e.expandAll("@{C}-@{C}"), ["c1-c1", "c1-c2", "c2-c1", "c2-c2"])
        XCTAssertEqual(try e.expandPattern("/@{C}/@{C}"), "/{c1,c2}/{c1,c2}")
    }

    func testDoublingVariablesStopAtTheSizeLimit() {
        var t = VariableTable()
        _ = t.assign("A0", op: "=", values: ["ab"])
        for i in 0..<40 { _ = t.assign("A\(i + 1)", op: "=", values: ["@{A\(i)}@{A\(i)}"]) }
        let e = VariableExpander(table: t)
        XCTAssertThrowsError(try e.expandPattern("@{A40}")) { XCTAssertEqual($0 as? ExpansionError, .tooLarge) }
        XCTAssertThrowsError(try e.expandAll("@{A40}")) { XCTAssertEqual($0 as? ExpansionError, .tooLarge) }
        XCTAssertEqual(try e.expandPattern("@{A3}"), String(repeating: "ab", count: 8))
    }

    func testLongAndOrChainsEvaluate() {
        let chain = Array(repeating: "${T}", count: 30_000).joined(separator: " and ")
        let text = "${T}=true\n${F}=false\nprofile p {\n  if \(chain) {\n    /yes r,\n  }\n  if ${F} or ${F} or ${T} {\n    /or r,\n  }\n  if ${T} and ${F} and ${T} {\n    /no r,\n  }\n}\n"
        let report = PolicyChecker().check(path: "t", bytes: Array(text.utf8))
        XCTAssertEqual(report.errors.map(\.oneLine), [])
        let paths = report.policy.profiles.first?.rules.compactMap { r -> String? in
            if case .file(let f) = r.detail { return f.path } else { return nil }
        }
        XCTAssertEqual(paths, ["/yes", "/or"])
    }

    func testPolicyDiagnosticsAreCappedPerFile() {
        let text = profile(String(repeating: "/a{ r,\n  ", count: 5_000))
        let report = PolicyChecker().check(path: "t", bytes: Array(text.utf8))
        XCTAssertEqual(report.diagnostics.count, Parser.maxDiagnostics + 1)
        XCTAssertEqual(report.diagnostics.last?.diagnostic.id, .tooManyErrors)
    }

    func testUnterminatedIncludeIsNotFollowed() throws {
        let root = try makeTree(["abstractions/base": "/etc/x r,\n"])
        defer { try? FileManager.default.removeItem(at: root) }
        let checker = PolicyChecker(options: CheckOptions(searchPath: IncludeSearchPath(base: root.path)))
        let report = checker.check(path: "t", bytes: Array("profile p {\n  include \".\n  include \"abstractions/base\n}\n".utf8))
        XCTAssertEqual(report.errors.map(\.diagnostic.id.rawValue), ["AA1003", "AA1003", "AA1010", "AA1010"])
        XCTAssertTrue(report.errors.contains { $0.diagnostic.message.contains("not followed") })
        XCTAssertEqual(report.policy.profiles.first?.rules.count, 0)
    }
}
