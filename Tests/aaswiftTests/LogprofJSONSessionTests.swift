import AASwiftTestSupport
import Foundation
import XCTest

/// Scripted `--json` sessions with golden transcripts and golden profile diffs
/// (Tests/aaswiftTests/Fixtures/json-sessions): the narrow abstraction first for a CA bundle,
/// a (C)hild of a complain-mode profile that is complain too and takes the records of its
/// learning profile, an `audit` rule that covers its request, and hats named by a crafted log.
/// A second pass asks nothing.
final class LogprofJSONSessionTests: XCTestCase {
    static let sessions = Fixtures.project("Tests/aaswiftTests/Fixtures/json-sessions")

    func run(_ name: String, reports: [String] = []) throws {
        let fixture = Self.sessions.appendingPathComponent(name)
        let dir = try LogprofTestSupport.profileCopy(for: self)
        let profile = dir.appendingPathComponent(name)
        try FileManager.default.copyItem(at: fixture.appendingPathComponent("profile"), to: profile)
        let log = fixture.appendingPathComponent("log").path
        let answers = try Data(contentsOf: fixture.appendingPathComponent("answers"))
        let first = try Fixtures.aaswift(["logprof", "--json", "--no-reload", "-d", dir.path, "-f", log], stdin: answers)
        XCTAssertEqual(first.status, 0, first.stderr)
        for r in reports { XCTAssertTrue(first.stderr.contains(r), "reported: \(r)\n" + first.stderr) }
        let second = try Fixtures.aaswift(["logprof", "--json", "--no-reload", "-d", dir.path, "-f", log], stdin: Data())
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertFalse(second.stdout.contains("\"promptuser\""), "a second pass asks nothing: " + second.stdout)
        let transcript = (first.stdout + "--- second pass\n" + second.stdout)
            .replacingOccurrences(of: dir.path, with: "$DIR").replacingOccurrences(of: fixture.path, with: "$FIXTURE")
        let diff = try Fixtures.run(URL(fileURLWithPath: "/usr/bin/diff"),
                                    ["-u", "--label", "a/" + name, "--label", "b/" + name, fixture.appendingPathComponent("profile").path, profile.path]).stdout

        // The saved profile loads with this machine's apparmor_parser.
        if FileManager.default.isExecutableFile(atPath: "/sbin/apparmor_parser") {
            let p = try Fixtures.run(URL(fileURLWithPath: "/sbin/apparmor_parser"), ["-Q", "-K", "-b", dir.path, profile.path])
            XCTAssertEqual(p.status, 0, p.stderr)
        }
        for (file, got) in [("transcript.golden", transcript), ("diff.golden", diff)] {
            let url = fixture.appendingPathComponent(file)
            if ProcessInfo.processInfo.environment["AASWIFT_UPDATE_GOLDEN"] == "1" { try Data(got.utf8).write(to: url) }
            XCTAssertEqual(got, try String(contentsOf: url, encoding: .utf8), "\(name)/\(file)")
        }
    }

    func testSSLCertificatesOfferSSLCertsFirst() throws { try run("ssl-certs-first") }

    func testChildOfComplainProfileIsComplainAndTakesItsNullRecords() throws { try run("complain-child-null-records") }

    func testAuditRuleCoversItsRequest() throws { try run("audit-covers") }

    /// Hat names from change_hat records with `,` `/**`, a space (hex-encoded by the kernel) and
    /// `^` are written quoted and read back as those hats (the second pass asks nothing); `x}`,
    /// which apparmor_parser cannot read as a name, is skipped and reported.
    func testCraftedHatNamesAreQuotedAndReadBack() throws {
        try run("crafted-hat-names", reports: ["skipped a request of \"craftapp//x}\": hat name 'x}' cannot be written"])
    }
}
