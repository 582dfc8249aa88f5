import AASwiftTestSupport
import Foundation
import XCTest

/// The replay suite: logs from real kernels (Tests/Replay/Fixtures, recorded in ../shared/vm's
/// guests by Tests/Replay/record.sh: files, ix/px/cx execs with their `null-` learning
/// children, change_hat, signal, ptrace, network, mount) and upstream's test_multi records,
/// each run through `logprof --allow-all` on a copy of Debian's profile folder. The result must
/// load with Debian 12's apparmor_parser (3.0.8) and AppArmor 4.1's, a second pass must propose
/// nothing, and no added rule may grant more than its records asked, apart from an abstraction
/// or a glob.
final class LogprofReplayTests: XCTestCase {
    static let replay = Fixtures.project("Tests/Replay")
    var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// Debian's profile folder (/etc/apparmor.d) copied, with the profile the records were made under.
    func folderCopy() throws -> URL {
        let system = URL(fileURLWithPath: "/etc/apparmor.d")
        guard FileManager.default.fileExists(atPath: system.appendingPathComponent("abstractions/base").path) else {
            if isCI { XCTFail("/etc/apparmor.d has no abstractions (install apparmor)") }
            throw XCTSkip("no /etc/apparmor.d")
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("aaswift-replay-\(UUID().uuidString)")
        try Fixtures.run(URL(fileURLWithPath: "/bin/cp"), ["-r", system.path, url.path])
        try FileManager.default.copyItem(at: Self.replay.appendingPathComponent("replay.profile"), to: url.appendingPathComponent("replay"))
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// AppArmor 4.1's parser (../shared/trixie/parser.sh), its root made when missing.
    func parser41() throws -> URL? {
        guard let parser = Fixtures.trixieParser else {
            if isCI { XCTFail("no AppArmor 4.1 root (../shared/trixie/make-root.sh could not make it) or not root") }
            return nil
        }
        return parser
    }

    func replay(log: URL, extra: [String] = [], file: StaticString = #filePath, line: UInt = #line) throws {
        let dir = try folderCopy()
        let original = try String(contentsOf: dir.appendingPathComponent("replay"), encoding: .utf8)
        let first = try Fixtures.aaswift(["logprof", "--allow-all", "--no-reload", "-d", dir.path, "-f", log.path] + extra)
        XCTAssertEqual(first.status, 0, first.stderr, file: file, line: line)
        XCTAssertTrue(first.stdout.contains("Adding "), first.stdout, file: file, line: line)
        let saved = dir.appendingPathComponent("replay").path

        // Both parsers load the result.
        let local = try Fixtures.run(URL(fileURLWithPath: "/sbin/apparmor_parser"), ["-Q", "-K", "-b", dir.path, saved])
        let savedText = try String(contentsOfFile: saved, encoding: .utf8)
        XCTAssertEqual(local.status, 0, "apparmor_parser 3.0.8: " + local.stderr + "\n" + savedText, file: file, line: line)
        if let p41 = try parser41() {
            let r = try Fixtures.run(p41, ["-Q", "-K", "-b", dir.path, saved],
                                     environment: ProcessInfo.processInfo.environment)
            XCTAssertEqual(r.status, 0, "apparmor_parser 4.1: " + r.stderr, file: file, line: line)
        }

        // A second pass proposes nothing.
        let second = try Fixtures.aaswift(["logprof", "--allow-all", "--dry-run", "-d", dir.path, "-f", log.path] + extra)
        XCTAssertEqual(second.status, 0, second.stderr, file: file, line: line)
        XCTAssertFalse(second.stdout.contains("Adding "), second.stdout, file: file, line: line)

        // Nothing granted beyond the records: every added rule other than an include, a hat or
        // a glob is the rule a record asks for (decode-log --format profile writes those).
        let asked = try Fixtures.aaswift(["decode-log", "--format", "profile", log.path] + extra.filter { $0 != "--allow-denied" })
        let askedLines = Set(asked.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) })
        let askedPerms = askedLines.filter { $0.hasPrefix("/") || $0.hasPrefix("owner /") }.reduce(into: Set<Character>()) { acc, l in
            acc.formUnion(l.dropLast().split(separator: " ").last ?? "")
        }
        let added = try addedLines(original, String(contentsOfFile: saved, encoding: .utf8))
        for l in added {
            if l.hasPrefix("include ") || l.hasPrefix("^") || l.hasPrefix("profile ") || l == "}" || l.isEmpty { continue }
            let words = l.dropLast().split(separator: " ")
            let isFile = l.hasPrefix("/") || l.hasPrefix("owner ") || l.hasPrefix("@{") || l.hasPrefix("deny /")
            if isFile {
                let perms = String(words.last ?? "")
                // exec answers bring `m r i x` (ix), or the transition letters
                let allowedLetters = askedPerms.union(["m", "r", "i", "x", "p", "c", "u", "P", "C", "U"])
                XCTAssertTrue(Set(perms).isSubset(of: allowedLetters), "\(l) grants more than the records asked (\(askedPerms))", file: file, line: line)
            } else {
                XCTAssertTrue(askedLines.contains(l), "\(l) is not a rule a record asks for", file: file, line: line)
            }
        }
    }

    /// Lines of `new` that are not in `old` (trimmed).
    func addedLines(_ old: String, _ new: String) -> [String] {
        var remaining = old.components(separatedBy: "\n")
        var out: [String] = []
        for line in new.components(separatedBy: "\n") {
            if let i = remaining.firstIndex(of: line) { remaining.remove(at: i) } else { out.append(line.trimmingCharacters(in: .whitespaces)) }
        }
        return out
    }

    func testDebian12KernelRecords() throws {
        try replay(log: Self.replay.appendingPathComponent("Fixtures/bookworm.log"))
    }

    func testDebian13KernelRecords() throws {
        try replay(log: Self.replay.appendingPathComponent("Fixtures/trixie.log"))
    }

    /// Upstream's test_multi records, retargeted at the replay profile (DENIED ones too).
    func testUpstreamTestMultiRecords() throws {
        let corpus = Fixtures.files(under: Fixtures.conformance("libapparmor-test_multi"), suffix: ".in")
        XCTAssertGreaterThan(corpus.count, 100)
        let re = try NSRegularExpression(pattern: #"profile=("[^"]*"|[^ ]+)"#)
        var log = ""
        for f in corpus {
            let text = try String(contentsOf: f, encoding: .utf8)
            log += re.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "profile=\"replay\"")
            if !log.hasSuffix("\n") { log += "\n" }
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("aaswift-replay-multi-\(UUID().uuidString).log")
        try Data(log.utf8).write(to: url)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        try replay(log: url, extra: ["--allow-denied"])
    }
}
