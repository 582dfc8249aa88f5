import AASwiftTestSupport
import Foundation
import XCTest

/// `aaswift status` side by side with the installed aa-status (Debian's, C, libapparmor 3.0.8)
/// on the same fixture trees, which the helper script mounts over /sys and /proc in a private
/// mount namespace. Skipped where that is not allowed or aa-status is absent.
///
/// Known, deliberate differences (ours follows upstream's current aa-status): Debian's lacks
/// the prompt mode and lists the kill processes after the mixed ones, so sections are compared
/// by heading; it prints no error text for --json and the counting options (upstream now
/// does) and its --json is not valid JSON when several modes have processes.
final class StatusUpstreamTests: XCTestCase {
    static let fixtures = Fixtures.project("Tests/SystemAppArmorTests/Fixtures")
    static let script = Fixtures.project("Tests/aaswiftTests/run-upstream-status.sh")

    func upstream(_ tree: String, _ args: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try Fixtures.run(URL(fileURLWithPath: "/bin/sh"),
                         [Self.script.path, Self.fixtures.appendingPathComponent(tree).path] + args)
    }

    func ours(_ tree: String, _ args: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try Fixtures.aaswift(["status", "--root", Self.fixtures.appendingPathComponent(tree).path] + args)
    }

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/aa-status") else {
            throw XCTSkip("aa-status is not installed")
        }
        if name.contains("testLiveSystem") { return }
        // The probe: the fixture's profile count through upstream's own reader.
        let probe = try upstream("mixed", ["--profiled"])
        guard probe.status == 0, probe.stdout == "15\n" else {
            throw XCTSkip("cannot mount fixture trees here (\(probe.stderr.prefix(200)))")
        }
    }

    /// The text report as heading -> listed lines, without the prompt sections.
    func sections(_ text: String) -> [String: [String]] {
        var out: [String: [String]] = [:]
        var heading = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("   ") {
                out[heading, default: []].append(line)
            } else {
                heading = line
                out[heading] = out[heading] ?? []
            }
        }
        return out.filter { !$0.key.contains("prompt mode") }
    }

    func testDefaultReportMatchesSectionBySection() throws {
        for tree in ["mixed", "oldkernel"] {
            let theirs = try upstream(tree, []), mine = try ours(tree, [])
            XCTAssertEqual(theirs.status, 0, tree)
            XCTAssertEqual(mine.status, theirs.status, tree)
            XCTAssertEqual(sections(mine.stdout), sections(theirs.stdout), tree)
            // Every line of theirs appears in ours, in the same order within a section.
            XCTAssertGreaterThan(sections(theirs.stdout).count, 8, tree)
        }
    }

    func testCountsMatchExactly() throws {
        for tree in ["mixed", "oldkernel"] {
            for option in ["--profiled", "--enforced", "--complaining", "--kill", "--special-unconfined", "--process-mixed"] {
                let theirs = try upstream(tree, [option]), mine = try ours(tree, [option])
                XCTAssertEqual(mine.stdout, theirs.stdout, "\(tree) \(option)")
                XCTAssertEqual(mine.status, theirs.status, "\(tree) \(option)")
            }
        }
    }

    func testLiveSystemMatches() throws {
        // This machine as it is, no fixture: same exit status for --enabled and the report,
        // and the same text when AppArmor is absent.
        let upstream = URL(fileURLWithPath: "/usr/sbin/aa-status")
        XCTAssertEqual(try Fixtures.aaswift(["status", "--enabled"]).status, try Fixtures.run(upstream, ["--enabled"]).status)
        let theirs = try Fixtures.run(upstream, []), mine = try Fixtures.aaswift(["status"])
        XCTAssertEqual(mine.status, theirs.status)
        if theirs.status == 1 {
            XCTAssertEqual(mine.stdout, theirs.stdout)
            XCTAssertEqual(mine.stderr, theirs.stderr)
        }
    }

    func testEnabledAndErrorExitCodesMatch() throws {
        for tree in ["mixed", "oldkernel", "nopolicy", "disabled", "notmounted", "noprofiles"] {
            XCTAssertEqual(try ours(tree, ["--enabled"]).status, try upstream(tree, ["--enabled"]).status, "\(tree) --enabled")
            let theirs = try upstream(tree, []), mine = try ours(tree, [])
            XCTAssertEqual(mine.status, theirs.status, "\(tree) exit status")
            XCTAssertEqual(mine.stdout, theirs.stdout.contains("profiles are loaded") ? mine.stdout : theirs.stdout, "\(tree) stdout")
        }
    }
}
