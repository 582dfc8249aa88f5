import AASwiftTestSupport
import AppArmorSyntax
import Foundation
import XCTest

/// The parser never crashes or hangs: hostile input still gives a tree plus diagnostics.
final class RobustnessTests: XCTestCase {
    func testRandomBytes() {
        var rng = SplitMix(state: 42)
        for round in 0..<300 {
            let n = Int.random(in: 0..<4000, using: &rng)
            let bytes = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
            SyntaxTest.assertLossless(Parser.parse(path: "random-\(round)", bytes: bytes))
        }
    }

    func testRandomProfileAlphabet() {
        // Bytes drawn from the language's punctuation: far more likely to reach deep paths.
        let alphabet = Array("{}(),=+?:<>-@$^\"\\#/ \n\t\rabcprofile audit deny owner if else include rw".utf8)
        var rng = SplitMix(state: 7)
        for round in 0..<500 {
            let n = Int.random(in: 0..<600, using: &rng)
            let bytes = (0..<n).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] }
            SyntaxTest.assertLossless(Parser.parse(path: "alphabet-\(round)", bytes: bytes))
        }
    }

    func testEveryCorpusFileTruncatedAtRandomPoints() throws {
        var files = Fixtures.files(under: Fixtures.conformance("parser-simple_tests"), suffix: ".sd")
        files += SyntaxTest.policyFiles(under: Fixtures.conformance("profiles-apparmor.d"))
        try XCTSkipIf(files.isEmpty, "conformance corpus not found")
        var rng = SplitMix(state: 2026)
        for url in files {
            let bytes = SyntaxTest.read(url)
            for _ in 0..<3 where !bytes.isEmpty {
                let cut = Int.random(in: 0..<bytes.count, using: &rng)
                SyntaxTest.assertLossless(Parser.parse(path: url.path, bytes: Array(bytes[..<cut])))
            }
        }
    }

    func testTenMegabyteFile() {
        let unit = Array("profile p%d /usr/bin/p {\n  include <abstractions/base>\n  /etc/** r,  # c\n  network inet stream,\n}\n".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(10_500_000)
        while bytes.count < 10_000_000 { bytes += unit }
        let r = Parser.parse(path: "big", bytes: bytes)
        XCTAssertFalse(r.hasErrors)
        XCTAssertEqual(r.topLevelProfiles.count, bytes.count / unit.count)
        XCTAssertEqual(r.printedBytes.count, bytes.count)
    }

    func testTenThousandNestedBraces() {
        // Glued, the braces lex as one alternation word; spaced, as 10,000 nested blocks.
        let glued = "profile deep " + String(repeating: "{", count: 10_000) + String(repeating: "}", count: 10_000) + "\n"
        SyntaxTest.assertLossless(Parser.parse(text: glued))
        let text = "profile deep " + String(repeating: "{\n", count: 10_000) + String(repeating: "}\n", count: 10_000)
        let r = Parser.parse(text: text)
        SyntaxTest.assertLossless(r)
        // Each bare '{' is an error: the file stops at the error limit before the depth limit.
        XCTAssertTrue(r.diagnostics.contains { $0.id == .tooDeep || $0.id == .tooManyErrors })
        let nested = String(repeating: "profile a { ", count: 10_000) + "\n"
        let r2 = Parser.parse(text: nested)
        SyntaxTest.assertLossless(r2)
        XCTAssertTrue(r2.diagnostics.contains { $0.id == .tooDeep || $0.id == .unclosedBlock })
        let parens = "/x flags=" + String(repeating: "(", count: 10_000) + "\n"
        SyntaxTest.assertLossless(Parser.parse(text: parens))
        let cond = "if " + String(repeating: "not (", count: 10_000) + "${a} {}\n"
        SyntaxTest.assertLossless(Parser.parse(text: cond))
    }

    func testBinaryInputIsOneDiagnosticAndOneToken() {
        let bytes = Array("profile p {\n".utf8) + [0, 1, 2, 0xFF] + Array(" /a r,\n}\n".utf8)
        let r = Parser.parse(path: "bin", bytes: bytes)
        XCTAssertEqual(r.diagnostics.map(\.id), [.binaryInput])
        XCTAssertEqual(r.printedBytes, bytes)
        XCTAssertEqual(r.root.tokens.count, 2)  // the whole file, then the end of file
        XCTAssertFalse(r.looksLikePolicy)
        // No excerpt of the bytes is shown.
        XCTAssertEqual(r.diagnostics[0].rendered(in: r.source).split(separator: "\n").count, 1)
    }

    func testDiagnosticsStopAtTheLimit() {
        for text in [String(repeating: ",", count: 50_000) + "\n", String(repeating: "{", count: 50_000),
                     String(repeating: "profile p { }\n", count: 3) + String(repeating: "} x\n", count: 5_000)] {
            let r = Parser.parse(text: text)
            SyntaxTest.assertLossless(r)
            XCTAssertEqual(r.diagnostics.count, Parser.maxDiagnostics + 1)
            XCTAssertEqual(r.diagnostics.last?.id, .tooManyErrors)
            XCTAssertLessThanOrEqual(r.root.tokens.count, 1_000)
        }
    }

    func testRenderingReadsOnlyTheShownPartOfALine() {
        let line = String(repeating: "a", count: 200_000) + " ,\n"
        let r = Parser.parse(text: line)
        let rendered = r.diagnostics.map { $0.rendered(in: r.source) }.joined()
        XCTAssertLessThan(rendered.utf8.count, 2_000)
        let long = Diagnostic(.badInclude, .error, String(repeating: "x", count: 100_000), range: 0..<1)
        XCTAssertLessThanOrEqual(long.message.utf8.count, Diagnostic.maxMessageBytes)
        // Counted in bytes: undecodable input becomes U+FFFD, three bytes each (the fuzzer's
        // Tests/FuzzRegressionTests/Inputs/parser/crash-2d3c12... made an 811-byte message).
        let wide = Diagnostic(.badInclude, .error, "bus=" + String(repeating: "\u{FFFD}", count: 5_000) + " end", range: 0..<1)
        XCTAssertLessThanOrEqual(wide.message.utf8.count, Diagnostic.maxMessageBytes)
        XCTAssertTrue(wide.message.hasPrefix("bus=\u{FFFD}") && wide.message.hasSuffix("\u{FFFD} end"), wide.message)
    }

    func testAndChainIsOneFlatNode() throws {
        let r = Parser.parse(text: "if " + Array(repeating: "${b}", count: 50_000).joined(separator: " and ") + " {\n}\n")
        SyntaxTest.assertLossless(r)
        XCTAssertFalse(r.hasErrors)
        let and = try XCTUnwrap(r.root.firstChild(.conditional)?.firstChild(.andExpr))
        // Operands and operators in turn; a one-word operand is its own token (no node each).
        XCTAssertEqual(and.children.count, 2 * 50_000 - 1)
        XCTAssertTrue(and.childNodes.isEmpty)
        XCTAssertEqual(Set(and.childTokens.enumerated().map { i, t in r.text(t) == (i % 2 == 0 ? "${b}" : "and") }), [true])
    }

    func testALineOfBracesIsLexedOnce() {
        // Each '{' used to look ahead to the end of its line: quadratic on 1 MB of '{'.
        let r = Parser.parse(text: String(repeating: "{", count: 1_000_000))
        SyntaxTest.assertLossless(r)
        XCTAssertEqual(Parser.parse(text: "/a{b,c}/{d,e} r,\n").root.tokens.filter { $0.kind == .lbrace }.count, 0)
    }

    func testUnterminatedString() {
        let r = Parser.parse(text: "profile p {\n  \"/never/closed r,\n  /next r,\n}\n")
        SyntaxTest.assertLossless(r)
        XCTAssertEqual(r.diagnostics.first?.id, .unterminatedString)
        // The next line is still read as its own rule.
        XCTAssertEqual(r.profiles.first?.items.last?.kind, .fileRule)
    }

    func testEmptyAndWhitespaceOnly() {
        for text in ["", "\n", "   ", "# only a comment", "\r\n\r\n", "#include"] {
            SyntaxTest.assertLossless(Parser.parse(text: text))
        }
    }
}
