import AASwiftTestSupport
import AppArmorPolicy
import AppArmorSyntax
import Foundation
import XCTest

/// `check --parser-version 3.0` side by side with Debian 12's apparmor_parser 3.0.8 (this
/// machine's) on every runnable file of upstream's parser simple_tests: both compile against
/// the corpus's features.all, with the corpus as the include path, as upstream's harness runs.
/// The corpus's `#=EXRESULT` is HEAD's verdict; here the real parser's exit status is the one to
/// agree with. The remaining disagreements are listed with their reason in
/// Conformance/parser-side-by-side-disagreements.txt, and the list is asserted exact.
final class Parser308ConformanceTests: XCTestCase {
    static let parser = URL(fileURLWithPath: "/sbin/apparmor_parser")

    func testSimpleTestsAgreeWithTheInstalledParser() throws {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: Fixtures.conformance("parser-simple_tests").path), "corpus not found")
        let version = try Fixtures.run(Self.parser, ["--version"]).stdout
        guard let v = ParserVersion(parsing: version), v.major == 3, v.minor == 0 else {
            throw XCTSkip("the installed apparmor_parser is not 3.0 (\(version.prefix(40)))")
        }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("aaswift-308-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let side = try SimpleTestsSideBySide(in: scratch)
        XCTAssertGreaterThan(side.cases.count, 2200)
        // The real parser, two at a time; one file makes 3.0.8 loop, so each run has a limit
        // (a case it cannot finish says nothing and is left out).
        let (tst, corpus, features) = (side.tst.path, side.corpus.path, side.features.path)
        let theirs = parallelMap(side.cases.map(\.path), workers: 2) { path -> Bool? in
            guard let r = try? Fixtures.run(URL(fileURLWithPath: "/usr/bin/timeout"),
                                            ["10", Self.parser.path, "-Q", "-K", "-I", corpus, "-M", features, path],
                                            cwd: URL(fileURLWithPath: tst)), r.status != 124 else { return nil }
            return r.status == 0
        }
        XCTAssertGreaterThan(theirs.compactMap { $0 }.count, 2200)
        let bad = side.disagreements("3.0.8", theirs: theirs, ours: try side.ours(.v3_0))
        let listed = try SimpleTestsSideBySide.listed("parser-side-by-side-disagreements.txt", "3.0.8")
        XCTAssertEqual(bad.subtracting(listed).sorted(), [], "disagreements missing from Conformance/parser-side-by-side-disagreements.txt")
        XCTAssertEqual(listed.subtracting(bad).sorted(), [], "listed files that now agree")
    }
}
