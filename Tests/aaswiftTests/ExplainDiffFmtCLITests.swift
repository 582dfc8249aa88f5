import AASwiftTestSupport
import Foundation
import XCTest

/// `aaswift explain`, `diff` and `fmt` end to end: output, exit codes, writes.
final class ExplainDiffFmtCLITests: XCTestCase {
    func policy() throws -> URL {
        try scratchTree("aaswift-explain", [
            "tunables/global": "@{HOME}=/home/*/ /root/\n",
            "abstractions/foo": "  @{HOME}/.foorc r,\n",
            "usr.bin.foo": "include <tunables/global>\nprofile foo /usr/bin/foo {\n  include <abstractions/foo>\n  /etc/** r,\n  deny /etc/shadow r,\n  /usr/bin/bar Px -> bar,\n}\n",
            "bar": "profile bar flags=(complain) {\n  /etc/hosts r,\n}\n",
        ])
    }

    func testExplainGoldenAndExitCodes() throws {
        let dir = try policy()
        let r = try Fixtures.aaswift(["explain", "-d", dir.path, "foo", "--path", "/root/.foorc", "--perms", "r"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout.replacingOccurrences(of: dir.path, with: "$D"), """
            owner /root/.foorc r
              profile foo (enforce mode), $D/usr.bin.foo
              ALLOWED: allowed
              $D/abstractions/foo:1: @{HOME}/.foorc r,
                  included via $D/usr.bin.foo:3
                  pattern {/home/*/,/root/}/.foorc
                  allow: grants r

            """)
        XCTAssertEqual(try Fixtures.aaswift(["explain", "-d", dir.path, "foo", "--path", "/etc/shadow", "--perms", "r"]).status, 1)
        let complain = try Fixtures.aaswift(["explain", "-d", dir.path, "bar", "--capability", "sys_admin", "--json"])
        XCTAssertEqual(complain.status, 1)
        XCTAssertTrue(complain.stdout.contains("\"verdict\":\"not-covered\""), complain.stdout)
        XCTAssertTrue(complain.stdout.contains("\"mode\":\"complain\""), complain.stdout)
        let exec = try Fixtures.aaswift(["explain", "-d", dir.path, dir.appendingPathComponent("usr.bin.foo").path, "--exec", "/usr/bin/bar"])
        XCTAssertEqual(exec.status, 0)
        XCTAssertTrue(exec.stdout.contains("x transition: Px, runs under profile bar"), exec.stdout)
        XCTAssertEqual(try Fixtures.aaswift(["explain", "-d", dir.path, "foo"]).status, 2)
        XCTAssertEqual(try Fixtures.aaswift(["explain", "-d", dir.path, "nosuch", "--capability", "chown"]).status, 2)
    }

    /// A real record of upstream's test_multi, explained in the profile upstream's logprof
    /// writes from it (allowed) and in an empty one (not covered).
    func testFromLog() throws {
        let dir = try scratchFolder("aaswift-explain-log")
        let log = Fixtures.conformance("libapparmor-test_multi/avc_audit_01.in")
        let profile = Fixtures.conformance("libapparmor-test_multi/avc_audit_01.profile")
        XCTAssertTrue(FileManager.default.fileExists(atPath: log.path), "corpus missing: \(log.path)")
        try FileManager.default.copyItem(at: profile, to: dir.appendingPathComponent("cupsd"))
        let r = try Fixtures.aaswift(["explain", "-d", dir.path, "--from-log", log.path])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("/home/user/.ssh/ r (the record: DENIED)"), r.stdout)
        XCTAssertTrue(r.stdout.contains("ALLOWED"), r.stdout)
        XCTAssertTrue(r.stdout.contains("cupsd:2: /home/user/.ssh/ r,"), r.stdout)
        try "/usr/sbin/cupsd {\n}\n".write(to: dir.appendingPathComponent("cupsd"), atomically: true, encoding: .utf8)
        let denied = try Fixtures.aaswift(["explain", "-d", dir.path, "--from-log", log.path, "--json"])
        XCTAssertEqual(denied.status, 1)
        XCTAssertTrue(denied.stdout.contains("\"verdict\":\"not-covered\""), denied.stdout)
    }

    func testDiffExitCodes() throws {
        let dir = try policy()
        let old = dir.appendingPathComponent("usr.bin.foo").path
        let new = dir.appendingPathComponent("new.foo")
        try "include <tunables/global>\nprofile foo /usr/bin/foo {\n  include <abstractions/foo>\n  /etc/** rw,\n  /etc/hosts r,\n}\n".write(to: new, atomically: true, encoding: .utf8)
        let r = try Fixtures.aaswift(["diff", "-d", dir.path, old, new.path])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertEqual(r.stdout.replacingOccurrences(of: dir.path, with: "$D"), """
            profile foo
              + file: /etc/** w  ($D/new.foo:4)
              + deny: no longer denied: /etc/shadow r  ($D/usr.bin.foo:5)
              - exec: /usr/bin/bar Px -> bar  ($D/usr.bin.foo:6)

            """)
        // The reverse grants the exec rule back; a version against itself grants nothing.
        XCTAssertEqual(try Fixtures.aaswift(["diff", "-d", dir.path, new.path, old]).status, 1)
        let same = try Fixtures.aaswift(["diff", "-d", dir.path, old, old])
        XCTAssertEqual(same.status, 0)
        XCTAssertEqual(same.stdout, "No access granted or revoked.\n")
        XCTAssertEqual(try Fixtures.aaswift(["diff", "-d", dir.path, old, dir.path]).status, 2)
        let json = try Fixtures.aaswift(["diff", "--format", "json", "-d", dir.path, old, new.path])
        XCTAssertTrue(json.stdout.contains("\"granted\":[{\"profile\":\"foo\",\"kind\":\"file\",\"access\":\"/etc/** w\""), json.stdout)
    }

    func testFmtCheckDryRunAndWrite() throws {
        let dir = try scratchFolder("aaswift-fmt")
        let file = dir.appendingPathComponent("p")
        try "profile p {\n/a  r ,\n}\n".write(to: file, atomically: true, encoding: .utf8)
        XCTAssertEqual(try Fixtures.aaswift(["fmt", "--check", "-b", dir.path, file.path]).status, 1)
        let dry = try Fixtures.aaswift(["fmt", "--dry-run", "-b", dir.path, file.path])
        XCTAssertEqual(dry.status, 0)
        XCTAssertTrue(dry.stdout.contains("+  /a r,"), dry.stdout)
        XCTAssertEqual(try String(contentsOf: file, encoding: .utf8), "profile p {\n/a  r ,\n}\n", "dry run writes nothing")
        XCTAssertEqual(try Fixtures.aaswift(["fmt", "-b", dir.path, file.path]).status, 0)
        XCTAssertEqual(try String(contentsOf: file, encoding: .utf8), "profile p {\n  /a r,\n}\n")
        XCTAssertEqual(try Fixtures.aaswift(["fmt", "--check", "-b", dir.path, file.path]).status, 0)
    }
}
