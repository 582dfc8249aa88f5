import AASwiftTestSupport
import Foundation
import XCTest

/// `aaswift cleanprof` beside AppArmor 4.1's aa-cleanprof on the same input, and on the
/// Debian policy tree.
final class CleanprofSideBySideTests: XCTestCase {
    static let program = "/usr/bin/a/simple/cleanprof/test/profile"

    static func normalized(_ line: String) -> String {
        var s = line
        if let hash = s.range(of: " #") { s = String(s[..<hash.lowerBound]) }
        s = s.replacingOccurrences(of: "#include", with: "include")
        return s.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ").replacingOccurrences(of: " ,", with: ",")
    }

    /// The torture profile as 4.1's tool reads it: without the 6.0 additions after the
    /// `other` profile (conditionals, `profile foo//bar`) and without the mount rule that
    /// Debian's 4.1.0 refuses ("mount rules with multiple 'options' are not supported").
    static func input41() throws -> String {
        let text = try String(contentsOf: Fixtures.conformance("utils-test/cleanprof_test.in"), encoding: .utf8)
        var lines = text.components(separatedBy: "\n")
        lines = Array(lines.prefix { !$0.hasPrefix("profile foo//bar") })
        lines.removeAll { $0.contains("mount options=(rw,suid)") }
        return lines.joined(separator: "\n")
    }

    /// The same rules go: what 4.1 keeps of the profile, we keep (our lines untouched), and
    /// what it removes we remove, but for `set rlimit nofile <= 64` (in force: the parser
    /// keeps the last rlimit of a resource) and the merged signal sets.
    func testSameRulesRemovedAs41() throws {
        try XCTSkipUnless(TrixieRoot.has("/usr/sbin/aa-cleanprof"), "needs root and \(TrixieRoot.path)")
        let input = try Self.input41()
        let theirs = try TrixieRoot.makeFolder()
        defer { try? FileManager.default.removeItem(atPath: theirs.outside) }
        let ours = FileManager.default.temporaryDirectory.appendingPathComponent("aaswift-cleanprof-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: ours) }
        for dir in [theirs.outside, ours] {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            for sub in ["abstractions", "tunables", "abi"] {
                try FileManager.default.copyItem(atPath: Fixtures.conformance("profiles-apparmor.d/" + sub).path, toPath: dir + "/" + sub)
            }
            try input.write(toFile: dir + "/cleanprof_test.in", atomically: false, encoding: .utf8)
        }
        let upstream = try TrixieRoot.run(["aa-cleanprof", "--no-reload", "-d", theirs.inside, "-s", Self.program])
        XCTAssertEqual(upstream.status, 0, upstream.stderr)
        let run = try Fixtures.aaswift(["cleanprof", "--no-reload", "-d", ours, "-s", Self.program])
        XCTAssertEqual(run.status, 0, run.stderr)

        let upstreamLines = try String(contentsOfFile: theirs.outside + "/cleanprof_test.in", encoding: .utf8).components(separatedBy: "\n")
        let start = upstreamLines.firstIndex(of: Self.program + " {")!
        let end = upstreamLines[start...].firstIndex { $0.hasPrefix("  hat ") || $0.hasPrefix("  ^") || $0.hasPrefix("  profile ") }!
        let upstreamRules = Set(upstreamLines[start..<end].map(Self.normalized).filter { $0.hasSuffix(",") })
        let before = input.components(separatedBy: "\n")
        let after = try String(contentsOfFile: ours + "/cleanprof_test.in", encoding: .utf8).components(separatedBy: "\n")
        // Lossless: our result is the input minus whole lines.
        var i = 0
        var removed: [String] = []
        for line in before {
            if i < after.count, after[i] == line { i += 1 } else { removed.append(line) }
        }
        XCTAssertEqual(i, after.count, "our result is not the input minus lines")
        let pStart = after.firstIndex(of: Self.program + " {")!
        let pEnd = after[pStart...].firstIndex(of: "}")!
        var ourRules = Set<String>()
        var depth = 0
        for line in after[(pStart + 1)..<pEnd] {
            if line.hasSuffix("{") { depth += 1 }
            if depth == 0, case let n = Self.normalized(line), n.hasSuffix(","), !n.hasPrefix("#"), !n.hasPrefix("set="), !n.hasPrefix("signal") {
                ourRules.insert(n.hasPrefix("include") ? n : n)
            }
            if line.trimmingCharacters(in: .whitespaces) == "}" { depth -= 1 }
        }
        let upstreamComparable = upstreamRules.filter { !$0.hasPrefix("signal") && !$0.hasPrefix("abi") && !$0.contains("include") }
        let ourComparable = ourRules.filter { !$0.hasPrefix("abi") && !$0.contains("include") }
        XCTAssertEqual(ourComparable.subtracting(upstreamComparable), ["set rlimit nofile <= 64,"])
        XCTAssertEqual(upstreamComparable.subtracting(ourComparable), [])
        XCTAssertTrue(removed.contains { $0.contains("signal set=(hup int quit),") })
    }

    /// On a copy of Debian's /etc/apparmor.d, every file cleanprof changes loses whole
    /// statements only and still compiles with this machine's apparmor_parser.
    func testDebianTreeStaysLosslessAndCompiles() throws {
        let parser = "/sbin/apparmor_parser"
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: parser) && FileManager.default.fileExists(atPath: "/etc/apparmor.d"))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aaswift-cleanprof-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: "/etc/apparmor.d", toPath: dir)
        let run = try Fixtures.aaswift(["cleanprof", "--no-reload", "-d", dir, "--json", "-s"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let report = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
        let files = (report["files"] as! [[String: Any]]).filter { !($0["removed"] as! [Any]).isEmpty }
        XCTAssertFalse(files.isEmpty)
        var removedCount = 0
        for f in files {
            let path = f["file"] as! String
            let original = try String(contentsOfFile: "/etc/apparmor.d/" + (path as NSString).lastPathComponent, encoding: .utf8)
            let cleaned = try String(contentsOfFile: path, encoding: .utf8)
            // Whole lines only go: the cleaned lines are the original's, in order, some left out.
            let kept = cleaned.components(separatedBy: "\n")
            var rest = original.components(separatedBy: "\n")[...]
            for line in kept {
                guard let i = rest.firstIndex(of: line) else { XCTFail("\(path): not an original line, or out of order: \(line)"); break }
                rest = rest[(i + 1)...]
            }
            removedCount += (f["removed"] as! [Any]).count
            let check = try Fixtures.run(URL(fileURLWithPath: parser), ["-Q", "-K", "-I", dir, "--base", dir, path])
            XCTAssertEqual(check.status, 0, "\(path): \(check.stderr)")
        }
        print("cleanprof removed \(removedCount) statements from \(files.count) Debian profile files; all still compile")
    }

    /// A small folder: a profile with a duplicate rule and a rule its abstraction grants.
    func smallFolder(at dir: String) throws {
        try FileManager.default.createDirectory(atPath: dir + "/abstractions", withIntermediateDirectories: true)
        try "  /etc/cp-small/** r,\n".write(toFile: dir + "/abstractions/cp-small", atomically: false, encoding: .utf8)
        try Self.small.write(toFile: dir + "/usr.bin.cp-small", atomically: false, encoding: .utf8)
    }

    static let small = """
        # cleanprof, small
        /usr/bin/cp-small {
          #include <abstractions/cp-small>
          /etc/cp-small/a.conf r,
          /var/lib/cp-small/** rw,
          /var/lib/cp-small/** rw,
          capability chown,
        }

        """

    /// -s (with upstream's --configdir, which cleanprof reads nothing from) says what 4.1's
    /// aa-cleanprof says and removes the same rules; ours removes their lines only.
    func testSilentSaysWhat41SaysAndRemovesTheSameRules() throws {
        let ours = FileManager.default.temporaryDirectory.appendingPathComponent("aaswift-cleanprof-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: ours) }
        try smallFolder(at: ours)
        let run = try Fixtures.aaswift(["cleanprof", "--configdir", "/etc/apparmor", "--no-reload", "-d", ours, "-s", "/usr/bin/cp-small"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stdout, "\nDeleted 2 rules.\nWriting updated profile for /usr/bin/cp-small.\n")
        let after = try String(contentsOfFile: ours + "/usr.bin.cp-small", encoding: .utf8)
        XCTAssertEqual(after, Self.small.replacingOccurrences(of: "  /etc/cp-small/a.conf r,\n", with: "")
            .replacingOccurrences(of: "  /var/lib/cp-small/** rw,\n  /var/lib/cp-small/** rw,\n", with: "  /var/lib/cp-small/** rw,\n"))
        guard TrixieRoot.has("/usr/sbin/aa-cleanprof") else { return }
        let theirs = try TrixieRoot.makeFolder()
        defer { try? FileManager.default.removeItem(atPath: theirs.outside) }
        try smallFolder(at: theirs.outside)
        let upstream = try TrixieRoot.run(["aa-cleanprof", "--configdir", "/etc/apparmor", "--no-reload", "-d", theirs.inside, "-s", "/usr/bin/cp-small"])
        XCTAssertEqual(upstream.status, 0, upstream.stderr)
        XCTAssertEqual(run.stdout, upstream.stdout)
        let rules = { (text: String) in Set(text.components(separatedBy: "\n").map(Self.normalized).filter { $0.hasSuffix(",") }) }
        XCTAssertEqual(rules(after), rules(try String(contentsOfFile: theirs.outside + "/usr.bin.cp-small", encoding: .utf8)))
    }

    /// Without -s: the removals, "Deleted N rules." and aa-cleanprof's prompt, (V)iew shows
    /// the diff, (S)ave writes; Abo(r)t, confirmed, writes nothing.
    func testPromptViewsSavesAndAborts() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aaswift-cleanprof-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try smallFolder(at: dir)
        let file = dir + "/usr.bin.cp-small"
        let aborted = try Fixtures.aaswift(["cleanprof", "--no-reload", "-d", dir, "/usr/bin/cp-small"], stdin: Data("ry".utf8))
        XCTAssertEqual(aborted.status, 0, aborted.stderr)
        XCTAssertTrue(aborted.stdout.contains("\nDeleted 2 rules.\n"), aborted.stdout)
        XCTAssertTrue(aborted.stdout.contains("= Changed Local Profiles =\n\nThe local profile for /usr/bin/cp-small in file \(file) was changed. Would you like to save it?\n\n(S)ave Changes / [(V)iew Changes] / Abo(r)t\n"), aborted.stdout)
        XCTAssertTrue(aborted.stdout.hasSuffix("Abandoning all changes.\n"), aborted.stdout)
        XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8), Self.small)
        let saved = try Fixtures.aaswift(["cleanprof", "--no-reload", "-d", dir, "/usr/bin/cp-small"], stdin: Data("vs".utf8))
        XCTAssertEqual(saved.status, 0, saved.stderr)
        XCTAssertTrue(saved.stdout.contains("-  /etc/cp-small/a.conf r,\n"), saved.stdout)
        XCTAssertTrue(saved.stdout.hasSuffix("Writing updated profile for /usr/bin/cp-small.\n"), saved.stdout)
        XCTAssertFalse(try String(contentsOfFile: file, encoding: .utf8).contains("a.conf"))
    }
}
