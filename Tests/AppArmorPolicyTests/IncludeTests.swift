import AASwiftTestSupport
import AppArmorPolicy
import XCTest

final class IncludeTests: XCTestCase {
    func checker(_ root: URL, extra: [String] = []) -> PolicyChecker {
        PolicyChecker(options: CheckOptions(searchPath: IncludeSearchPath(includeDirs: extra, base: root.path)))
    }

    func testMagicQuotedFolderAndIfExists() throws {
        let root = try makeTree([
            "tunables/global": "@{HOMEDIRS} = /home/\ninclude <tunables/home.d>\n",
            "tunables/home.d/site": "@{HOMEDIRS} += /srv/home/\n",
            "tunables/home.d/site.dpkg-old": "this is not policy\n",
            "tunables/home.d/.hidden": "nor is this\n",
            "tunables/home.d/site~": "nor this\n",
            "abstractions/base": "/etc/ld.so.cache r,\n",
            "local/p": "",
            "p": "include <tunables/global>\nprofile p {\n  include <abstractions/base>\n  include if exists <local/none>\n  include \"local/p\"\n  @{HOMEDIRS}/*/x r,\n}\n",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let report = checker(root).check(path: root.appendingPathComponent("p").path)
        XCTAssertEqual(report.errors.map(\.oneLine), [])
        XCTAssertEqual(report.policy.variables.values(of: "HOMEDIRS"), ["/home/", "/srv/home/"])
        XCTAssertEqual(report.policy.profiles.first?.rules.count, 2)
    }

    func testMissingIncludeAndCycleWithChain() throws {
        let root = try makeTree([
            "abstractions/a": "include <abstractions/b>\n",
            "abstractions/b": "include <abstractions/a>\n/x r,\n",
            "p": "profile p {\n  include <abstractions/a>\n  include <abstractions/missing>\n}\n",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let report = checker(root).check(path: root.appendingPathComponent("p").path)
        XCTAssertEqual(report.errors.map(\.diagnostic.id.rawValue), ["AA2001"])
        let cycle = try XCTUnwrap(report.diagnostics.first { $0.diagnostic.id.rawValue == "AA2002" })
        XCTAssertTrue(cycle.diagnostic.notes.joined().contains("abstractions/a -> "), cycle.diagnostic.notes.joined())
        XCTAssertTrue(cycle.oneLine.contains("abstractions/b:1:9"), cycle.oneLine)
    }

    func testEachFileParsedOnce() throws {
        let root = try makeTree([
            "abstractions/base": "/etc/ld.so.cache r,\n",
            "a": "profile a {\n  include <abstractions/base>\n}\n",
            "b": "profile b {\n  include <abstractions/base>\n  include <abstractions/base>\n}\n",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let c = checker(root)
        XCTAssertTrue(c.check(path: root.appendingPathComponent("a").path).passed)
        XCTAssertTrue(c.check(path: root.appendingPathComponent("b").path).passed)
        XCTAssertEqual(c.cache.filesRead, 3)
    }

    /// A released file is parsed again when loaded again, from the bytes given for it (an edit
    /// not yet written), never from the disk; its abstractions stay parsed.
    func testReleasedFileIsParsedAgainFromItsGivenBytes() throws {
        let root = try makeTree([
            "abstractions/base": "/etc/ld.so.cache r,\n",
            "a": "profile a {\n  include <abstractions/base>\n  /on/disk r,\n}\n",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let a = root.appendingPathComponent("a").path
        let c = checker(root)
        c.cache.provide(path: a, bytes: Array("profile a {\n  include <abstractions/base>\n  /edited r,\n  /bad rx,\n}\n".utf8))
        let first = c.check(path: a)
        XCTAssertEqual(first.errors.count, 1, "the edit's `/bad rx,`, not the disk's bytes")
        XCTAssertEqual(c.cache.filesRead, 2)
        c.cache.release(a)
        XCTAssertEqual(c.cache.filesRead, 1, "the abstraction stays")
        let again = c.check(path: a)
        XCTAssertEqual(again.errors.map(\.oneLine), first.errors.map(\.oneLine))
        let text = try XCTUnwrap(c.cache.load(a).get())
        XCTAssertTrue(text.source.text(0..<text.source.bytes.count).contains("/edited r,"))
        XCTAssertEqual(c.cache.filesRead, 2)
    }

    /// One broken abstraction: the profiles that include it fail with the error in the
    /// abstraction; the others still load and pass.
    func testBrokenAbstractionOnlyFailsItsUsers() throws {
        let root = try makeTree([
            "abstractions/base": "/etc/ld.so.cache r,\n",
            "abstractions/broken": "/usr/lib/** rwz,\n",
            "good": "profile good /usr/bin/good {\n  include <abstractions/base>\n}\n",
            "bad": "profile bad /usr/bin/bad {\n  include <abstractions/base>\n  include <abstractions/broken>\n}\n",
            "also-good": "profile also-good {\n  /tmp/** rw,\n}\n",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let r = try Fixtures.aaswift(["check", "--report", "tsv", "--base", root.path, root.path])
        XCTAssertEqual(r.status, 1)
        let rows = r.stdout.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        XCTAssertEqual(rows.count, 3)
        let byName = Dictionary(uniqueKeysWithValues: rows.map { (($0[0] as NSString).lastPathComponent, $0) })
        XCTAssertEqual(byName["good"]?[1], "PASS")
        XCTAssertEqual(byName["also-good"]?[1], "PASS")
        XCTAssertEqual(byName["bad"]?[1], "FAIL")
        XCTAssertTrue(byName["bad"]?[2].contains("abstractions/broken:1:") == true, byName["bad"]?[2] ?? "")
    }

    /// Every top-level profile of a real policy tree checks clean with its includes resolved.
    func testShippedProfileTreesCheckClean() throws {
        var trees = [Fixtures.conformance("profiles-apparmor.d").path]
        if FileManager.default.fileExists(atPath: "/etc/apparmor.d/tunables") { trees.append("/etc/apparmor.d") }
        for tree in trees {
            let files = PolicyFileCache.folderFiles(tree)
            XCTAssertGreaterThan(files.count, 10, tree)
            let c = PolicyChecker(options: CheckOptions(searchPath: IncludeSearchPath(base: tree)))
            for f in files {
                let report = c.check(path: f)
                XCTAssertEqual(report.errors.map(\.oneLine), [], f)
                XCTAssertFalse(report.policy.profiles.isEmpty, f)
            }
            XCTAssertGreaterThan(c.cache.filesRead, files.count, "includes were read for \(tree)")
        }
    }

    /// checkAll on several threads (checkers on stretches of the list, sharing parse trees)
    /// gives every file the report one checker gives it, in the order of the list: on a real
    /// tree, and on in-tree simple_tests whose expected results differ.
    func testSeveralCheckersReportWhatOneDoes() throws {
        let tree = Fixtures.conformance("profiles-apparmor.d").path
        let simple = Fixtures.files(under: Fixtures.conformance("parser-simple_tests"), suffix: ".sd").prefix(300).map(\.path)
        let runs: [(files: [String], search: IncludeSearchPath, failures: Bool)] = [
            (PolicyFileCache.folderFiles(tree), IncludeSearchPath(base: tree), false),
            (Array(simple), IncludeSearchPath(includeDirs: [Fixtures.conformance("parser-simple_tests").path], base: tree), true),
        ]
        for (files, search, failures) in runs {
            XCTAssertGreaterThan(files.count, 40)
            func summary(_ r: CheckReport) -> String {
                r.path + ": " + r.diagnostics.map(\.oneLine).joined(separator: " | ") + " / " + r.policy.profiles.map(\.name).joined(separator: ",")
            }
            let one = PolicyChecker(options: CheckOptions(searchPath: search)).checkAll(files, workers: 1).map(summary)
            for workers in [2, 3] {
                let many = PolicyChecker(options: CheckOptions(searchPath: search)).checkAll(files, workers: workers).map(summary)
                XCTAssertEqual(many, one, "\(workers) checkers")
            }
            XCTAssertEqual(one.contains { $0.contains("error") }, failures)
        }
    }
}
