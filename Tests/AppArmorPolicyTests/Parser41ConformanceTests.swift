import AASwiftTestSupport
import AppArmorPolicy
import AppArmorSyntax
import Foundation
import XCTest

/// `check` against apparmor_parser 4.1 (Debian 13's, from ../shared/trixie) and 3.0.8 (this
/// machine's): the crafted cases of TestProfiles/versions/ under both versions, Debian 13's
/// own policy trees, and AppArmor 4.1.0's parser simple_tests. Known disagreements are listed
/// with their reason in Conformance/, and each list is asserted exact.
final class Parser41ConformanceTests: XCTestCase {
    /// The root or the source, or a skip (a failure under CI=true).
    func needed<T>(_ what: String, _ make: () throws -> T) throws -> T {
        do { return try make() } catch {
            if Trixie.mustHave { throw error }
            throw XCTSkip("\(what) unavailable: \(error)")
        }
    }

    // MARK: TestProfiles/versions: each file says what 3.0 and 4.1 answer

    struct VersionCase { let url: URL; let expected: [ParserVersion: String] }

    static func versionCases() -> [VersionCase] {
        Fixtures.files(under: Fixtures.project("TestProfiles/versions"), suffix: ".aa").map { url in
            let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
            var expected: [ParserVersion: String] = [:]
            for line in text.split(separator: "\n") where line.hasPrefix("#=") && !line.hasPrefix("#=DESCRIPTION") {
                let f = line.dropFirst(2).split(separator: " ")
                if f.count == 2, let v = ParserVersion(parsing: f[0]) { expected[v] = String(f[1]) }
            }
            return VersionCase(url: url, expected: expected)
        }
    }

    func testVersionCasesUnderBothVersions() throws {
        let cases = Self.versionCases()
        XCTAssertGreaterThanOrEqual(cases.count, 40)
        for version in [ParserVersion.v3_0, .v4_1] {
            let checker = PolicyChecker(options: CheckOptions(parserVersion: version))
            for c in cases {
                let want = try XCTUnwrap(c.expected[version], "\(c.url.lastPathComponent) has no #=\(version.shortDescription)")
                let report = checker.check(path: c.url.path)
                XCTAssertEqual(report.passed ? "PASS" : "FAIL", want,
                               "\(c.url.lastPathComponent) for \(version.shortDescription): \(report.errors.map(\.oneLine))")
            }
        }
    }

    /// Where a construct's meaning changed, the message names the version judged by.
    func testMessagesNameTheVersion() throws {
        let dir = Fixtures.project("TestProfiles/versions")
        for (file, version, text) in [
            ("exec-class-vs-glob.aa", ParserVersion.v3_0, "apparmor_parser 3.0"),
            ("exec-class-vs-alternation.aa", .v4_1, "apparmor_parser 4.1"),
            ("priority-file.aa", .v3_0, "needs apparmor_parser 4.1"),
            ("priority-network.aa", .v4_1, "not allowed on network rules by apparmor_parser 4.1"),
            ("deny-file.aa", .v4_1, "'deny file,' is rejected by apparmor_parser 4.1"),
            ("rule-userns.aa", .v3_0, "'userns' rules need apparmor_parser 4.0 or later; apparmor_parser 3.0 rejects them"),
            ("cond-and.aa", .v3_0, "'and' in a condition needs an apparmor_parser newer than 4.1; apparmor_parser 3.0 rejects it"),
            ("mount-03.aa", .v3_0, "take no source, only a mount point before apparmor_parser 4.0; apparmor_parser 3.0 rejects it"),
            ("mount-07.aa", .v4_1, "propagation options (private, shared, slave, unbindable) take only a mount point"),
            ("mount-13.aa", .v4_1, "bind takes no fstype"),
            ("mount-18.aa", .v3_0, "mount option 'nosymfollow' needs apparmor_parser 4.0 or later"),
        ] {
            let report = PolicyChecker(options: CheckOptions(parserVersion: version)).check(path: dir.appendingPathComponent(file).path)
            XCTAssertTrue(report.errors.contains { $0.diagnostic.message.contains(text) }, "\(file): \(report.errors.map(\.oneLine))")
        }
    }

    /// The `#=3.0` and `#=4.1` lines are what the real parsers say.
    func testVersionCasesMatchTheRealParsers() throws {
        let cases = Self.versionCases()
        let host = URL(fileURLWithPath: "/sbin/apparmor_parser")
        if let v = try? Fixtures.run(host, ["--version"]), ParserVersion(parsing: v.stdout).map({ $0.major == 3 && $0.minor == 0 }) == true {
            // The features Debian 12's parser.conf pins (its kernel's: mount rules are encoded,
            // so what cannot be encoded fails); without it, a kernel without AppArmor.
            let pinned = "/usr/share/apparmor-features/features"
            let features = FileManager.default.fileExists(atPath: pinned) ? ["-M", pinned] : []
            for c in cases {
                let r = try Fixtures.run(host, ["-Q", "-K"] + features + [c.url.path])
                XCTAssertEqual(r.status == 0 ? "PASS" : "FAIL", c.expected[.v3_0], "3.0.8 on \(c.url.lastPathComponent): \(r.stderr)")
            }
        }
        let root = try needed("Debian 13 root") { try Trixie.root() }
        let inside = "/tmp/aaswift-versions-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root.path + inside, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root.path + inside) }
        for c in cases {
            try FileManager.default.copyItem(atPath: c.url.path, toPath: root.path + inside + "/" + c.url.lastPathComponent)
        }
        let got = try Trixie.parse(cases.map { inside + "/" + $0.url.lastPathComponent }, in: root)
        for c in cases {
            let rc = got[inside + "/" + c.url.lastPathComponent]
            XCTAssertEqual(rc == 0 ? "PASS" : "FAIL", c.expected[.v4_1], "4.1 on \(c.url.lastPathComponent)")
        }
    }

    // MARK: Debian 13's trees

    /// Lines "path inside the root<TAB>reason" of Conformance/debian13-disagreements.txt.
    static func listed(_ list: String) throws -> Set<String> {
        let text = try String(contentsOf: Fixtures.project("Conformance/\(list)"), encoding: .utf8)
        return Set(text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }.map {
            String($0.split(separator: "\t", omittingEmptySubsequences: false)[0])
        })
    }

    /// Every profile of Debian 13's /etc/apparmor.d (apparmor, apparmor-profiles) and
    /// /usr/share/apparmor/extra-profiles (apparmor-profiles-extra): aaswift's verdict for 4.1
    /// is apparmor_parser 4.1's.
    func testDebian13TreesAgreeWith41() throws {
        let root = try needed("Debian 13 root") { try Trixie.root() }
        let base = "/etc/apparmor.d"
        var files: [String] = []
        for dir in [base, "/usr/share/apparmor/extra-profiles"] {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: root.path + dir)) ?? [] {
                guard !PolicyFileCache.isSkippable(name), name != "README" else { continue }
                var isDir: ObjCBool = false
                if FileManager.default.fileExists(atPath: root.path + dir + "/" + name, isDirectory: &isDir), !isDir.boolValue {
                    files.append(dir + "/" + name)
                }
            }
        }
        files.sort()
        XCTAssertGreaterThanOrEqual(files.count, 200)
        let parser = try Trixie.parse(files, base: base, in: root)
        let checker = PolicyChecker(options: CheckOptions(searchPath: IncludeSearchPath(base: root.path + base), parserVersion: .v4_1))
        var bad = Set<String>()
        for f in files {
            let ours = checker.check(path: root.path + f)
            if ours.passed != (parser[f] == 0) { bad.insert(f) }
        }
        let listed = try Self.listed("debian13-disagreements.txt")
        XCTAssertEqual(bad.subtracting(listed).sorted(), [], "disagreements missing from the list")
        XCTAssertEqual(listed.subtracting(bad).sorted(), [], "listed files that now agree")
    }

    // MARK: AppArmor 4.1.0's parser simple_tests

    /// Upstream's in-tree (HEAD) simple_tests side by side with apparmor_parser 4.1 itself, as
    /// Parser308ConformanceTests does with 3.0.8: the parser's exit status is the verdict to
    /// agree with; the rest are listed in Conformance/parser-side-by-side-disagreements.txt.
    func testHeadSimpleTestsAgreeWith41Parser() throws {
        let root = try needed("Debian 13 root") { try Trixie.root() }
        let inside = "/tmp/aaswift-head41-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root.path + inside) }
        let side = try SimpleTestsSideBySide(in: URL(fileURLWithPath: root.path + inside))
        XCTAssertGreaterThan(side.cases.count, 2200)
        let strip = root.path.count
        let got = try Trixie.parse(side.cases.map { String($0.path.dropFirst(strip)) }, includes: [inside + "/corpus"],
                                   features: inside + "/features.all", cwd: inside + "/tst", limit: 10, in: root)
        let theirs: [Bool?] = side.cases.map { c in
            got[String(c.path.dropFirst(strip))].flatMap { $0 == 124 ? nil : $0 == 0 }
        }
        XCTAssertGreaterThan(theirs.compactMap { $0 }.count, 2200)
        let bad = side.disagreements("4.1", theirs: theirs, ours: try side.ours(.v4_1))
        let listed = try SimpleTestsSideBySide.listed("parser-side-by-side-disagreements.txt", "4.1")
        XCTAssertEqual(bad.subtracting(listed).sorted(), [], "disagreements missing from Conformance/parser-side-by-side-disagreements.txt")
        XCTAssertEqual(listed.subtracting(bad).sorted(), [], "listed files that now agree")
    }

    func testSimpleTests41() throws {
        let source = try needed("AppArmor 4.1 source") { try Trixie.source() }
        let corpus = source.appendingPathComponent("parser/tst/simple_tests")
        let cases = SimpleTestsConformanceTests.cases(under: corpus, corpus: "4.1")
        XCTAssertGreaterThan(cases.count, 2000)
        let bad = try SimpleTestsConformanceTests.run(cases, corpus: corpus, version: .v4_1)
        let agreement = Double(cases.count - bad.count) / Double(cases.count)
        XCTAssertGreaterThanOrEqual(agreement, 0.995, "agreement \(agreement) over \(cases.count) cases")
        let listed = try SimpleTestsConformanceTests.listed().filter { $0.hasPrefix("4.1\t") }
        XCTAssertEqual(bad.subtracting(listed).sorted(), [], "disagreements missing from the list")
        XCTAssertEqual(listed.subtracting(bad).sorted(), [], "listed files that now agree")
    }
}
