import AASwiftTestSupport
import Foundation
import XCTest

/// `aaswift status` end to end on the fixture trees: stdout, stderr and exit status compared
/// byte for byte with the golden files (Tests/SystemAppArmorTests/Fixtures/status-golden).
final class StatusCommandTests: XCTestCase {
    static let fixtures = Fixtures.project("Tests/SystemAppArmorTests/Fixtures")
    static let golden = fixtures.appendingPathComponent("status-golden")

    struct Case {
        var name: String
        var tree: String
        var exit: Int32
        var arguments: [String]
    }

    static func cases() throws -> [Case] {
        let text = try String(contentsOf: golden.appendingPathComponent("cases.tsv"), encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            if line.hasPrefix("#") { return nil }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 3, let code = Int32(fields[2]) else { return nil }
            let args = fields.count > 3 ? fields[3].split(separator: " ").map(String.init) : []
            return Case(name: fields[0], tree: fields[1], exit: code, arguments: args)
        }
    }

    func testGoldenOutputs() throws {
        let cases = try Self.cases()
        XCTAssertGreaterThanOrEqual(cases.count, 30)
        for c in cases {
            let root = Self.fixtures.appendingPathComponent(c.tree).path
            let result = try Fixtures.aaswift(["status", "--root", root] + c.arguments)
            let expectedOut = try String(contentsOf: Self.golden.appendingPathComponent(c.name + ".stdout"), encoding: .utf8)
            let errURL = Self.golden.appendingPathComponent(c.name + ".stderr")
            let expectedErr = FileManager.default.fileExists(atPath: errURL.path)
                ? try String(contentsOf: errURL, encoding: .utf8) : ""
            XCTAssertEqual(result.stdout, expectedOut, "stdout of case \(c.name)")
            XCTAssertEqual(result.stderr, expectedErr, "stderr of case \(c.name)")
            XCTAssertEqual(result.status, c.exit, "exit status of case \(c.name)")
        }
    }

    func testRootFromEnvironment() throws {
        var env = ProcessInfo.processInfo.environment
        env["AASWIFT_ROOT"] = Self.fixtures.appendingPathComponent("mixed").path
        let result = try Fixtures.aaswift(["status", "--profiled"], environment: env)
        XCTAssertEqual(result.stdout, "15\n")
        XCTAssertEqual(result.status, 0)
        env["AASWIFT_ROOT"] = Self.fixtures.appendingPathComponent("disabled").path
        XCTAssertEqual(try Fixtures.aaswift(["status", "--enabled"], environment: env).status, 1)
    }

    func testPrettyJSONIsTheCompactJSONReformatted() throws {
        let root = Self.fixtures.appendingPathComponent("mixed").path
        let compact = try Fixtures.aaswift(["status", "--root", root, "--json", "--show=profiles"]).stdout
        let pretty = try Fixtures.aaswift(["status", "--root", root, "--pretty-json", "--show=profiles"]).stdout
        let a = try JSONSerialization.jsonObject(with: Data(compact.utf8)) as? NSDictionary
        let b = try JSONSerialization.jsonObject(with: Data(pretty.utf8)) as? NSDictionary
        XCTAssertNotNil(a)
        XCTAssertEqual(a, b)
        XCTAssertEqual((a?["profiles"] as? NSDictionary)?.count, 15)
    }

    func testBadShowValueExitsOne() throws {
        let root = Self.fixtures.appendingPathComponent("mixed").path
        let result = try Fixtures.aaswift(["status", "--root", root, "--show=everything"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("Invalid --show option 'everything'"), result.stderr)
        XCTAssertEqual(result.stdout, "")
    }

    func testLiveSystemAnswersEnabledConsistently() throws {
        // Whatever this machine's state, --enabled and the full report agree on it.
        let enabled = try Fixtures.aaswift(["status", "--enabled"]).status
        let report = try Fixtures.aaswift(["status", "--quiet"])
        XCTAssertTrue(enabled == 0 || enabled == 1)
        if enabled == 1 {
            XCTAssertNotEqual(report.status, 0)
        }
        XCTAssertEqual(report.stderr, "")
    }
}
