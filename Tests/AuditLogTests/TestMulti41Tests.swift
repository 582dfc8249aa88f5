import AASwiftTestSupport
import AuditLog
import Foundation
import XCTest

/// AppArmor 4.1.0's own test_multi corpus (libraries/libapparmor/testsuite/test_multi of the
/// source Debian 13 ships, unpacked by ../shared/trixie/get-source.sh): every `.out` decoded
/// and every `.profile` synthesised as 4.1 expects, but the cases listed with their reason in
/// Conformance/test-multi-4.1-disagreements.txt (the test asserts that list is exact).
final class TestMulti41Tests: XCTestCase {
    func corpus() throws -> URL {
        do {
            return try Trixie.source().appendingPathComponent("libraries/libapparmor/testsuite/test_multi")
        } catch {
            if Trixie.mustHave { throw error }
            throw XCTSkip("AppArmor 4.1 source unavailable: \(error)")
        }
    }

    /// "out\tNAME" or "profile\tNAME" lines of the list.
    static func listed() throws -> Set<String> {
        let text = try String(contentsOf: Fixtures.project("Conformance/test-multi-4.1-disagreements.txt"), encoding: .utf8)
        return Set(text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }.map { line in
            line.split(separator: "\t", omittingEmptySubsequences: false).prefix(2).joined(separator: "\t")
        })
    }

    func testEveryOutAndProfileFileAsListed() throws {
        let dir = try corpus()
        let inputs = Fixtures.files(under: dir, suffix: ".in")
        XCTAssertGreaterThanOrEqual(inputs.count, 170)
        let bad = Set(try CorpusConformanceTests.outMismatches(in: dir).map { "out\t\($0)" }
            + CorpusConformanceTests.profileMismatches(in: dir).map { "profile\t\($0)" })
        let listed = try Self.listed()
        XCTAssertEqual(bad.subtracting(listed).sorted(), [], "disagreements missing from the list")
        XCTAssertEqual(listed.subtracting(bad).sorted(), [], "listed cases that now agree")
    }

    /// The binary's decode-log on every case, as a user runs it.
    func testDecodeLogBinary() throws {
        let dir = try corpus()
        let listed = try Self.listed()
        var failures: [String] = []
        for input in Fixtures.files(under: dir, suffix: ".in") {
            let name = input.deletingPathExtension().lastPathComponent
            guard !listed.contains("out\t\(name)") else { continue }
            let out = try Fixtures.aaswift(["decode-log", "--format", "test-multi", input.path])
            let expected = try String(contentsOf: input.deletingPathExtension().appendingPathExtension("out"), encoding: .utf8)
            if out.status != 0 || out.stdout != expected { failures.append(name) }
        }
        XCTAssertEqual(failures, [])
    }
}
