import AASwiftTestSupport
import Foundation
import XCTest

/// `aaswift check` end to end: report formats, diagnostics pointing at the token, exit codes.
final class CheckCommandTests: XCTestCase {
    func testFormatsAndExitCodes() throws {
        let root = try makeTree([
            "good": "profile good {\n  /tmp/** rw,\n}\n",
            "bad": "profile bad {\n  network inet port=99999,\n}\n",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let good = root.appendingPathComponent("good").path, bad = root.appendingPathComponent("bad").path

        let ok = try Fixtures.aaswift(["check", "--base", root.path, good])
        XCTAssertEqual(ok.status, 0)
        XCTAssertEqual(ok.stderr, "")

        // Judged as 4.1 reads it (3.0, this machine's parser, refuses a port condition outright).
        let text = try Fixtures.aaswift(["check", "--parser-version", "4.1", "--base", root.path, bad], environment: ["NO_COLOR": "1"])
        XCTAssertEqual(text.status, 1)
        XCTAssertTrue(text.stderr.hasPrefix("\(bad):2:16: error: invalid port '99999' [AA3012]\n"), text.stderr)
        XCTAssertTrue(text.stderr.contains("                 ^~~~~~~~~~\n"), text.stderr)

        let tsv = try Fixtures.aaswift(["check", "--parser-version", "4.1", "--report", "tsv", "--base", root.path, good, bad])
        XCTAssertEqual(tsv.stdout, "\(good)\tPASS\t\n\(bad)\tFAIL\t\(bad):2:16: error: invalid port '99999' [AA3012]\n")

        let json = try Fixtures.aaswift(["check", "--parser-version", "4.1", "--report", "json", "--base", root.path, bad])
        let obj = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(obj["result"] as? String, "FAIL")
        let d = try XCTUnwrap((obj["diagnostics"] as? [[String: Any]])?.first)
        XCTAssertEqual(d["id"] as? String, "AA3012")
        XCTAssertEqual(d["line"] as? Int, 2)
        XCTAssertEqual(d["column"] as? Int, 16)

        // A usage error is neither "all pass" (0) nor "some file fails" (1).
        let usage = try Fixtures.aaswift(["check", "--report", "xml", good])
        XCTAssertFalse([0, 1].contains(usage.status), "status \(usage.status)")
    }

    func testSyntaxOnlySkipsSemantics() throws {
        let root = try makeTree(["p": "profile p {\n  include <abstractions/missing>\n  /x rwz,\n}\n"])
        defer { try? FileManager.default.removeItem(at: root) }
        let p = root.appendingPathComponent("p").path
        XCTAssertEqual(try Fixtures.aaswift(["check", "--syntax-only", p]).status, 0)
        XCTAssertEqual(try Fixtures.aaswift(["check", "--base", root.path, p]).status, 1)
    }
}
