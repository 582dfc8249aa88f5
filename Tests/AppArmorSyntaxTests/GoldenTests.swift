import AASwiftTestSupport
import AppArmorSyntax
import Foundation
import XCTest

/// Tree dumps and rendered diagnostics of TestProfiles/*.aa against TestProfiles/golden/.
/// `AASWIFT_RECORD=1` rewrites the golden files (review the diff before committing).
final class GoldenTests: XCTestCase {
    func testTreeDumpsAndDiagnostics() throws {
        let dir = Fixtures.project("TestProfiles")
        let record = ProcessInfo.processInfo.environment["AASWIFT_RECORD"] == "1"
        // Top level only: TestProfiles/versions/ holds the per-version cases (Parser41ConformanceTests).
        let files = Fixtures.files(under: dir, suffix: ".aa").filter { $0.deletingLastPathComponent().path == dir.path }
        XCTAssertGreaterThanOrEqual(files.count, 8)
        for url in files {
            let name = url.deletingPathExtension().lastPathComponent
            let r = Parser.parse(path: "TestProfiles/\(url.lastPathComponent)", bytes: SyntaxTest.read(url))
            let outputs = [
                ("tree", TreeDump.dump(r)),
                ("diag", r.diagnostics.map { $0.rendered(in: r.source) }.joined()),
            ]
            for (ext, actual) in outputs {
                let golden = dir.appendingPathComponent("golden/\(name).\(ext)")
                if record {
                    try actual.write(to: golden, atomically: true, encoding: .utf8)
                    continue
                }
                let expected = try String(contentsOf: golden, encoding: .utf8)
                XCTAssertEqual(actual, expected, "\(golden.path) differs (AASWIFT_RECORD=1 to update)")
            }
        }
    }

    func testErrorsFileReportsEveryError() throws {
        let url = Fixtures.project("TestProfiles/errors.aa")
        let r = Parser.parse(path: "errors.aa", bytes: SyntaxTest.read(url))
        let ids = r.diagnostics.map(\.id)
        // One diagnostic per broken statement, not just the first.
        XCTAssertGreaterThanOrEqual(ids.count, 9)
        for id in [DiagnosticID.missingComma, .emptyRule, .unterminatedString, .unclosedParen, .unmatchedClose, .badInclude, .badConditionExpr, .missingName] {
            XCTAssertTrue(ids.contains(id), "missing \(id)")
        }
        // The rule after the errors is still parsed.
        XCTAssertEqual(r.root.childNodes.last?.kind, .fileRule)
    }
}
