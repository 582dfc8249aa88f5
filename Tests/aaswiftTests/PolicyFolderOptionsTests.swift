import AASwiftTestSupport
import Foundation
import XCTest

/// `-I/--Include`, `-b/--base`, `-d/--dir` and profile names, the same for `check`, `lint`,
/// `explain`, `diff` and `fmt` (one declaration, `PolicyFolderOptions`). The policy is split over
/// three folders so that each option is needed: the profile in the profile folder (`-d`), the
/// tunables only in the base (`-b`), the abstraction only in an include folder (`-I`).
final class PolicyFolderOptionsTests: XCTestCase {
    struct Layout {
        let profiles: URL, base: URL, include: URL
        var all: [String] { ["-I", include.path, "-b", base.path, "-d", profiles.path] }
        var noInclude: [String] { ["-b", base.path, "-d", profiles.path] }
    }

    func layout() throws -> Layout {
        let root = try scratchTree("aaswift-folders", [
            "base/tunables/global": "@{HOME}=/home/*/ /root/\n",
            "include/abstractions/extra": "  @{HOME}/.extrarc r,\n",
            // Badly laid out on purpose (for fmt), and W^X on /tmp/x (for lint).
            "profiles/usr.bin.foo": "include <tunables/global>\nprofile foo /usr/bin/foo {\n  include <abstractions/extra>\n    /etc/hosts r,\n  /tmp/x w,\n  /tmp/x m,\n}\n",
        ])
        let l = Layout(profiles: root.appendingPathComponent("profiles"), base: root.appendingPathComponent("base"),
                       include: root.appendingPathComponent("include"))
        return l
    }

    func testCheck() throws {
        let l = try layout()
        // By profile name, by program, by file.
        for target in ["foo", "/usr/bin/foo", l.profiles.appendingPathComponent("usr.bin.foo").path] {
            let r = try Fixtures.aaswift(["check"] + l.all + [target])
            XCTAssertEqual(r.status, 0, "\(target): \(r.stderr)")
        }
        let long = try Fixtures.aaswift(["check", "--Include", l.include.path, "--base", l.base.path, "--dir", l.profiles.path, "foo"])
        XCTAssertEqual(long.status, 0, long.stderr)
        let missing = try Fixtures.aaswift(["check"] + l.noInclude + ["foo"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("abstractions/extra"), missing.stderr)
        // --base defaults to --dir, where tunables/ is not.
        let noBase = try Fixtures.aaswift(["check", "-I", l.include.path, "-d", l.profiles.path, "foo"])
        XCTAssertEqual(noBase.status, 1)
        XCTAssertTrue(noBase.stderr.contains("tunables/global"), noBase.stderr)
        let unknown = try Fixtures.aaswift(["check"] + l.all + ["nosuchprofile"])
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssertTrue(unknown.stderr.contains("nosuchprofile: no such file or folder, nor a profile of"), unknown.stderr)
    }

    func testLint() throws {
        let l = try layout()
        let r = try Fixtures.aaswift(["lint", "--rule", "AA4020,AA4031,AA4090"] + l.all + ["foo"])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stdout.hasSuffix("usr.bin.foo:6:3: warning: '/tmp/x m,' maps as code (m) a path that '/tmp/x w,' (line 5) lets it write [AA4020]\n"), r.stdout)
        XCTAssertEqual(r.stdout.components(separatedBy: "\n").count, 2, r.stdout)
        let program = try Fixtures.aaswift(["lint", "--rule", "AA4020"] + l.all + ["/usr/bin/foo"])
        XCTAssertEqual(program.stdout, r.stdout)
        let missing = try Fixtures.aaswift(["lint", "--rule", "AA4031"] + l.noInclude + ["foo"])
        XCTAssertTrue(missing.stdout.contains("[AA4031]"), missing.stdout)
        // With no PATH, the profiles of --dir.
        let all = try Fixtures.aaswift(["lint", "--rule", "AA4020"] + l.all)
        XCTAssertEqual(all.stdout, r.stdout)
    }

    func testExplain() throws {
        let l = try layout()
        let r = try Fixtures.aaswift(["explain"] + l.all + ["foo", "--path", "/root/.extrarc", "--perms", "r"])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("ALLOWED"), r.stdout)
        XCTAssertTrue(r.stdout.contains(l.include.appendingPathComponent("abstractions/extra").path + ":1: @{HOME}/.extrarc r,"), r.stdout)
        XCTAssertTrue(r.stdout.contains("pattern {/home/*/,/root/}/.extrarc"), r.stdout)
        // Without the include folder, the abstraction's rule is not there.
        let missing = try Fixtures.aaswift(["explain"] + l.noInclude + ["foo", "--path", "/root/.extrarc", "--perms", "r"])
        XCTAssertEqual(missing.status, 1, missing.stdout)
    }

    func testDiff() throws {
        let l = try layout()
        let new = l.profiles.deletingLastPathComponent().appendingPathComponent("new.foo")
        try "include <tunables/global>\nprofile foo /usr/bin/foo {\n  include <abstractions/extra>\n  /etc/hosts rw,\n  /tmp/x w,\n  /tmp/x m,\n}\n"
            .write(to: new, atomically: true, encoding: .utf8)
        // OLD by profile name: the installed profile of --dir.
        let r = try Fixtures.aaswift(["diff"] + l.all + ["foo", new.path])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertEqual(r.stdout.replacingOccurrences(of: new.path, with: "$NEW"), "profile foo\n  + file: /etc/hosts w  ($NEW:4)\n")
        // The abstraction is loaded in both (the same rule is no change) only with -I.
        let missing = try Fixtures.aaswift(["diff"] + l.noInclude + ["foo", new.path])
        XCTAssertEqual(missing.status, 2, missing.stdout)
        XCTAssertTrue(missing.stderr.contains("abstractions/extra"), missing.stderr)
    }

    func testFmt() throws {
        let l = try layout()
        let file = l.profiles.appendingPathComponent("usr.bin.foo")
        let before = try String(contentsOf: file, encoding: .utf8)
        let check = try Fixtures.aaswift(["fmt", "--check"] + l.all + ["foo"])
        XCTAssertEqual(check.status, 1, check.stderr)
        XCTAssertEqual(check.stdout, file.path + ": would be reformatted\n")
        XCTAssertEqual(try Fixtures.aaswift(["fmt"] + l.all + ["foo"]).status, 0)
        XCTAssertEqual(try String(contentsOf: file, encoding: .utf8), before.replacingOccurrences(of: "    /etc/hosts", with: "  /etc/hosts"))
        XCTAssertEqual(try Fixtures.aaswift(["fmt", "--check"] + l.all + ["foo"]).status, 0)
    }
}
