import AASwiftTestSupport
import XCTest

/// End-to-end runs of `aaswift complain|enforce|audit|disable` on copies of the trees.
final class ModesCommandTests: XCTestCase {
    func tempCopy(of source: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aaswift-modes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let copy = dir.appendingPathComponent("apparmor.d").path
        try FileManager.default.copyItem(atPath: source, toPath: copy)
        return copy
    }

    /// A folder holding only a copy of cleanprof_test.in.
    func cleanprofFolder() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aaswift-modes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(atPath: Fixtures.conformance("utils-test/cleanprof_test.in").path,
                                         toPath: dir.appendingPathComponent("cleanprof_test.in").path)
        return dir.path
    }

    /// Every Debian profile file set to complain mode still compiles (apparmor_parser -Q -K).
    /// Profiles in `unconfined` mode (Debian 13 has dozens, there only to grant userns) are
    /// left as they are and said so: complain would log every access of a program that is
    /// meant to run free (`--force` changes them).
    func testDebianComplainResultsCompile() throws {
        let parser = "/sbin/apparmor_parser"
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: parser) && FileManager.default.fileExists(atPath: "/etc/apparmor.d"))
        let copy = try tempCopy(of: "/etc/apparmor.d")
        let files = ModesCorpusTests.topLevelFiles(copy)
        let run = try Fixtures.aaswift(["complain", "--no-reload", "-d", copy] + files)
        XCTAssertEqual(run.status, 0, run.stderr)
        var passed = 0
        for file in files {
            let check = try Fixtures.run(URL(fileURLWithPath: parser), ["-Q", "-K", "-I", copy, "--base", copy, file])
            XCTAssertEqual(check.status, 0, "\(file): \(check.stderr)")
            let text = try String(contentsOfFile: file, encoding: .utf8)
            if text.contains("flags=(unconfined)") && !text.contains("complain") {
                XCTAssertTrue(run.stdout.contains("is unconfined, skipping"), "\(file): skipped without a word")
            } else {
                XCTAssertTrue(text.contains("complain"), file)
            }
            if check.status == 0 { passed += 1 }
        }
        print("apparmor_parser -Q -K accepted \(passed) of \(files.count) complain results of /etc/apparmor.d")
    }

    /// cleanprof_test.in: exactly the profile, its hats ^foo and `hat bar`, its child
    /// test_child and the external child `...//child` get complain; nothing else changes.
    func testCleanprofProfileAndAllItsChildren() throws {
        let dir = try cleanprofFolder()
        let file = dir + "/cleanprof_test.in"
        let original = try String(contentsOfFile: file, encoding: .utf8).components(separatedBy: "\n")
        let run = try Fixtures.aaswift(["complain", "--no-reload", "-d", dir, "/usr/bin/a/simple/cleanprof/test/profile"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stdout, "Setting /usr/bin/a/simple/cleanprof/test/profile to complain mode.\n")
        let result = try String(contentsOfFile: file, encoding: .utf8).components(separatedBy: "\n")
        XCTAssertEqual(original.count, result.count)
        var changed: [String] = []
        for (a, b) in zip(original, result) where a != b { changed.append(b) }
        XCTAssertEqual(changed, [
            "/usr/bin/a/simple/cleanprof/test/profile flags=(complain) {",
            "    profile test_child /foobar flags=(complain) {",
            "    ^foo flags=(complain) {",
            "    hat bar flags=(complain) {",
            "/usr/bin/a/simple/cleanprof/test/profile//child flags=(complain) {",
        ])
        // And enforce gives the original back.
        let back = try Fixtures.aaswift(["enforce", "--no-reload", "-d", dir, "/usr/bin/a/simple/cleanprof/test/profile"])
        XCTAssertEqual(back.status, 0, back.stderr)
        XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8).components(separatedBy: "\n"), original)
    }

    func testDryRunPrintsTheDiffAndWritesNothing() throws {
        let dir = try cleanprofFolder()
        let file = dir + "/cleanprof_test.in"
        let before = try Data(contentsOf: URL(fileURLWithPath: file))
        let run = try Fixtures.aaswift(["audit", "--dry-run", "-d", dir, file])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.hasPrefix("--- \(file)\n+++ \(file)\n@@ "), run.stdout)
        XCTAssertTrue(run.stdout.contains("\n+/usr/bin/other/cleanprof/test/profile flags=(audit) {\n"), run.stdout)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: file)), before)
    }

    func testReloadWithoutAppArmorFailsPlainly() throws {
        try XCTSkipIf(FileManager.default.fileExists(atPath: "/sys/kernel/security/apparmor/profiles"), "AppArmor is enabled here")
        let dir = try cleanprofFolder()
        let file = dir + "/cleanprof_test.in"
        let before = try Data(contentsOf: URL(fileURLWithPath: file))
        let run = try Fixtures.aaswift(["complain", "-d", dir, file])
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.contains("AppArmor is not enabled"), run.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: file)), before)
    }

    func testExplicitTargetOptions() throws {
        let dir = try cleanprofFolder()
        let run = try Fixtures.aaswift(["complain", "--dry-run", "-d", dir, "--profile", "uniquename",
                                        "--executable-file", "/usr/bin/other/cleanprof/test/profile"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let added = run.stdout.split(separator: "\n").filter { $0.hasPrefix("+") && !$0.hasPrefix("+++") }
        XCTAssertEqual(added, ["+profile uniquename /attach flags=(complain) {", "+/usr/bin/other/cleanprof/test/profile flags=(complain) {"])
        let missing = try Fixtures.aaswift(["complain", "--dry-run", "-d", dir, "--profile", "test_child"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("Profile for test_child not found"), missing.stderr)
    }

    func testUnknownProgramFails() throws {
        let dir = try cleanprofFolder()
        let run = try Fixtures.aaswift(["enforce", "--no-reload", "-d", dir, "no-such-program-anywhere"])
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.contains("Can't find no-such-program-anywhere"), run.stderr)
    }
}
