import AASwiftTestSupport
import AppArmorPolicy
import AppArmorSyntax
import Foundation
import XCTest

/// Runs upstream's parser simple_tests (in-tree and, when unpacked, generated) through the
/// checker and compares with each file's `#=EXRESULT`, as upstream's harness does: the corpus
/// is the include path, and the base folder holds `simple_tests` (quoted relative includes such
/// as "simple_tests/include_tests/..." are relative to upstream's current folder, which the
/// base stands for here).
final class SimpleTestsConformanceTests: XCTestCase {
    struct Case { let corpus: String; let relative: String; let expected: String }

    static func cases(under root: URL, corpus: String) -> [(URL, Case)] {
        Fixtures.files(under: root, suffix: ".sd").compactMap { url in
            guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
            let text = String(decoding: data, as: UTF8.self)
            var expected: String?
            for line in text.split(separator: "\n", omittingEmptySubsequences: true) where line.hasPrefix("#=") {
                let upper = line.uppercased()
                if upper.hasPrefix("#=DISABLED") { return nil }
                if upper.hasPrefix("#=EXRESULT") { expected = upper.contains("FAIL") ? "FAIL" : "PASS" }
            }
            guard let expected else { return nil }
            let rel = String(url.path.dropFirst(root.path.count + 1))
            return (url, Case(corpus: corpus, relative: rel, expected: expected))
        }
    }

    /// The listed disagreements of a list in Conformance/: "corpus\tpath".
    static func listed(_ list: String = "simple-tests-disagreements.txt") throws -> Set<String> {
        let text = try String(contentsOf: Fixtures.project("Conformance/\(list)"), encoding: .utf8)
        return Set(text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }.map { line in
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            return "\(f[0])\t\(f[1])"
        })
    }

    /// Runs the cases as from a folder `tst` holding `simple_tests` -> `corpus` (the include
    /// path), as upstream's harness does, without changing the process's current folder;
    /// returns the disagreeing "corpus\tpath" keys.
    static func run(_ cases: [(URL, Case)], corpus: URL = Fixtures.conformance("parser-simple_tests"),
                    version: ParserVersion? = nil) throws -> Set<String> {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("aaswift-st-\(UUID().uuidString)/tst")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: scratch.appendingPathComponent("simple_tests"), withDestinationURL: corpus)
        defer { try? FileManager.default.removeItem(at: scratch.deletingLastPathComponent()) }
        let options = CheckOptions(searchPath: IncludeSearchPath(includeDirs: [corpus.path], base: corpus.path, currentDirectory: scratch.path),
                                   parserVersion: version)
        var bad = Set<String>()
        var checker = PolicyChecker()
        for (i, (url, c)) in cases.enumerated() {
            if i % 2000 == 0 { checker = PolicyChecker(options: options) }
            let got = checker.check(path: url.path).passed ? "PASS" : "FAIL"
            if got != c.expected { bad.insert("\(c.corpus)\t\(c.relative)") }
        }
        return bad
    }

    func run(_ cases: [(URL, Case)]) throws -> Set<String> { try Self.run(cases) }

    func testInTreeSimpleTests() throws {
        let root = Fixtures.conformance("parser-simple_tests")
        try XCTSkipUnless(FileManager.default.fileExists(atPath: root.path), "corpus not found")
        let cases = Self.cases(under: root, corpus: "in-tree")
        XCTAssertGreaterThan(cases.count, 2200)
        let bad = try run(cases)
        let agreement = Double(cases.count - bad.count) / Double(cases.count)
        XCTAssertGreaterThanOrEqual(agreement, 0.995, "agreement \(agreement)")
        let listed = try Self.listed().filter { $0.hasPrefix("in-tree\t") }
        XCTAssertEqual(bad.subtracting(listed).sorted(), [], "disagreements missing from the list")
        XCTAssertEqual(listed.subtracting(bad).sorted(), [], "listed files that now agree")
    }

    func testGeneratedSimpleTests() throws {
        let root = try XCTUnwrap(Fixtures.generatedSimpleTests.map { Optional($0) } ?? { throw XCTSkip("run `make generated-tests` first") }())
        let cases = Self.cases(under: root, corpus: "generated")
        XCTAssertEqual(cases.count, 71_496)
        let bad = try run(cases)
        let agreement = Double(cases.count - bad.count) / Double(cases.count)
        XCTAssertGreaterThanOrEqual(agreement, 0.99, "agreement \(agreement)")
        let listed = try Self.listed().filter { $0.hasPrefix("generated\t") }
        XCTAssertEqual(bad.subtracting(listed).sorted(), [], "disagreements missing from the list")
        XCTAssertEqual(listed.subtracting(bad).sorted(), [], "listed files that now agree")
    }
}
