import AASwiftTestSupport
import Foundation
import XCTest

/// The binary against hostile or careless input: tampered plans, easyprof fields with line
/// breaks, two logprof runs at once, and runs killed at random moments.
final class HostileInputCLITests: XCTestCase {
    func tempDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aaswift-hostile-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("profiles"), withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    static func record(_ profile: String, _ path: String, _ n: Int) -> String {
        "type=AVC msg=audit(1700000000.\(n % 1000):\(n)): apparmor=\"ALLOWED\" operation=\"open\" profile=\"\(profile)\" name=\"\(path)\" pid=1 comm=\"x\" requested_mask=\"r\" denied_mask=\"r\" fsuid=0 ouid=1\n"
    }

    /// `count` complain-mode profiles /usr/bin/pN in files usr.bin.pN.
    static func makeProfiles(_ dir: URL, count: Int) throws {
        for i in 0..<count {
            let text = "# profile \(i)\n/usr/bin/p\(i) {\n  /etc/ld.so.cache r,\n}\n"
            try Data(text.utf8).write(to: dir.appendingPathComponent("usr.bin.p\(i)"))
        }
    }

    func contents(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }

    // MARK: crafted records

    static let crafted = [
        #"operation="change_profile" profile="/usr/bin/inj" name="x" name2="*" pid=1 comm="inj""#,
        #"operation="signal" profile="/usr/bin/inj" pid=1 comm="inj" requested_mask="send" denied_mask="send" signal=kill peer="/usr/bin/inj//null-/tmp/x*""#,
        #"operation="ptrace" profile="/usr/bin/inj" pid=1 comm="inj" requested_mask="read" denied_mask="read" peer="/usr/bin/inj//null-/tmp/{,**}""#,
        #"operation="connect" class="net" profile="/usr/bin/inj" pid=1 comm="inj" family="unix" sock_type="stream" protocol=0 requested_mask="connect" denied_mask="connect" addr=none peer_addr="@*""#,
        #"operation="capable" profile="/usr/bin/inj" pid=1 comm="inj" capability=12 capname="a*""#,
        #"operation="create" profile="/usr/bin/inj" pid=1 comm="inj" family="a,b" sock_type="a,b" protocol=0 requested_mask="create" denied_mask="create""#,
        #"operation="open" profile="/usr/bin/inj" name="/a!b}),x" pid=1 comm="inj" requested_mask="r" denied_mask="r" fsuid=0 ouid=0"#,
        #"operation="open" profile="/usr/bin/inj" name="@{HOME}/inj" pid=1 comm="inj" requested_mask="r" denied_mask="r" fsuid=0 ouid=0"#,
        #"operation="open" profile="/usr/bin/inj" name="rw:x" pid=1 comm="inj" requested_mask="r" denied_mask="r" fsuid=0 ouid=0"#,
        #"operation="open" profile=2F7573722F62696E2F696E6A2F2F6120622223 name="/etc/x" pid=1 comm="inj" requested_mask="r" denied_mask="r" fsuid=0 ouid=0"#,
    ]

    static func craftedLog(_ mode: String) -> String {
        crafted.enumerated().map { "type=AVC msg=audit(1700000000.\($0.offset):\($0.offset + 1)): apparmor=\"\(mode)\" " + $0.element + "\n" }.joined()
    }

    /// Both parsers load what decode-log and logprof write from crafted records, the unusable
    /// records are reported, and no rule is a glob.
    func testCraftedRecordsGiveLiteralRulesThatLoad() throws {
        let dir = try tempDir()
        let log = dir.appendingPathComponent("crafted.log")
        try Data(Self.craftedLog("ALLOWED").utf8).write(to: log)
        let d = try Fixtures.aaswift(["decode-log", "--format", "profile", log.path])
        XCTAssertEqual(d.status, 0, d.stderr)
        XCTAssertEqual(d.stderr.components(separatedBy: "skipped a record").count - 1, 4, d.stderr)
        for rule in ["change_profile -> \"\\*\",", "signal send set=kill peer=\"/usr/bin/inj//null-/tmp/x\\*\",",
                     "ptrace read peer=\"/usr/bin/inj//null-/tmp/\\{,\\*\\*\\}\",", "unix (connect) type=stream peer=(addr=\"@\\*\"),",
                     "owner \"/a!b\\}),x\" r,", "^\"a b\\\"#\" {"] {
            XCTAssertTrue(d.stdout.contains(rule), "\(rule) not in\n\(d.stdout)")
        }
        let out = dir.appendingPathComponent("decoded.profile")
        try Data(d.stdout.utf8).write(to: out)
        for parser in [Fixtures.localParser, Fixtures.trixieParser].compactMap({ $0 }) {
            let r = try Fixtures.run(parser, ["-Q", "-K", out.path])
            XCTAssertEqual(r.status, 0, "\(parser.path): \(r.stderr)")
        }
        // logprof --allow-all on the same records: the good rules are written, the others skipped.
        let profiles = dir.appendingPathComponent("profiles")
        let file = profiles.appendingPathComponent("usr.bin.inj")
        try Data("/usr/bin/inj {\n  /etc/ld.so.cache r,\n}\n".utf8).write(to: file)
        let l = try Fixtures.aaswift(["logprof", "--allow-all", "--no-reload", "-d", profiles.path, "-f", log.path])
        XCTAssertEqual(l.status, 0, l.stderr)
        XCTAssertEqual(l.stderr.components(separatedBy: "skipped a request").count - 1, 4, l.stderr)
        let text = try contents(file)
        XCTAssertTrue(text.contains("change_profile -> \"\\*\","), text)
        XCTAssertFalse(text.contains("-> *,") || text.contains("x*,") || text.contains("{,**}"), text)
        for parser in [Fixtures.localParser, Fixtures.trixieParser].compactMap({ $0 }) {
            let r = try Fixtures.run(parser, ["-Q", "-K", file.path])
            XCTAssertEqual(r.status, 0, "\(parser.path): \(r.stderr)")
        }
    }

    // MARK: plans

    func testTamperedPlansAreRefusedAndNothingIsWritten() throws {
        let dir = try tempDir()
        let profiles = dir.appendingPathComponent("profiles")
        try Self.makeProfiles(profiles, count: 1)
        let file = profiles.appendingPathComponent("usr.bin.p0")
        let log = dir.appendingPathComponent("log")
        try Data((Self.record("/usr/bin/p0", "/srv/a", 1) + Self.record("/usr/bin/p0", "/srv/b", 2)).utf8).write(to: log)
        let planURL = dir.appendingPathComponent("plan.json")
        let r = try Fixtures.aaswift(["logprof", "--allow-all", "--no-reload", "--plan-out", planURL.path, "-d", profiles.path, "-f", log.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let good = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: planURL)) as? [String: Any])
        let original = try contents(file)

        func tampered(_ name: String, _ change: (inout [String: Any], inout [String: Any]) -> Void) throws {
            var plan = good
            var first = (plan["changes"] as! [[String: Any]])[0]
            change(&plan, &first)
            var changes = plan["changes"] as! [[String: Any]]
            changes[0] = first
            plan["changes"] = changes
            let url = dir.appendingPathComponent("tampered.json")
            try JSONSerialization.data(withJSONObject: plan).write(to: url)
            let a = try Fixtures.aaswift(["apply", "--no-reload", url.path])
            XCTAssertEqual(a.status, 1, "\(name): \(a.stdout)")
            XCTAssertTrue(a.stderr.contains("refusing the plan") || a.stderr.contains("stale"), "\(name): \(a.stderr)")
            XCTAssertEqual(try contents(file), original, name)
        }
        try tampered("newline text") { _, c in c["text"] = "/srv/a r,\n  capability sys_admin,\n  /** rwk," }
        try tampered("new profile") { _, c in c["text"] = "/srv/a r, }\nprofile evil /** { /** rwk," }
        try tampered("new profile on one line") { _, c in c["text"] = "/srv/a r, } profile evil /** { /** rwk," }
        try tampered("family mismatch") { _, c in c["text"] = "capability sys_admin,"; c["family"] = "file" }
        try tampered("unknown family") { _, c in c["family"] = "evil" }
        try tampered("unknown version") { p, _ in p["version"] = 7 }
        try tampered("version 1") { p, _ in p["version"] = 1 }
        try tampered("include /etc/shadow") { _, c in c["kind"] = "include"; c["family"] = "include"; c["text"] = "/etc/shadow" }
        try tampered("include escaping") { _, c in c["kind"] = "include"; c["family"] = "include"; c["text"] = "../../../../etc/shadow" }
        try tampered("file outside") { p, c in
            c["file"] = dir.appendingPathComponent("outside").path
            var files = p["files"] as! [String: String]
            files[dir.appendingPathComponent("outside").path] = "absent"
            p["files"] = files
        }
        try tampered("dot-dot file") { _, c in c["file"] = profiles.path + "/../outside" }
        try tampered("relative file") { _, c in c["file"] = "usr.bin.p0" }
        try tampered("no digests") { p, _ in p["files"] = nil }
        // A plan made before the profile was edited is stale.
        try Data((original + "# edited\n").utf8).write(to: file)
        let stale = try Fixtures.aaswift(["apply", "--no-reload", planURL.path])
        XCTAssertEqual(stale.status, 1)
        XCTAssertTrue(stale.stderr.contains("changed since the plan was made"), stale.stderr)
        XCTAssertEqual(try contents(file), original + "# edited\n")
        // The untouched plan applies on the bytes it was made from.
        try Data(original.utf8).write(to: file)
        let ok = try Fixtures.aaswift(["apply", "--no-reload", planURL.path])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertTrue(try contents(file).contains("  /srv/a r,\n"))
    }

    // MARK: easyprof

    func testEasyprofRefusesControlCharactersInEveryField() throws {
        let dir = try tempDir()
        let cases: [[String]] = [
            ["--copyright", "c\nabi <abi/3.0>,"],
            ["-r", "/srv/a r,\n  /etc/shadow rwk,\n  capability sys_admin,\n  /srv/b"],
            ["-w", "/srv/a\t/x"],
            ["--author", "a\rb"],
            ["--comment", "x\n/** rwk,"],
            ["--template-var", "@{X}=/a\n/b"],
            ["-n", "name\nx"],
        ]
        for args in cases {
            let r = try Fixtures.aaswift(["easyprof"] + args + ["/usr/bin/true"])
            XCTAssertEqual(r.status, 1, "\(args): \(r.stdout)")
            XCTAssertTrue(r.stderr.contains("control character"), "\(args): \(r.stderr)")
            XCTAssertFalse(r.stdout.contains("/etc/shadow"))
        }
        let manifest = dir.appendingPathComponent("m.json")
        let json = #"{"security": {"profiles": {"x": {"binary": "/usr/bin/x", "template": "default", "read_path": ["/srv/a r,\n  /etc/shadow rwk,\n  capability sys_admin,\n  /srv/b"]}}}}"#
        try Data(json.utf8).write(to: manifest)
        let m = try Fixtures.aaswift(["easyprof", "-m", manifest.path])
        XCTAssertEqual(m.status, 1, m.stdout)
        XCTAssertTrue(m.stderr.contains("control character"), m.stderr)
        XCTAssertFalse(m.stdout.contains("/etc/shadow rwk"))
    }

    // MARK: concurrency

    /// Two logprof runs at once on one folder, 300 rules each to the same profile: every rule
    /// of both is in the file afterwards (the folder lock serialises them; the second edits the
    /// bytes the first wrote).
    func testTwoConcurrentLogprofRunsLoseNoRule() throws {
        let dir = try tempDir()
        let profiles = dir.appendingPathComponent("profiles")
        try Self.makeProfiles(profiles, count: 1)
        var logs: [URL] = []
        for run in 0..<2 {
            var text = ""
            for i in 0..<300 { text += Self.record("/usr/bin/p0", "/srv/run\(run)/f\(i)", run * 1000 + i) }
            let url = dir.appendingPathComponent("log\(run)")
            try Data(text.utf8).write(to: url)
            logs.append(url)
        }
        let procs = try logs.map { log -> Process in
            let p = Process()
            p.executableURL = Fixtures.aaswiftBinary
            p.arguments = ["logprof", "--allow-all", "--no-abstraction", "--no-reload", "-d", profiles.path, "-f", log.path]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            return p
        }
        for p in procs { p.waitUntilExit() }
        XCTAssertEqual(procs.map(\.terminationStatus), [0, 0])
        let text = try contents(profiles.appendingPathComponent("usr.bin.p0"))
        var missing = 0
        for run in 0..<2 { for i in 0..<300 where !text.contains("/srv/run\(run)/f\(i) r,") { missing += 1 } }
        XCTAssertEqual(missing, 0, "rules lost")
    }

    // MARK: interrupted writes

    /// Kills `complain` and `logprof --allow-all` with SIGKILL at random moments over a folder of
    /// 300 profiles: every profile is afterwards its old bytes or its new bytes, and no
    /// temporary file stays that the parser would read (ours start with a dot; the next run
    /// removes them).
    func testSIGKILLLeavesEveryProfileOldOrNew() throws {
        let dir = try tempDir()
        let profiles = dir.appendingPathComponent("profiles")
        let count = 300
        try Self.makeProfiles(profiles, count: count)
        var logText = ""
        for i in 0..<count { logText += Self.record("/usr/bin/p\(i)", "/srv/k\(i)", i) }
        let log = dir.appendingPathComponent("log")
        try Data(logText.utf8).write(to: log)
        let names = (0..<count).map { "usr.bin.p\($0)" }
        func snapshot() throws -> [String: String] {
            Dictionary(uniqueKeysWithValues: try names.map { ($0, try contents(profiles.appendingPathComponent($0))) })
        }
        let original = try snapshot()
        let targets = names.map { profiles.appendingPathComponent($0).path }
        let commands: [[String]] = [
            ["complain", "--no-reload", "-d", profiles.path] + targets,
            ["logprof", "--allow-all", "--no-abstraction", "--no-reload", "-d", profiles.path, "-f", log.path],
        ]
        // The new bytes of each file: what an uninterrupted run of each command writes, on a copy.
        let reference = dir.appendingPathComponent("reference")
        try FileManager.default.copyItem(at: profiles, to: reference)
        var allowed: [String: Set<String>] = original.mapValues { [$0] }
        for cmd in commands {
            let args = cmd.map { $0.replacingOccurrences(of: profiles.path, with: reference.path) }
            let r = try Fixtures.aaswift(args)
            XCTAssertEqual(r.status, 0, r.stderr)
            for n in names { allowed[n]!.insert(try contents(reference.appendingPathComponent(n))) }
        }
        // complain then logprof, and logprof then complain, give the same bytes only if the
        // edits commute; both orders are allowed states.
        try FileManager.default.removeItem(at: reference)
        try FileManager.default.copyItem(at: profiles, to: reference)
        for cmd in commands.reversed() {
            _ = try Fixtures.aaswift(cmd.map { $0.replacingOccurrences(of: profiles.path, with: reference.path) })
            for n in names { allowed[n]!.insert(try contents(reference.appendingPathComponent(n))) }
        }
        var rng = SplitMix(state: 0x21A)
        var killed = 0
        for round in 0..<16 {
            let p = Process()
            p.executableURL = Fixtures.aaswiftBinary
            p.arguments = commands[round % 2]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            usleep(UInt32.random(in: 2_000...600_000, using: &rng))
            if p.isRunning { kill(p.processIdentifier, SIGKILL); killed += 1 }
            p.waitUntilExit()
            for n in names {
                let now = try contents(profiles.appendingPathComponent(n))
                XCTAssertTrue(allowed[n]!.contains(now), "round \(round): \(n) is neither old nor new:\n\(now)")
            }
            let extra = try FileManager.default.contentsOfDirectory(atPath: profiles.path).filter { !$0.hasPrefix(".") && !names.contains($0) }
            XCTAssertEqual(extra, [], "files the parser would read")
        }
        let changed = try names.filter { try contents(profiles.appendingPathComponent($0)) != original[$0] }.count
        print("SIGKILL rounds: 16, killed while running: \(killed), profiles changed: \(changed) of \(count)")
        // A complete run afterwards leaves no temporary file of ours.
        let last = try Fixtures.aaswift(commands[0])
        XCTAssertEqual(last.status, 0, last.stderr)
        let temps = try FileManager.default.contentsOfDirectory(atPath: profiles.path).filter { $0.contains(".aaswift-") }
        XCTAssertEqual(temps, [])
    }
}
