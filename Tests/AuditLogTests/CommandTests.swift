import AASwiftTestSupport
import Foundation
import XCTest

/// `aaswift decode` and `aaswift decode-log` end to end.
final class CommandTests: XCTestCase {
    static let corpus = Fixtures.conformance("libapparmor-test_multi")

    func testDecodeHexArgument() throws {
        let out = try Fixtures.aaswift(["decode", "2F746D702F666F6F20626172"])
        XCTAssertEqual(out.status, 0)
        XCTAssertEqual(out.stdout, "Decoded: /tmp/foo bar\n")
        let bad = try Fixtures.aaswift(["decode", "2F7"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("not a hex string"))
    }

    func testDecodeRewritesStandardInput() throws {
        let input = try Data(contentsOf: Self.corpus.appendingPathComponent("testcase_encoded_comm.in"))
        let out = try Fixtures.aaswift(["decode", "-"], stdin: input)
        XCTAssertEqual(out.status, 0)
        XCTAssertTrue(out.stdout.contains(#"profile="/home/steve/tmp/my prog.sh" name="/home/steve/tmp/my prog.sh""#), out.stdout)
        XCTAssertTrue(out.stdout.contains(#"comm="my prog.sh""#), out.stdout)
        XCTAssertTrue(out.stdout.contains(#"pid=22918"#))
    }

    func testJSONFormatIsOneObjectPerRecord() throws {
        let out = try Fixtures.aaswift(["decode-log", "--format", "json", Self.corpus.appendingPathComponent("testcase_dbus_09.in").path])
        XCTAssertEqual(out.status, 0)
        let lines = out.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 1)
        let obj = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        XCTAssertEqual(obj["event"] as? String, "ALLOWED")
        XCTAssertEqual(obj["dbus_member"] as? String, "LookupDynamicUserByName")
        XCTAssertEqual(obj["peer_profile"] as? String, "unconfined")
        XCTAssertEqual(obj["pid"] as? Int, 20596)
    }

    func testSummaryCountsEventTypesAndProfiles() throws {
        var log = Data()
        for name in ["avc_audit_01", "avc_audit_02", "avc_audit_03", "avc_syslog_01", "testcase_dbus_09", "syslog_other_01"] {
            log += try Data(contentsOf: Self.corpus.appendingPathComponent(name + ".in"))
            log += Data("\n".utf8)
        }
        let out = try Fixtures.aaswift(["decode-log", "-"], stdin: log)
        XCTAssertEqual(out.status, 0)
        XCTAssertTrue(out.stdout.hasPrefix("records: 5\n"), out.stdout)
        XCTAssertTrue(out.stdout.contains("  DENIED  2\n"), out.stdout)
        XCTAssertTrue(out.stdout.contains("  /usr/sbin/cupsd  DENIED=2\n"), out.stdout)
        XCTAssertTrue(out.stdout.contains("  (none)  STATUS=1\n"), out.stdout)
    }

    func testMissingFileFails() throws {
        let out = try Fixtures.aaswift(["decode-log", "/nonexistent/audit.log"])
        XCTAssertNotEqual(out.status, 0)
        XCTAssertTrue(out.stderr.contains("cannot open /nonexistent/audit.log"), out.stderr)
        XCTAssertEqual(out.stdout, "")
    }
}
