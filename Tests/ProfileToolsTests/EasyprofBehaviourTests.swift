import AASwiftTestSupport
import Foundation
import XCTest

/// End-to-end runs of `aaswift easyprof` with the built-in templates: verification by
/// apparmor_parser, relative binaries, and clear errors that leave nothing behind.
final class EasyprofBehaviourTests: XCTestCase {
    var tmp: URL!

    override func setUpWithError() throws {
        tmp = FileManager.default.temporaryDirectory.appendingPathComponent("easyprof-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        // A program to profile: a copy of an executable, as ./app.
        try FileManager.default.copyItem(atPath: "/bin/true", toPath: tmp.appendingPathComponent("app").path)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: tmp)
    }

    /// Keeps the tests independent of an installed /usr/share/aaswift/easyprof and of the
    /// system's easyprof.conf.
    let env = Fixtures.builtInEasyprofEnvironment

    func easyprof(_ args: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try Fixtures.aaswift(["easyprof"] + args, cwd: tmp, environment: env)
    }

    static var parser: String? {
        ["/sbin/apparmor_parser", "/usr/sbin/apparmor_parser"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    func testDefaultTemplateLoadsWithApparmorParser() throws {
        guard let parser = Self.parser else { throw XCTSkip("apparmor_parser is not installed") }
        let r = try easyprof(["--no-verify", "./app"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let expectedPath = tmp.appendingPathComponent("app").resolvingSymlinksInPath().path
        XCTAssertTrue(r.stdout.contains("\"\(expectedPath)\" {") || r.stdout.contains("/app\" {"), r.stdout)
        XCTAssertTrue(r.stdout.contains("abi <abi/3.0>,"))
        let file = tmp.appendingPathComponent("profile")
        try r.stdout.write(to: file, atomically: true, encoding: .utf8)
        let check = try Fixtures.run(URL(fileURLWithPath: parser), ["-Q", "-K", file.path])
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
        // And the built-in verification (which runs the same parser) accepts it too.
        let verified = try easyprof(["./app"])
        XCTAssertEqual(verified.status, 0, verified.stderr)
        XCTAssertEqual(verified.stdout, r.stdout)
    }

    func testEveryBuiltInTemplateAndGroupLoads() throws {
        guard let parser = Self.parser else { throw XCTSkip("apparmor_parser is not installed") }
        for t in ["default", "sandbox", "desktop"] {
            let r = try easyprof([
                "--parser", parser, "-t", t, "-p", "networking,opt-application,user-config,user-documents",
                "--template-var", "@{APPNAME}=app", "--read-path", "/srv/app/", "--write-path", "@{HOME}/.app/*",
                "-a", "nameservice", "./app",
            ])
            XCTAssertEqual(r.status, 0, "\(t): \(r.stderr)")
        }
    }

    func testVerificationFailureIsReported() throws {
        guard Self.parser != nil else { throw XCTSkip("apparmor_parser is not installed") }
        // opt-application uses @{APPNAME}; without --template-var the parser refuses it.
        let r = try easyprof(["-p", "opt-application", "./app"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("APPNAME"), r.stderr)
        XCTAssertTrue(r.stderr.contains("Invalid policy"), r.stderr)
        XCTAssertEqual(r.stdout, "")
        // A failing --parser is a failure too; --no-verify skips it.
        XCTAssertEqual(try easyprof(["--parser", "/bin/false", "./app"]).status, 1)
        XCTAssertEqual(try easyprof(["--parser", "/bin/false", "--no-verify", "./app"]).status, 0)
    }

    func testBadInputsFailClearlyAndWriteNothing() throws {
        let out = tmp.appendingPathComponent("out")
        let cases: [([String], String)] = [
            (["./missing"], "does not exist"),
            (["./link"], "through a symlink"),
            (["--profile-name=-bad", "./app"], "Invalid profile name"),
            (["--profile-name", "a b", "./app"], "Invalid profile name"),
            (["--read-path", "relative/path", "./app"], "relative"),
            (["--write-path", "/tmp/../etc/shadow", "./app"], "'..'"),
            (["--read-path", "/srv/\"x", "./app"], "double quote"),
            (["-t", "nosuchtemplate", "./app"], "does not exist"),
            (["-t", "../x", "./app"], "Invalid template"),
            (["-p", "nosuchgroup", "./app"], "does not exist"),
            (["-p", "a/b", "./app"], "Invalid policy group"),
            (["-a", "../../etc/passwd", "./app"], "Invalid abstraction"),
            (["-a", "nosuchabstraction", "./app"], "does not exist"),
            (["--template-var", "APPNAME=x", "./app"], "Invalid variable"),
            (["--template-var", "@{X}=a/../b", "./app"], "Invalid variable"),
            (["-m", "/nonexistent/manifest.json"], "Could not read"),
            (["-m", "unreadable.json"], "Could not read"),
            (["-m", "broken.json"], "Could not parse manifest"),
            (["--policy-version", "1.0", "./app"], "both policy version and vendor"),
            (["--show-policy-group"], "-p"),
            (["--output-format", "yaml", "./app"], "text"),
            (["--templates-dir", "/nonexistent", "./app"], "does not exist"),
        ]
        let unreadable = tmp.appendingPathComponent("unreadable.json")
        try "{}".write(to: unreadable, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0], ofItemAtPath: unreadable.path)
        try "{\"security\": ".write(to: tmp.appendingPathComponent("broken.json"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: tmp.appendingPathComponent("link").path, withDestinationPath: "app")
        let runningAsRoot = getuid() == 0
        for (args, needle) in cases {
            if runningAsRoot && args.contains("unreadable.json") { continue }
            let r = try easyprof(["--no-verify", "--output-directory", out.path] + args)
            XCTAssertNotEqual(r.status, 0, "\(args) should fail")
            XCTAssertTrue(r.stderr.contains(needle), "\(args): expected '\(needle)' in: \(r.stderr)")
            XCTAssertEqual(r.stdout, "", "\(args)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "\(args) wrote \(out.path)")
        }
    }

    func testRelativeBinaryBecomesAbsoluteAndOutputDirectoryNeverOverwrites() throws {
        let out = tmp.appendingPathComponent("out")
        let r = try easyprof(["--no-verify", "--output-directory", "out", "./app"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let files = try FileManager.default.contentsOfDirectory(atPath: out.path)
        XCTAssertEqual(files.count, 1)
        XCTAssertTrue(files[0].hasSuffix(".app"), files[0])
        let text = try String(contentsOf: out.appendingPathComponent(files[0]), encoding: .utf8)
        XCTAssertTrue(text.contains("\(tmp.path)/app\" {") || text.contains("/app\" {"), text)
        XCTAssertFalse(text.contains("\"./app\""))
        let again = try easyprof(["--no-verify", "--output-directory", "out", "./app"])
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stderr.contains("already exists"))
    }

    /// As aa-easyprof: an absolute program that is not installed yet gets its profile, with a
    /// warning on standard error (a relative one must exist: see the bad inputs above).
    func testAbsoluteProgramNotInstalledIsAWarning() throws {
        let r = try easyprof(["--no-verify", "/usr/bin/aaswift-not-installed-yet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("\"/usr/bin/aaswift-not-installed-yet\" {"), r.stdout)
        XCTAssertTrue(r.stderr.contains("warning: '/usr/bin/aaswift-not-installed-yet' does not exist"), r.stderr)
    }

    func testDryRunShowsTheFilesAndWritesNothing() throws {
        let out = tmp.appendingPathComponent("out")
        let r = try easyprof(["--no-verify", "--dry-run", "--output-directory", out.path, "./app"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let target = out.path + "/" + String(tmp.path.dropFirst()).replacingOccurrences(of: "/", with: ".") + ".app"
        XCTAssertTrue(r.stdout.hasPrefix("--- /dev/null\n+++ \(target)\n@@ -0,0 +1,"), r.stdout)
        XCTAssertTrue(r.stdout.contains("\n+  #include <abstractions/base>\n") || r.stdout.contains("\n+  include <abstractions/base>\n"), r.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
        // The real run writes exactly the text the diff showed.
        XCTAssertEqual(try easyprof(["--no-verify", "--output-directory", out.path, "./app"]).status, 0)
        let written = try String(contentsOfFile: target, encoding: .utf8)
        let added = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropFirst(3)
            .filter { $0.hasPrefix("+") }.map { $0.dropFirst() }.joined(separator: "\n")
        XCTAssertEqual(added + "\n", written)
    }

    func testBuiltInListingAndJSON() throws {
        let t = try easyprof(["--list-templates"])
        XCTAssertEqual(t.stdout, "default\ndesktop\nsandbox\n")
        let g = try easyprof(["--list-policy-groups"])
        XCTAssertEqual(g.stdout, "networking\nopt-application\nuser-config\nuser-documents\n")
        let j = try easyprof(["--output-format", "json", "-t", "sandbox", "-a", "nameservice", "./app"])
        XCTAssertEqual(j.status, 0, j.stderr)
        let obj = try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [String: Any]
        let profiles = (obj?["security"] as? [String: Any])?["profiles"] as? [String: Any]
        XCTAssertEqual(profiles?.count, 1)
        let entry = profiles?.values.first as? [String: Any]
        XCTAssertEqual(entry?["template"] as? String, "sandbox")
        XCTAssertEqual(entry?["abstractions"] as? [String], ["nameservice"])
    }
}
