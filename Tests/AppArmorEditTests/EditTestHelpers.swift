import AppArmorEdit
import AppArmorSyntax
import XCTest

/// Small helpers shared by the AppArmorEdit tests.
enum EditTest {
    static func parse(_ text: String) -> ParseResult { Parser.parse(path: "t", text: text) }

    /// The profile or hat of that name (a hat's name without `^`).
    static func profile(_ r: ParseResult, _ name: String) -> ProfileSyntax {
        guard let p = r.profiles.first(where: { $0.name(in: r) == name }) else {
            fatalError("no profile \(name)")
        }
        return p
    }

    static func apply(_ text: String, _ body: (ParseResult, inout EditedFile) throws -> Void) throws -> String {
        let r = parse(text)
        var f = EditedFile(r)
        try body(r, &f)
        return String(decoding: try f.resultBytes(), as: UTF8.self)
    }

    static func lines(_ bytes: [UInt8]) -> [String] {
        String(decoding: bytes, as: UTF8.self).components(separatedBy: "\n")
    }

    /// A temporary folder, removed at the end of the test.
    static func tempDir(_ test: XCTestCase) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("aaswift-edit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }
}
