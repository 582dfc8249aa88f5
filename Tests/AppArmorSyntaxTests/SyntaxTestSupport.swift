import AASwiftTestSupport
import AppArmorSyntax
import Foundation
import XCTest

/// Helpers shared by the syntax tests.
enum SyntaxTest {
    static func read(_ url: URL) -> [UInt8] {
        (try? Array(Data(contentsOf: url))) ?? []
    }

    /// Checks that the tokens of a tree cover the input exactly, in order, with no gap.
    static func assertLossless(_ result: ParseResult, file: StaticString = #filePath, line: UInt = #line) {
        var expected = 0
        var ok = true
        result.root.forEachToken { t in
            if Int(t.leadingStart) != expected || t.leadingStart > t.textStart || t.textStart > t.textEnd || t.textEnd > t.trailingEnd {
                ok = false
            }
            expected = Int(t.trailingEnd)
        }
        XCTAssertTrue(ok && expected == result.source.bytes.count, "tokens do not tile \(result.source.path)", file: file, line: line)
        XCTAssertEqual(result.printedBytes, result.source.bytes, "round trip differs for \(result.source.path)", file: file, line: line)
    }

    /// `#=EXRESULT PASS|FAIL` of a simple_test, nil when `#=DISABLED` or absent.
    static func expectedResult(_ bytes: [UInt8]) -> String? {
        let text = String(decoding: bytes, as: UTF8.self)
        var result: String?
        for line in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let upper = line.uppercased()
            if upper.hasPrefix("#=DISABLED") { return nil }
            if upper.hasPrefix("#=EXRESULT") {
                result = upper.contains("PASS") ? "PASS" : "FAIL"
            }
        }
        return result
    }

    /// Real profile files below a policy tree: everything but abi/ (feature ABI files, not
    /// policy) and READMEs.
    static func policyFiles(under root: URL) -> [URL] {
        Fixtures.files(under: root).filter {
            !$0.path.contains("/abi/") && $0.lastPathComponent != "README"
        }
    }
}
