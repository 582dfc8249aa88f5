import AASwiftTestSupport
import AppArmorSyntax
import Foundation
import XCTest

/// The syntax layer against upstream's simple_tests: no PASS test may get a syntax error, and
/// the FAIL tests that are syntax errors are caught.
final class ConformanceSyntaxTests: XCTestCase {
    /// Counts (PASS with a syntax error, FAIL tests, FAIL caught) over a folder.
    private func run(_ root: URL) -> (passWithError: [String], fail: Int, caught: Int, pass: Int) {
        var passWithError: [String] = []
        var fail = 0, caught = 0, pass = 0
        for url in Fixtures.files(under: root, suffix: ".sd") {
            let bytes = SyntaxTest.read(url)
            guard let expected = SyntaxTest.expectedResult(bytes) else { continue }
            let r = Parser.parse(path: url.path, bytes: bytes)
            if expected == "PASS" {
                pass += 1
                if r.hasErrors {
                    passWithError.append(r.diagnostics.first!.oneLine(in: r.source))
                }
            } else {
                fail += 1
                if r.hasErrors { caught += 1 }
            }
        }
        return (passWithError, fail, caught, pass)
    }

    func testInTreeSimpleTests() throws {
        let root = Fixtures.conformance("parser-simple_tests")
        try XCTSkipUnless(FileManager.default.fileExists(atPath: root.path))
        let r = run(root)
        XCTAssertEqual(r.pass, 1374, "PASS tests run (6 DISABLED skipped)")
        XCTAssertEqual(r.passWithError, [], "PASS tests must not get a syntax error")
        XCTAssertEqual(r.fail, 861)
        // Figure for the closing note: FAIL tests that are syntax errors already caught here.
        XCTAssertGreaterThanOrEqual(r.caught, 67)
        print("simple_tests in tree: \(r.pass) PASS clean, \(r.caught) of \(r.fail) FAIL caught at syntax")
    }

    func testGeneratedSimpleTests() throws {
        let root = try XCTUnwrap(Fixtures.generatedSimpleTests, "run `make generated-tests` first")
        let r = run(root)
        XCTAssertEqual(r.pass + r.fail, 71_496)
        XCTAssertEqual(r.passWithError, [], "PASS tests must not get a syntax error")
    }

    func testRealProfilesHaveNoSyntaxErrors() throws {
        var files = SyntaxTest.policyFiles(under: Fixtures.conformance("profiles-apparmor.d"))
        files += SyntaxTest.policyFiles(under: URL(fileURLWithPath: "/etc/apparmor.d"))
        files += SyntaxTest.policyFiles(under: URL(fileURLWithPath: "/usr/share/apparmor/extra-profiles"))
        XCTAssertGreaterThan(files.count, 300)
        for url in files {
            let r = Parser.parse(path: url.path, bytes: SyntaxTest.read(url))
            XCTAssertFalse(r.hasErrors, r.diagnostics.first.map { $0.oneLine(in: r.source) } ?? "")
        }
    }
}
