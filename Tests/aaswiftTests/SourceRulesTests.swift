import Foundation
import XCTest

/// Rules every source file of the tools keeps, checked on the tree (another engineer's merge
/// can break them without any other test noticing):
/// - no `import Foundation`: FoundationEssentials only, so the static binary carries no ICU
///   data table (61 MB stripped with it, 17.5 MB without);
/// - no `@_silgen_name`: C functions come through a module (Glibc, CGlibcExtras).
final class SourceRulesTests: XCTestCase {
    /// The Swift files of the targets linked into the binary (AASwiftTestSupport is not).
    func toolSources() throws -> [(path: String, text: String)] {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources")
        let walker = try XCTUnwrap(FileManager.default.enumerator(atPath: sources.path))
        var out: [(String, String)] = []
        for case let rel as String in walker where rel.hasSuffix(".swift") && !rel.hasPrefix("AASwiftTestSupport/") {
            let path = sources.appendingPathComponent(rel).path
            out.append((rel, try String(contentsOfFile: path, encoding: .utf8)))
        }
        XCTAssertGreaterThan(out.count, 50, "the source tree was not found")
        return out
    }

    func testNoSourceImportsFullFoundation() throws {
        for (path, text) in try toolSources() {
            for line in text.split(separator: "\n") {
                let words = line.split(separator: " ")
                guard words.first == "import" || (words.count > 1 && words[1] == "import") else { continue }
                XCTAssertFalse(words.contains("Foundation") || words.contains("FoundationInternationalization"),
                               "\(path): '\(line)' links ICU into the binary; import FoundationEssentials")
            }
        }
    }

    func testNoSilgenName() throws {
        for (path, text) in try toolSources() {
            XCTAssertFalse(text.contains("@_silgen_name"), "\(path): declare C functions through a module, not @_silgen_name")
        }
    }
}
