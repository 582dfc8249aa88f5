import AASwiftTestSupport
import Foundation
import XCTest

/// Drives the real binary in a pseudo-terminal (python3's pty module) through a review session:
/// an owner toggle, arrow keys, a glob, a new path, a deny, an abort that is not confirmed, an
/// ignore, viewing the diff, and saving.
final class LogprofTTYTests: XCTestCase {
    func testInteractiveSessionInAPseudoTerminal() throws {
        let dir = try LogprofTestSupport.profileCopy(for: self)
        let fixtures = Fixtures.project("Tests/aaswiftTests/Fixtures")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", fixtures.appendingPathComponent("pty-drive.py").path, fixtures.appendingPathComponent("logprof-tty.script").path,
                       Fixtures.aaswiftBinary.path, "logprof", "--no-reload", "-d", dir.path,
                       "-f", fixtures.appendingPathComponent("logprof-tty.log").path]
        // `cat` as the pager: the diff of (V)iew goes through it into the transcript.
        var env = ProcessInfo.processInfo.environment
        env["PAGER"] = "cat"
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let transcript = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, errors + "\n" + transcript)
        // No escape sequences with NO_COLOR.
        XCTAssertFalse(transcript.contains("\u{1B}[1m"))
        XCTAssertTrue(transcript.contains("+  deny /etc/secret r,"), transcript)

        let original = try String(contentsOf: Fixtures.conformance("profiles-apparmor.d/bin.ping"), encoding: .utf8)
        let after = try String(contentsOf: dir.appendingPathComponent("bin.ping"), encoding: .utf8)
        // /etc rules after /etc/modules.conf (the rules are not sorted), in path order; /proc after
        // the last file rule (no rule shares a folder with it).
        let expected = original.replacingOccurrences(
            of: "  /etc/modules.conf r,\n", with: "  /etc/modules.conf r,\n  /etc/foo.d/*.conf r,\n  deny /etc/secret r,\n"
        ).replacingOccurrences(
            of: "  @{PROC}/sys/net/ipv6/conf/all/disable_ipv6 r,\n",
            with: "  @{PROC}/sys/net/ipv6/conf/all/disable_ipv6 r,\n  /proc/21622/* r,\n")
        XCTAssertEqual(after, expected)
    }
}
