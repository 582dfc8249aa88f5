import AASwiftTestSupport
import Foundation
import XCTest

/// End-to-end runs of `aaswift logprof` on upstream's fixture (utils/test/logprof) against a
/// copy of upstream's profile folder.
final class LogprofCLITests: XCTestCase {
    let fixture = Fixtures.conformance("utils-test/logprof")

    func profileCopy() throws -> URL { try LogprofTestSupport.profileCopy(for: self) }

    func read(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }

    /// Lines added and removed between two texts (order kept).
    func changedLines(_ old: String, _ new: String) -> (added: [String], removed: [String]) {
        var a = new.components(separatedBy: "\n")
        var removed: [String] = []
        for line in old.components(separatedBy: "\n") {
            if let i = a.firstIndex(of: line) { a.remove(at: i) } else { removed.append(line) }
        }
        return (a, removed)
    }

    func testAllowAllAddsExactlyTheOwnerGlobAndSecondRunChangesNothing() throws {
        let dir = try profileCopy()
        let original = try read(Fixtures.conformance("profiles-apparmor.d/bin.ping"))
        let log = fixture.appendingPathComponent("ping.auditlog").path
        // The record is DENIED (enforce mode): --allow-all alone leaves it (see the man page).
        let plain = try Fixtures.aaswift(["logprof", "--allow-all", "--no-reload", "-d", dir.path, "-f", log])
        XCTAssertEqual(plain.status, 0, plain.stderr)
        XCTAssertFalse(plain.stdout.contains("Adding"), plain.stdout)
        XCTAssertEqual(try read(dir.appendingPathComponent("bin.ping")), original)
        let r = try Fixtures.aaswift(["logprof", "--allow-all", "--allow-denied", "--no-reload", "-d", dir.path, "-f", log])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("Adding owner /proc/*/cmdline r, to profile ping.\n"), r.stdout)
        XCTAssertTrue(r.stdout.contains("Writing updated profile for ping.\n"))
        let after = try read(dir.appendingPathComponent("bin.ping"))
        let d = changedLines(original, after)
        XCTAssertEqual(d.added, ["  owner /proc/*/cmdline r,"])
        XCTAssertEqual(d.removed, [])
        // Exactly one line inserted: the rest is byte for byte the original.
        var lines = after.components(separatedBy: "\n")
        lines.removeAll { $0 == "  owner /proc/*/cmdline r," }
        XCTAssertEqual(lines.joined(separator: "\n"), original)
        // No other file changed.
        let diff = Process()
        diff.executableURL = URL(fileURLWithPath: "/usr/bin/diff")
        diff.arguments = ["-rq", "-x", "bin.ping", "-x", ".aaswift.lock", Fixtures.conformance("profiles-apparmor.d").path, dir.path]
        diff.standardOutput = FileHandle.nullDevice
        try diff.run()
        diff.waitUntilExit()
        XCTAssertEqual(diff.terminationStatus, 0)

        let again = try Fixtures.aaswift(["logprof", "--allow-all", "--allow-denied", "--no-reload", "-d", dir.path, "-f", log])
        XCTAssertEqual(again.status, 0)
        XCTAssertFalse(again.stdout.contains("Adding"))
        XCTAssertTrue(again.stdout.contains("already allowed"), again.stdout)
        XCTAssertEqual(try read(dir.appendingPathComponent("bin.ping")), after)
    }

    func testJSONReplayOfUpstreamTranscript() throws {
        let dir = try profileCopy()
        let transcript = try read(fixture.appendingPathComponent("ping.jsonlog")).components(separatedBy: "\n")
        let answers = transcript.filter { $0.hasPrefix("i ") }.map { String($0.dropFirst(2)) }
        let expected = transcript.filter { $0.hasPrefix("o ") && $0.contains("\"promptuser\"") }.map { String($0.dropFirst(2)) }
        let r = try Fixtures.aaswift(["logprof", "--json", "--no-reload", "-d", dir.path, "-f", fixture.appendingPathComponent("ping.auditlog").path],
                                     stdin: Data((answers.joined(separator: "\n") + "\n").utf8))
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.components(separatedBy: "\n")
        XCTAssertEqual(lines.first, "{\"dialog\": \"apparmor-json-version\",\"data\": \"2.12\"}")
        let prompts = lines.filter { $0.contains("\"dialog\": \"promptuser\"") }
        XCTAssertEqual(prompts.count, expected.count)
        for (got, want) in zip(prompts, expected) {
            let g = try JSONSerialization.jsonObject(with: Data(got.utf8)) as! NSDictionary
            let w = try JSONSerialization.jsonObject(with: Data(want.utf8)) as! NSDictionary
            XCTAssertEqual(g, w)
        }
        XCTAssertEqual(prompts.first, expected.first)   // byte-identical layout, header order included
        let d = changedLines(try read(Fixtures.conformance("profiles-apparmor.d/bin.ping")), try read(dir.appendingPathComponent("bin.ping")))
        XCTAssertEqual(d.added, ["  /proc/21622/cmdline r,"])
        XCTAssertEqual(d.removed, [])
    }

    func testDryRunPlanAndApply() throws {
        let dir = try profileCopy()
        let log = fixture.appendingPathComponent("ping.auditlog").path
        let plan = dir.appendingPathComponent("plan.json").path
        let r = try Fixtures.aaswift(["logprof", "--allow-all", "--allow-denied", "--dry-run", "--plan-out", plan, "-d", dir.path, "-f", log])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("+  owner /proc/*/cmdline r,\n"), r.stdout)
        XCTAssertTrue(r.stdout.contains("--- \(dir.path)/bin.ping\n"))
        XCTAssertEqual(try read(dir.appendingPathComponent("bin.ping")), try read(Fixtures.conformance("profiles-apparmor.d/bin.ping")))
        let a = try Fixtures.aaswift(["apply", "--no-reload", plan])
        XCTAssertEqual(a.status, 0, a.stderr)
        XCTAssertTrue(try read(dir.appendingPathComponent("bin.ping")).contains("  owner /proc/*/cmdline r,\n"))
        let again = try Fixtures.aaswift(["apply", "--no-reload", plan])
        XCTAssertNotEqual(again.status, 0, "a plan applies once")
    }

    func testUnknownSyntaxElsewhereDoesNotStopLogprof() throws {
        let dir = try profileCopy()
        let odd = """
        abi <abi/4.0>,
        @{X} = /a
        $B = true
        if $B {
          profile oddball /usr/bin/oddball {
            mqueue r type=posix /q,
            allow priority=5 /tmp/x r,
            io_uring sqpoll label=foo,
          }
        }
        profile half /usr/bin/half {
          this is not a rule
        }

        """
        try odd.write(to: dir.appendingPathComponent("zz.oddball"), atomically: true, encoding: .utf8)
        let r = try Fixtures.aaswift(["logprof", "--allow-all", "--allow-denied", "--no-reload", "-d", dir.path, "-f", fixture.appendingPathComponent("ping.auditlog").path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("Adding owner /proc/*/cmdline r, to profile ping."))
    }

    func testMarkStdinOutputDirAndLocal() throws {
        let dir = try profileCopy()
        let ping = try read(fixture.appendingPathComponent("ping.auditlog"))
        let other = "type=AVC msg=audit(1691930856.284:29962): apparmor=\"DENIED\" operation=\"open\" profile=\"ping\" name=\"/etc/before-mark\" pid=1 comm=\"ping\" requested_mask=\"r\" denied_mask=\"r\" fsuid=0 ouid=0\n"
        let log = other + "kernel: GenProf: MARK-123\n" + ping
        let out = dir.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let r = try Fixtures.aaswift(["logprof", "--allow-all", "--allow-denied", "--no-reload", "-d", dir.path, "-f", "-", "-m", "MARK-123", "-o", out.path],
                                     stdin: Data(log.utf8))
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertFalse(r.stdout.contains("before-mark"), r.stdout)
        XCTAssertTrue(try read(out.appendingPathComponent("bin.ping")).contains("  owner /proc/*/cmdline r,\n"))
        XCTAssertEqual(try read(dir.appendingPathComponent("bin.ping")), try read(Fixtures.conformance("profiles-apparmor.d/bin.ping")))

        let missingMark = try Fixtures.aaswift(["logprof", "--allow-all", "--allow-denied", "--no-reload", "-d", dir.path, "-f", "-", "-m", "NOPE"], stdin: Data(log.utf8))
        XCTAssertNotEqual(missingMark.status, 0)
        XCTAssertTrue(missingMark.stderr.contains("mark 'NOPE' was not found"), missingMark.stderr)

        let local = try Fixtures.aaswift(["logprof", "--allow-all", "--allow-denied", "--no-reload", "--local", "-d", dir.path, "-f", fixture.appendingPathComponent("ping.auditlog").path])
        XCTAssertEqual(local.status, 0, local.stderr)
        XCTAssertEqual(try read(dir.appendingPathComponent("local/bin.ping")).components(separatedBy: "\n").last(where: { !$0.isEmpty }), "owner /proc/*/cmdline r,")
        XCTAssertEqual(try read(dir.appendingPathComponent("bin.ping")), try read(Fixtures.conformance("profiles-apparmor.d/bin.ping")),
                       "the profile already has its include if exists <local/bin.ping>")
    }

    /// Every record of libapparmor's test_multi corpus, retargeted at the ping profile: each
    /// event kind becomes a rule, and the edited profile still parses (logprof checks it before
    /// writing, and `check --syntax-only` agrees).
    func testEveryCorpusRecordKindBecomesAParsableRule() throws {
        let dir = try profileCopy()
        let corpus = Fixtures.files(under: Fixtures.conformance("libapparmor-test_multi"), suffix: ".in")
        XCTAssertGreaterThan(corpus.count, 100)
        let re = try NSRegularExpression(pattern: #"profile=("[^"]*"|[^ ]+)"#)
        var log = ""
        for f in corpus {
            let text = try String(contentsOf: f, encoding: .utf8)
            log += re.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "profile=\"ping\"")
        }
        let r = try Fixtures.aaswift(["logprof", "--allow-all", "--allow-denied", "--allow-denied", "--parser-version", "4.1", "--no-reload", "-d", dir.path, "-f", "-"], stdin: Data(log.utf8))
        XCTAssertEqual(r.status, 0, r.stderr)
        let added = r.stdout.components(separatedBy: "\n").filter { $0.hasPrefix("Adding ") }
        XCTAssertGreaterThan(added.count, 50, r.stdout)
        // (ptrace: the corpus's one ptrace request, `tracedby`, is allowed by abstractions/base's
        // `ptrace (tracedby),`.)
        for kind in ["capability ", "network ", "dbus ", "signal ", "unix ", "mount ", "mqueue ", "userns ", "change_profile "] {
            XCTAssertTrue(added.contains { $0.hasPrefix("Adding " + kind) }, "no \(kind)rule: \(r.stdout)")
        }
        let check = try Fixtures.aaswift(["check", "--syntax-only", dir.appendingPathComponent("bin.ping").path])
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
    }

    func testNoRecordsSaysWhy() throws {
        let dir = try profileCopy()
        let empty = dir.appendingPathComponent("empty.log")
        try "hello\nworld\n".write(to: empty, atomically: true, encoding: .utf8)
        let r = try Fixtures.aaswift(["logprof", "--allow-all", "--allow-denied", "--no-reload", "-d", dir.path, "-f", empty.path])
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(r.stdout.contains("No AppArmor records found"), r.stdout)
        let missing = try Fixtures.aaswift(["logprof", "--allow-all", "-d", dir.path, "-f", dir.appendingPathComponent("nope").path])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("cannot read"), missing.stderr)
    }
}
