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
}
