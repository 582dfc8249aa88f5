import AASwiftTestSupport
import Foundation
import XCTest

/// `aaswift notify` and `aaswift log` on log files (the live sources are covered by the
/// AuditLog tests and the e2e scenarios).
final class NotifyLogCLITests: XCTestCase {
    func tempLog(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("aaswift-log-\(UUID().uuidString).log")
        try text.write(to: url, atomically: true, encoding: .utf8)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url.path
    }

    static let now = Int(Date().timeIntervalSince1970)
    static let records = """
    type=AVC msg=audit(\(now - 60).100:10): apparmor="DENIED" operation="open" class="file" profile="firefox" name="/etc/shadow" pid=9 comm="firefox" requested_mask="r" denied_mask="r" fsuid=1000 ouid=0
    type=AVC msg=audit(\(now - 50).100:11): apparmor="ALLOWED" operation="exec" class="file" profile="cups" name="/bin/sh" pid=9 comm="cupsd" requested_mask="x" denied_mask="x" fsuid=0 ouid=0
    type=SYSCALL msg=audit(\(now - 50).100:11): arch=c000003e syscall=59 success=yes
    type=AVC msg=audit(\(now - 40).100:12): apparmor="DENIED" operation="open" class="file" profile="evil" name=2F746D702F1B5B33316D78 pid=9 comm="x" requested_mask="r" denied_mask="r" fsuid=0 ouid=0
    type=AVC msg=audit(1000000000.100:1): apparmor="DENIED" operation="open" class="file" profile="firefox" name="/old" pid=9 comm="firefox" requested_mask="r" denied_mask="r" fsuid=0 ouid=0

    """

    func testLogShowsOneLinePerRecordFiltered() throws {
        let log = try tempLog(Self.records)
        let all = try Fixtures.aaswift(["log", "--source", log], environment: ["NO_COLOR": "1"])
        XCTAssertEqual(all.status, 0, all.stderr)
        XCTAssertEqual(all.stdout.split(separator: "\n").count, 4, all.stdout)
        let denied = try Fixtures.aaswift(["log", "--source", log, "--denied", "firefox"], environment: ["NO_COLOR": "1"])
        let lines = denied.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
        XCTAssertTrue(lines[0].hasSuffix("DENIED  firefox open /etc/shadow comm=firefox requested=r denied=r"), String(lines[0]))
        let since = try Fixtures.aaswift(["log", "--source", log, "--since", "-1h", "--json", "firefox"])
        XCTAssertEqual(since.stdout.split(separator: "\n").count, 1, since.stdout)
        XCTAssertTrue(since.stdout.contains("\"name\":\"/etc/shadow\""))
        // A crafted name cannot put an escape sequence on the terminal.
        let evil = try Fixtures.aaswift(["log", "--source", log, "evil"], environment: ["NO_COLOR": "1"])
        XCTAssertFalse(evil.stdout.contains("\u{1B}"), evil.stdout)
        XCTAssertTrue(evil.stdout.contains("/tmp/\\x1b[31mx"), evil.stdout)
    }

    func testLogUsageErrors() throws {
        XCTAssertEqual(try Fixtures.aaswift(["log", "--since", "yesterday-ish"]).status, 2)
        XCTAssertEqual(try Fixtures.aaswift(["log", "--source", "netlink"]).status, 2)
        let missing = try Fixtures.aaswift(["log", "--source", "/nonexistent/log"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("/nonexistent/log"), missing.stderr)
    }

    func testNotifySummaryCountsDenialsSinceDays() throws {
        let log = try tempLog(Self.records)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aaswift-notifyconf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let env = ["NO_COLOR": "1", "HOME": dir.path]
        let r = try Fixtures.aaswift(["notify", "-s", "1", "-f", log, "--configdir", dir.path], environment: env)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("AppArmor denials: 2 (since "), r.stdout)
        let v = try Fixtures.aaswift(["notify", "-s", "1", "-v", "-f", log, "--profile", "firefox", "--configdir", dir.path], environment: env)
        XCTAssertEqual(v.stdout.split(separator: "\n").count, 2, v.stdout)
        XCTAssertTrue(v.stdout.contains("AppArmor denials: 1 "))
        // notify.conf's filters leave records out; use_group keeps non-members out.
        try "filter.profile=\"fire.*\"\n".write(to: dir.appendingPathComponent("notify.conf"), atomically: true, encoding: .utf8)
        let filtered = try Fixtures.aaswift(["notify", "-s", "1", "-f", log, "--configdir", dir.path], environment: env)
        XCTAssertTrue(filtered.stdout.hasPrefix("AppArmor denials: 1 "), filtered.stdout)
        try "use_group=\"aaswift-no-such-group\"\n".write(to: dir.appendingPathComponent("notify.conf"), atomically: true, encoding: .utf8)
        let refused = try Fixtures.aaswift(["notify", "-s", "1", "-f", log, "--configdir", dir.path], environment: env)
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("not a member of group 'aaswift-no-such-group'"), refused.stderr)
        XCTAssertEqual(refused.stdout, "")
    }

    func testNotifyUsageErrors() throws {
        XCTAssertEqual(try Fixtures.aaswift(["notify"]).status, 2)
        XCTAssertEqual(try Fixtures.aaswift(["notify", "-s", "1", "-w", "3"]).status, 2)
        XCTAssertEqual(try Fixtures.aaswift(["notify", "-p", "--source", "bogus"]).status, 1)
    }
}
