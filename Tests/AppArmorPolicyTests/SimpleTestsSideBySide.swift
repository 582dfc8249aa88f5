import AASwiftTestSupport
import AppArmorPolicy
import AppArmorSyntax
import Foundation

/// Upstream's in-tree simple_tests laid out for a real apparmor_parser and for the checker to
/// judge side by side: a copy of the corpus (so that a chroot can hold it), each runnable file
/// without its `#=` header lines (as upstream's harness feeds the parser), and `tst/simple_tests`
/// pointing at the copy by a relative link, for the includes relative to the harness's folder.
struct SimpleTestsSideBySide {
    let folder: URL
    let corpus: URL
    let features: URL
    let tst: URL
    /// The corpus path of each case and the path of its stripped copy.
    let cases: [(relative: String, path: String)]

    init(in folder: URL) throws {
        let source = Fixtures.conformance("parser-simple_tests")
        self.folder = folder
        corpus = folder.appendingPathComponent("corpus")
        features = folder.appendingPathComponent("features.all")
        tst = folder.appendingPathComponent("tst")
        let fm = FileManager.default
        try fm.createDirectory(at: folder.appendingPathComponent("cases"), withIntermediateDirectories: true)
        try fm.copyItem(at: source, to: corpus)
        try fm.copyItem(at: Fixtures.conformance("parser-features_files/features.all"), to: features)
        try fm.createDirectory(at: tst, withIntermediateDirectories: true)
        try fm.createSymbolicLink(atPath: tst.appendingPathComponent("simple_tests").path, withDestinationPath: "../corpus")
        var cases: [(String, String)] = []
        for (i, (url, c)) in SimpleTestsConformanceTests.cases(under: source, corpus: "side-by-side").enumerated() {
            let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
            let body = text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("#=") }.joined(separator: "\n")
            let path = folder.appendingPathComponent("cases/case\(i).sd").path
            try Data(body.utf8).write(to: URL(fileURLWithPath: path))
            cases.append((c.relative, path))
        }
        self.cases = cases
    }

    /// Whether the checker passes each case, judging as `version` does.
    func ours(_ version: ParserVersion) throws -> [Bool] {
        let options = CheckOptions(searchPath: IncludeSearchPath(includeDirs: [corpus.path], base: corpus.path, currentDirectory: tst.path),
                                   features: try FeatureSet(contentsOf: features.path), parserVersion: version)
        var checker = PolicyChecker(options: options)
        return cases.enumerated().map { i, c in
            if i % 1000 == 0 { checker = PolicyChecker(options: options) }
            return checker.check(path: c.path).passed
        }
    }

    /// "VERSION<TAB>path<TAB>the parser's verdict" for each case where the checker disagrees
    /// with the parser (`theirs`: nil for a case the parser did not finish).
    func disagreements(_ label: String, theirs: [Bool?], ours: [Bool]) -> Set<String> {
        var bad = Set<String>()
        for (i, c) in cases.enumerated() {
            guard let t = theirs[i], t != ours[i] else { continue }
            bad.insert("\(label)\t\(c.relative)\t\(t ? "PASS" : "FAIL")")
        }
        return bad
    }

    /// The listed lines of a list in Conformance/ whose first field is `label`, as
    /// "label<TAB>path<TAB>verdict".
    static func listed(_ list: String, _ label: String) throws -> Set<String> {
        let text = try String(contentsOf: Fixtures.project("Conformance/\(list)"), encoding: .utf8)
        return Set(text.split(separator: "\n").filter { $0.hasPrefix(label + "\t") }.map { line in
            line.split(separator: "\t", omittingEmptySubsequences: false).prefix(3).joined(separator: "\t")
        })
    }
}
