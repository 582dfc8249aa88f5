import Foundation
import XCTest

extension XCTestCase {
    /// A new empty folder under the temporary directory, removed when the test ends.
    func scratchFolder(_ prefix: String = "aaswift-cli") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// A scratch folder holding these files (relative path: text), removed when the test ends.
    func scratchTree(_ prefix: String, _ files: [String: String]) throws -> URL {
        let dir = try scratchFolder(prefix)
        for (name, text) in files {
            let url = dir.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return dir
    }
}
