import AASwiftTestSupport
import AppArmorSyntax
import Foundation
@testable import ProfileTools
import XCTest

/// cleanprof on upstream's torture profile (utils/test/cleanprof_test.in) in a folder with the
/// shipped abstractions and tunables, beside upstream's expected result (`.out`).
final class CleanprofPlanTests: XCTestCase {
    static let program = "/usr/bin/a/simple/cleanprof/test/profile"

    /// A temporary folder (below `parent` when given) with the conformance abstractions,
    /// tunables and abi, and `input` as `cleanprof_test.in`.
    func folder(input: [UInt8], parent: String? = nil) throws -> String {
        let base = parent ?? FileManager.default.temporaryDirectory.path
        let dir = base + "/aaswift-cleanprof-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        for sub in ["abstractions", "tunables", "abi"] {
            try FileManager.default.copyItem(atPath: Fixtures.conformance("profiles-apparmor.d/" + sub).path, toPath: dir + "/" + sub)
        }
        FileManager.default.createFile(atPath: dir + "/cleanprof_test.in", contents: Data(input))
        return dir
    }

    static func lines(_ bytes: [UInt8]) -> [String] {
        String(decoding: bytes, as: UTF8.self).components(separatedBy: "\n")
    }

    /// A rule line without its layout: blanks collapsed, a trailing comment dropped.
    static func normalized(_ line: String) -> String {
        var s = line
        if let hash = s.range(of: " #") { s = String(s[..<hash.lowerBound]) }
        s = s.replacingOccurrences(of: "#include", with: "include")
        return s.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ").replacingOccurrences(of: " ,", with: ",")
    }

    /// Exactly the statements `.out` drops because something covers them go; each goes with
    /// its own line, and every other line stays byte-identical.
    func testTortureProfileLosesExactlyTheCoveredLines() throws {
        let input = Array(try Data(contentsOf: Fixtures.conformance("utils-test/cleanprof_test.in")))
        let dir = try folder(input: input)
        let plan = try CleanprofPlanner.plan(file: dir + "/cleanprof_test.in", profileNames: [Self.program], folder: dir)
        let removed = plan.removals.map(\.line)
        // 6-7, 26-27: duplicate includes; 29 capability sys_admin (audit capability); 32
        // change_profile -> /bin/foo (change_profile); 35 network inet stream (network
        // stream); 40, 43, 44, 79: abstractions/base (locale, ptrace tracedby, unix
        // shutdown); 48 dbus peer=(label=foo) (dbus send bus=session); 60 signal set=(hup
        // int quit) (the larger set); 67 ^foo, (hat foo); 83 /home/foo/bar r (/home/*/** r).
        XCTAssertEqual(removed, [6, 7, 26, 27, 29, 32, 35, 40, 43, 44, 48, 60, 67, 79, 83])
        let before = Self.lines(input)
        let after = Self.lines(try plan.edited.resultBytes())
        let expected = before.enumerated().filter { !removed.contains($0.offset + 1) }.map(\.element)
        XCTAssertEqual(after, expected)

        // Each removed rule is gone from upstream's result of the profile; what stays of it is there.
        let out = try String(contentsOf: Fixtures.conformance("utils-test/cleanprof_test.out"), encoding: .utf8)
        let outLines = out.components(separatedBy: "\n")
        let start = outLines.firstIndex(of: Self.program + " {")!
        let end = outLines[start...].firstIndex { $0.hasPrefix("  hat ") }!
        let mainProfile = Set(outLines[start..<end].map(Self.normalized))
        for line in removed where !before[line - 1].contains("include") {
            XCTAssertFalse(mainProfile.contains(Self.normalized(before[line - 1])), before[line - 1])
        }
        for (i, line) in before.enumerated() where i >= 20 && i < 85 && !removed.contains(i + 1) {
            let n = Self.normalized(line)
            guard n.hasSuffix(","), !n.hasPrefix("#"), !n.contains("include"), !n.hasPrefix("abi"),
                  !n.hasPrefix("mount"), !n.hasPrefix("set=") else { continue }
            if n == "set rlimit nofile <= 64," {
                // Not covered: the parser keeps the last rlimit of a resource, so this one is in force.
                XCTAssertFalse(mainProfile.contains(n))
                continue
            }
            XCTAssertTrue(mainProfile.contains(n) || outLines.map(Self.normalized).contains(n), "kept but not in .out: \(line)")
        }
    }

    /// Cleaning the cleaned file changes nothing.
    func testSecondRunIsANoOp() throws {
        let input = Array(try Data(contentsOf: Fixtures.conformance("utils-test/cleanprof_test.in")))
        let dir = try folder(input: input)
        let file = dir + "/cleanprof_test.in"
        let first = try CleanprofPlanner.plan(file: file, profileNames: nil, folder: dir)
        FileManager.default.createFile(atPath: file, contents: Data(try first.edited.resultBytes()))
        let second = try CleanprofPlanner.plan(file: file, profileNames: nil, folder: dir)
        XCTAssertEqual(second.removals, [])
    }

    /// Audit, priority-free and conditional rules, and a rule sharing its line, in a small profile.
    func testWhatStaysAndHowALineSharedWithAnotherRuleIsCut() throws {
        let text = """
            profile t /usr/bin/t {
              /etc/** r,
              audit /etc/passwd r,
              /etc/group r, /tmp/x w,
              /tmp/x w,  # again
              if true {
                /etc/hosts r,
              }
              deny /etc/shadow r,
              /etc/shadow r,
            }

            """
        let dir = try folder(input: Array(text.utf8))
        let plan = try CleanprofPlanner.plan(file: dir + "/cleanprof_test.in", profileNames: nil, folder: dir)
        XCTAssertEqual(plan.removals.map(\.line), [4, 5, 10])
        XCTAssertEqual(String(decoding: try plan.edited.resultBytes(), as: UTF8.self), """
            profile t /usr/bin/t {
              /etc/** r,
              audit /etc/passwd r,
              /tmp/x w,
              if true {
                /etc/hosts r,
              }
              deny /etc/shadow r,
            }

            """)
    }
}
