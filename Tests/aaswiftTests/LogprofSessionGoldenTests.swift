import AASwiftTestSupport
import Foundation
import XCTest

/// Scripted `--json` sessions of `aaswift logprof` on a small profile folder with hats
/// (Fixtures/logprof-sessions): the whole dialog and the diff of the profile folder are
/// compared with golden files, and the saved profile must load on the installed
/// apparmor_parser (3.0.8 on Debian 12) and, when its root is there, AppArmor 4.1's.
/// `AASWIFT_UPDATE_GOLDEN=1` rewrites the golden files instead of comparing.
final class LogprofSessionGoldenTests: XCTestCase {
    let fixtures = Fixtures.project("Tests/aaswiftTests/Fixtures/logprof-sessions")

    struct Session {
        var status: Int32
        var transcript: String
        var stderr: String
        var diff: String
        var dir: URL
    }

    /// Copies the fixture folder (then `patch` edits the copy), runs logprof with `answers` on
    /// standard input, and returns the dialog and the folder's diff, with the temporary paths
    /// replaced by `@DIR@` and `@LOG@`.
    func run(_ log: String, answers: String, arguments: [String] = [], patch: (URL) throws -> Void = { _ in }) throws -> Session {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aaswift-session-\(UUID().uuidString)")
        let before = dir.appendingPathComponent("before"), after = dir.appendingPathComponent("profiles")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(at: fixtures.appendingPathComponent("profiles"), to: after)
        try patch(after)
        try FileManager.default.copyItem(at: after, to: before)
        let logPath = fixtures.appendingPathComponent(log).path
        let input = try String(contentsOf: fixtures.appendingPathComponent(answers), encoding: .utf8)
        let r = try Fixtures.aaswift(["logprof", "--json", "--no-reload", "-d", after.path, "-f", logPath] + arguments, stdin: Data(input.utf8))
        func clean(_ s: String) -> String {
            s.replacingOccurrences(of: after.path, with: "@DIR@").replacingOccurrences(of: logPath, with: "@LOG@")
                .replacingOccurrences(of: NSTemporaryDirectory(), with: "@TMP@/")
        }
        return Session(status: r.status, transcript: clean(r.stdout), stderr: clean(r.stderr), diff: try folderDiff(before, after), dir: after)
    }

    /// `diff -u` of every file that differs between two folders, `a/` and `b/` labels.
    func folderDiff(_ a: URL, _ b: URL) throws -> String {
        func relative(_ root: URL) -> Set<String> {
            Set(Fixtures.files(under: root).map { String($0.path.dropFirst(root.path.count + 1)) })
        }
        var out = ""
        for name in relative(a).union(relative(b)).sorted() {
            let old = a.appendingPathComponent(name), new = b.appendingPathComponent(name)
            let oldPath = FileManager.default.fileExists(atPath: old.path) ? old.path : "/dev/null"
            let newPath = FileManager.default.fileExists(atPath: new.path) ? new.path : "/dev/null"
            let r = try Fixtures.run(URL(fileURLWithPath: "/usr/bin/diff"), ["-u", "--label", "a/" + name, "--label", "b/" + name, oldPath, newPath])
            out += r.stdout
        }
        return out
    }

    func assertGolden(_ text: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let url = fixtures.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["AASWIFT_UPDATE_GOLDEN"] == "1" {
            try text.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let golden = try String(contentsOf: url, encoding: .utf8)
        XCTAssertEqual(text, golden, "differs from \(name) (AASWIFT_UPDATE_GOLDEN=1 rewrites it)", file: file, line: line)
    }

    /// The saved profile loads on the parsers at hand.
    func assertLoads(_ s: Session, file: StaticString = #filePath, line: UInt = #line) throws {
        let profile = s.dir.appendingPathComponent("usr.bin.hatapp").path
        for parser in ["/sbin/apparmor_parser", "/usr/sbin/apparmor_parser"] where FileManager.default.isExecutableFile(atPath: parser) {
            let r = try Fixtures.run(URL(fileURLWithPath: parser), ["-Q", "-K", "-I", s.dir.path, profile])
            XCTAssertEqual(r.status, 0, "apparmor_parser: " + r.stderr, file: file, line: line)
            break
        }
        if let trixie = Fixtures.trixieParser {
            let r = try Fixtures.run(trixie, ["-Q", "-K", "-I", s.dir.path, profile])
            XCTAssertEqual(r.status, 0, "apparmor_parser 4.1: " + r.stderr, file: file, line: line)
        } else if Fixtures.isCI {
            XCTFail("apparmor_parser 4.1 is not available (CI=true)", file: file, line: line)
        }
    }

    /// Rules of a profile with hats: capability, signal and exec rules stay in the profile's
    /// rule section with their kind, file rules in path order, the hat's rules inside the hat,
    /// and the new hat after the last hat, with the parent's complain flag.
    func testPlacementInsideTheHat() throws {
        let s = try run("hats.log", answers: "hats.answers")
        XCTAssertEqual(s.status, 0, s.stderr)
        try assertGolden(s.transcript, "hats.transcript")
        try assertGolden(s.diff, "hats.diff")
        try assertLoads(s)
    }

    /// `--local` with a hat that includes a local file of its own: the hat's rules go to it,
    /// the profile's to `local/usr.bin.hatapp`, the new hat, whole, to its parent's local
    /// file; the profile file itself is not touched.
    func testLocalWithAHat() throws {
        let s = try run("hats.log", answers: "hats.answers", arguments: ["--local"]) { dir in
            let url = dir.appendingPathComponent("usr.bin.hatapp")
            let text = try String(contentsOf: url, encoding: .utf8)
            try text.replacingOccurrences(of: "    /var/lib/hatapp/edit/** rw,\n",
                                          with: "    /var/lib/hatapp/edit/** rw,\n\n    include if exists <local/usr.bin.hatapp.EDIT>\n")
                .write(to: url, atomically: true, encoding: .utf8)
        }
        XCTAssertEqual(s.status, 0, s.stderr)
        try assertGolden(s.transcript, "local-hat.transcript")
        try assertGolden(s.diff, "local-hat.diff")
        XCTAssertFalse(s.diff.contains("b/usr.bin.hatapp\n"), "the profile file is not edited")
        try assertLoads(s)
    }

    /// `--local` with a hat that includes no local file: the rule would land in the parent,
    /// so nothing is written and the message says why.
    func testLocalRefusesAHatWithoutItsOwnLocalFile() throws {
        let s = try run("hats.log", answers: "hats.answers", arguments: ["--local"])
        XCTAssertEqual(s.status, 1)
        XCTAssertTrue(s.stderr.contains("--local: '/usr/bin/hatapp//EDIT' in @DIR@/usr.bin.hatapp includes no local file of its own"), s.stderr)
        XCTAssertEqual(s.diff, "")
    }
}
