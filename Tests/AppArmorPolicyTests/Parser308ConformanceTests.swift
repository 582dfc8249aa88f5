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
/// Conformance/parser-3.0.8-disagreements.txt, and the list is asserted exact.
final class Parser308ConformanceTests: XCTestCase {
    static let parser = URL(fileURLWithPath: "/sbin/apparmor_parser")

    func testSimpleTestsAgreeWithTheInstalledParser() throws {
        let corpus = Fixtures.conformance("parser-simple_tests")
        try XCTSkipUnless(FileManager.default.fileExists(atPath: corpus.path), "corpus not found")
        let version = try Fixtures.run(Self.parser, ["--version"]).stdout
        guard let v = ParserVersion(parsing: version), v.major == 3, v.minor == 0 else {
            throw XCTSkip("the installed apparmor_parser is not 3.0 (\(version.prefix(40)))")
        }
        let features = Fixtures.conformance("parser-features_files/features.all")
        let cases = SimpleTestsConformanceTests.cases(under: corpus, corpus: "3.0.8")
        XCTAssertGreaterThan(cases.count, 2200)

        // Each file without its `#=` header lines (as upstream's harness feeds the parser), run
        // from a folder holding simple_tests -> the corpus (for relative includes).
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("aaswift-308-\(UUID().uuidString)")
        let tst = scratch.appendingPathComponent("tst")
        try FileManager.default.createDirectory(at: tst, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: tst.appendingPathComponent("simple_tests"), withDestinationURL: corpus)
        defer { try? FileManager.default.removeItem(at: scratch) }
        var inputs: [String] = []
        for (i, (url, _)) in cases.enumerated() {
            let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
            let body = text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("#=") }.joined(separator: "\n")
            let path = scratch.appendingPathComponent("case\(i).sd").path
            try Data(body.utf8).write(to: URL(fileURLWithPath: path))
            inputs.append(path)
        }

        // The real parser, two at a time; one file makes 3.0.8 loop, so each run has a limit
        // (a case it cannot finish says nothing and is left out).
        let (tstPath, corpusPath, featuresPath) = (tst.path, corpus.path, features.path)
        let theirs = parallelMap(inputs, workers: 2) { path -> Bool? in
            guard let r = try? Fixtures.run(URL(fileURLWithPath: "/usr/bin/timeout"),
                                            ["10", Self.parser.path, "-Q", "-K", "-I", corpusPath, "-M", featuresPath, path],
                                            cwd: URL(fileURLWithPath: tstPath)), r.status != 124 else { return nil }
            return r.status == 0
        }
        let options = CheckOptions(searchPath: IncludeSearchPath(includeDirs: [corpus.path], base: corpus.path, currentDirectory: tst.path),
                                   features: try FeatureSet(contentsOf: features.path), parserVersion: .v3_0)
        var bad = Set<String>()
        var ran = 0
        var checker = PolicyChecker(options: options)
        for (i, (_, c)) in cases.enumerated() {
            guard let passes = theirs[i] else { continue }
            ran += 1
            if i % 1000 == 0 { checker = PolicyChecker(options: options) }
            if checker.check(path: inputs[i]).passed != passes {
                bad.insert("3.0.8\t\(c.relative)\t\(passes ? "PASS" : "FAIL")")
            }
        }
        XCTAssertGreaterThan(ran, 2200)
        let listed = try Self.listed()
        XCTAssertEqual(bad.subtracting(listed).sorted(), [], "disagreements missing from Conformance/parser-3.0.8-disagreements.txt")
        XCTAssertEqual(listed.subtracting(bad).sorted(), [], "listed files that now agree")
    }

    /// "3.0.8<TAB>path<TAB>3.0.8's verdict" of each listed line.
    static func listed() throws -> Set<String> {
        let text = try String(contentsOf: Fixtures.project("Conformance/parser-3.0.8-disagreements.txt"), encoding: .utf8)
        return Set(text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }.map { line in
            line.split(separator: "\t", omittingEmptySubsequences: false).prefix(3).joined(separator: "\t")
        })
    }
}
