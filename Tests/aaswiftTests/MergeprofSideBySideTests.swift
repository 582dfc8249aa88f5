import AASwiftTestSupport
import Foundation
import XCTest

/// `aaswift mergeprof` on a fixture (Tests/aaswiftTests/Fixtures/mergeprof: an installed
/// profile, the same profile as another machine has it, and a scripted JSON dialog that allows,
/// globs, toggles owner and audit, denies, adds a hat and a child, ignores, views and saves):
/// the dialog and the result beside AppArmor 4.1's aa-mergeprof (driven through the same JSON
/// dialog), golden transcripts, --allow-all and --dry-run.
final class MergeprofSideBySideTests: XCTestCase {
    static let fixture = Fixtures.project("Tests/aaswiftTests/Fixtures/mergeprof")

    /// The fixture's folders under `dir`, with the tunables and abi of the conformance tree.
    func layout(at dir: String) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for sub in ["profiles", "other"] {
            try fm.copyItem(atPath: Self.fixture.appendingPathComponent(sub).path, toPath: dir + "/" + sub)
        }
        for sub in ["tunables", "abi"] {
            try fm.copyItem(atPath: Fixtures.conformance("profiles-apparmor.d/" + sub).path, toPath: dir + "/profiles/" + sub)
        }
    }

    func scratch() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aaswift-mergeprof-\(UUID().uuidString)").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        try layout(at: dir)
        return dir
    }

    static var answers: Data { get throws { try Data(contentsOf: fixture.appendingPathComponent("answers")) } }

    /// The dialog lines (upstream prints a blank line before reading each reply), the diff
    /// file's temporary name and the folder left out.
    static func dialog(_ stdout: String, dir: String) -> String {
        stdout.components(separatedBy: "\n").filter { $0.hasPrefix("{") }.map { line in
            var l = line.replacingOccurrences(of: dir, with: "$DIR")
            if let r = l.range(of: #""filename": "[^"]*""#, options: .regularExpression) { l.replaceSubrange(r, with: #""filename": "$DIFF""#) }
            return l
        }.joined(separator: "\n") + "\n"
    }

    /// Each rule of a profile file as `block/block: rule` (blanks collapsed, comments left
    /// out), sorted: the rule set, whatever the layout.
    static func ruleSet(_ path: String) throws -> [String] {
        var blocks: [String] = []
        var out: [String] = []
        for raw in try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\n") {
            var line = raw
            if let hash = line.range(of: "#"), !line.hasPrefix("#include") { line = String(line[..<hash.lowerBound]) }
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
            if words.hasSuffix("{") {
                blocks.append(String(words.dropLast()).trimmingCharacters(in: .whitespaces))
            } else if words == "}" {
                blocks.removeLast()
            } else if words.hasSuffix(",") {
                out.append(blocks.joined(separator: "/") + ": " + words)
            }
        }
        return out.sorted()
    }

    /// The installed file's lines are all in the result, in order: only lines were added.
    func assertLossless(_ before: String, _ after: String, file: StaticString = #filePath, line: UInt = #line) {
        var rest = after.components(separatedBy: "\n")[...]
        for l in before.components(separatedBy: "\n") {
            guard let i = rest.firstIndex(of: l) else { return XCTFail("lost or moved: \(l)", file: file, line: line) }
            rest = rest[(i + 1)...]
        }
    }

    static func golden(_ name: String, _ got: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let url = fixture.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["AASWIFT_UPDATE_GOLDEN"] == "1" { try Data(got.utf8).write(to: url) }
        XCTAssertEqual(got, try String(contentsOf: url, encoding: .utf8), name, file: file, line: line)
    }

    func diff(_ a: String, _ b: String, label: String) throws -> String {
        try Fixtures.run(URL(fileURLWithPath: "/usr/bin/diff"), ["-u", "--label", "a/" + label, "--label", "b/" + label, a, b]).stdout
    }

    /// The scripted dialog: its transcript and the change it makes, as golden files; the
    /// result loads with this machine's apparmor_parser and keeps every installed line.
    func testJSONDialogGolden() throws {
        let dir = try scratch()
        let profile = dir + "/profiles/usr.bin.mp"
        let r = try Fixtures.aaswift(["mergeprof", "--json", "--no-reload", "--configdir", dir + "/no-config", "-d", dir + "/profiles",
                                      dir + "/other/usr.bin.mp"], stdin: try Self.answers)
        XCTAssertEqual(r.status, 0, r.stderr)
        try Self.golden("transcript.golden", Self.dialog(r.stdout, dir: dir))
        try Self.golden("diff.golden", diff(Self.fixture.appendingPathComponent("profiles/usr.bin.mp").path, profile, label: "usr.bin.mp"))
        assertLossless(try String(contentsOf: Self.fixture.appendingPathComponent("profiles/usr.bin.mp"), encoding: .utf8),
                       try String(contentsOfFile: profile, encoding: .utf8))
        if FileManager.default.isExecutableFile(atPath: "/sbin/apparmor_parser") {
            let p = try Fixtures.run(URL(fileURLWithPath: "/sbin/apparmor_parser"), ["-Q", "-K", "-b", dir + "/profiles", profile])
            XCTAssertEqual(p.status, 0, p.stderr)
        }
    }

    /// AppArmor 4.1's aa-mergeprof, driven through its JSON dialog with the same replies
    /// (it has no --json flag: a wrapper sets the mode), asks the same questions with the same
    /// headers, options, menus and defaults, says the same, and ends with the same rule set;
    /// ours keeps the installed file's lines, its comments included.
    func testJSONDialogAndResultMatch41() throws {
        try XCTSkipUnless(TrixieRoot.has("/usr/sbin/aa-mergeprof"), "needs root and \(TrixieRoot.path)")
        let side = try TrixieRoot.makeFolder()
        defer { try? FileManager.default.removeItem(atPath: side.outside) }
        try FileManager.default.removeItem(atPath: side.outside)
        try layout(at: side.outside)
        try """
            import sys
            import apparmor.ui as aaui
            aaui.set_json_mode({'settings': {}})
            sys.argv = ['aa-mergeprof'] + sys.argv[1:]
            exec(compile(open('/usr/sbin/aa-mergeprof').read(), '/usr/sbin/aa-mergeprof', 'exec'))

            """.write(toFile: side.outside + "/mergeprof-json.py", atomically: false, encoding: .utf8)
        // Upstream saves, then fails to reload without /proc in the root: its status says nothing.
        let theirs = try TrixieRoot.run(["python3", side.inside + "/mergeprof-json.py", "-d", side.inside + "/profiles",
                                         side.inside + "/other/usr.bin.mp"], stdin: try Self.answers)
        let dir = try scratch()
        let ours = try Fixtures.aaswift(["mergeprof", "--json", "--no-reload", "--configdir", TrixieRoot.path + "/etc/apparmor",
                                         "-d", dir + "/profiles", dir + "/other/usr.bin.mp"], stdin: try Self.answers)
        XCTAssertEqual(ours.status, 0, ours.stderr)
        let upstreamDialog = Self.dialog(theirs.stdout, dir: side.inside)
        XCTAssertTrue(upstreamDialog.contains("Writing updated profile for /usr/bin/mp."), theirs.stdout + theirs.stderr)
        XCTAssertEqual(Self.dialog(ours.stdout, dir: dir), upstreamDialog)
        XCTAssertEqual(try Self.ruleSet(dir + "/profiles/usr.bin.mp"), try Self.ruleSet(side.outside + "/profiles/usr.bin.mp"))
        let original = try String(contentsOf: Self.fixture.appendingPathComponent("profiles/usr.bin.mp"), encoding: .utf8)
        assertLossless(original, try String(contentsOfFile: dir + "/profiles/usr.bin.mp", encoding: .utf8))
        // Upstream re-prints the file: its comment goes to the top, the layout is its own.
        XCTAssertNotEqual(try String(contentsOfFile: side.outside + "/profiles/usr.bin.mp", encoding: .utf8).components(separatedBy: "\n").prefix(3),
                          original.components(separatedBy: "\n").prefix(3))
    }

    /// --allow-all takes every rule as written (a deny rule too), adds the missing hat and
    /// child with their rules; a second run has nothing to merge. --dry-run prints the same
    /// change as a diff and writes nothing.
    func testAllowAllAndDryRun() throws {
        let dir = try scratch()
        let profile = dir + "/profiles/usr.bin.mp"
        let args = ["-d", dir + "/profiles", dir + "/other/usr.bin.mp"]
        let dry = try Fixtures.aaswift(["mergeprof", "--dry-run"] + args)
        XCTAssertEqual(dry.status, 0, dry.stderr)
        XCTAssertEqual(try String(contentsOfFile: profile, encoding: .utf8),
                       try String(contentsOf: Self.fixture.appendingPathComponent("profiles/usr.bin.mp"), encoding: .utf8))
        let run = try Fixtures.aaswift(["mergeprof", "--allow-all", "--no-reload"] + args)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("Adding deny /etc/shadow r, to profile /usr/bin/mp."), run.stdout)
        XCTAssertTrue(run.stdout.contains("Adding /tmp/mp-newhat r, to profile /usr/bin/mp^newhat."), run.stdout)
        let written = try diff(Self.fixture.appendingPathComponent("profiles/usr.bin.mp").path, profile, label: "usr.bin.mp")
        try Self.golden("allow-all.diff.golden", written)
        XCTAssertEqual(dry.stdout.components(separatedBy: "\n").filter { $0.hasPrefix("+") && !$0.hasPrefix("+++") },
                       written.components(separatedBy: "\n").filter { $0.hasPrefix("+") && !$0.hasPrefix("+++") })
        let again = try Fixtures.aaswift(["mergeprof", "--allow-all", "--no-reload"] + args)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertFalse(again.stdout.contains("Adding "), again.stdout)
        XCTAssertTrue(again.stderr.contains("Nothing to merge."), again.stderr)
    }

    /// (F)inish ends the profile's questions; (I)gnore at the save prompt drops its changes:
    /// nothing is written. A bad reply ends the run (exit 1) naming mergeprof.
    func testFinishThenIgnoreWritesNothing() throws {
        let dir = try scratch()
        let profile = dir + "/profiles/usr.bin.mp"
        let before = try String(contentsOfFile: profile, encoding: .utf8)
        let replies = [#"{"dialog":"promptuser","response_key":"a","selected":0}"#, #"{"dialog":"promptuser","response_key":"f","selected":0}"#,
                       #"{"dialog":"promptuser","response_key":"i","selected":0}"#].joined(separator: "\n") + "\n"
        let r = try Fixtures.aaswift(["mergeprof", "--json", "--no-reload", "-d", dir + "/profiles", dir + "/other/usr.bin.mp"],
                                     stdin: Data(replies.utf8))
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout.components(separatedBy: "\n").filter { $0.contains("\"promptuser\"") }.count, 3, r.stdout)
        XCTAssertTrue(r.stdout.contains(#""menu_items": ["(S)ave Changes","[(V)iew Changes]","Abo(r)t","(I)gnore"]"#), r.stdout)
        XCTAssertEqual(try String(contentsOfFile: profile, encoding: .utf8), before)
        let bad = try Fixtures.aaswift(["mergeprof", "--json", "--no-reload", "-d", dir + "/profiles", dir + "/other/usr.bin.mp"],
                                       stdin: Data("{\"dialog\":\"yesno\"}\n".utf8))
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.contains("aaswift mergeprof: expected response promptuser"), bad.stderr)
        XCTAssertEqual(try String(contentsOfFile: profile, encoding: .utf8), before)
    }
}
