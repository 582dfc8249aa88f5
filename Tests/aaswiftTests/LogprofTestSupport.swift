import AASwiftTestSupport
import Foundation
import XCTest

enum LogprofTestSupport {
    /// A writable copy of upstream's profiles-apparmor.d, removed when the test ends.
    static func profileCopy(for test: XCTestCase) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("aaswift-logprof-\(UUID().uuidString)")
        for args in [["cp", "-r", Fixtures.conformance("profiles-apparmor.d").path, url.path], ["chmod", "-R", "u+w", url.path]] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = args
            try p.run()
            p.waitUntilExit()
        }
        test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }
}
