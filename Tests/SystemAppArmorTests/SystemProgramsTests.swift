import Foundation
import SystemAppArmor
import XCTest

/// The one program locator: `$PATH` in order (empty entries skipped), the default folders
/// without it, a path taken as is, and more folders after `$PATH` when asked.
final class SystemProgramsTests: XCTestCase {
    func testSearchPathFollowsTheEnvironment() {
        XCTAssertEqual(SystemPrograms.searchPath(["PATH": "/a::/b"]), ["/a", "/b"])
        XCTAssertEqual(SystemPrograms.searchPath([:]), SystemPrograms.defaultSearchPath)
        XCTAssertEqual(SystemPrograms.searchPath(["PATH": ""]), SystemPrograms.defaultSearchPath)
    }

    func testFindTakesTheFirstExecutable() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("aaswift-programs-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: root) }
        for dir in ["one", "two", "three"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(dir), withIntermediateDirectories: true)
        }
        let plain = root.appendingPathComponent("one/tool").path
        let exec2 = root.appendingPathComponent("two/tool").path
        let exec3 = root.appendingPathComponent("three/tool").path
        for p in [plain, exec2, exec3] { FileManager.default.createFile(atPath: p, contents: Data("#!/bin/sh\n".utf8)) }
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: plain)
        for p in [exec2, exec3] { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: p) }
        let dirs = ["one", "two", "three"].map { root.appendingPathComponent($0).path }
        XCTAssertEqual(SystemPrograms.find("tool", in: dirs), exec2, "not executable: skipped")
        XCTAssertEqual(SystemPrograms.find("tool", in: [dirs[0]], alsoIn: [dirs[2]]), exec3)
        XCTAssertNil(SystemPrograms.find("tool", in: [dirs[0]]))
        XCTAssertEqual(SystemPrograms.find(exec3), exec3)
        XCTAssertNil(SystemPrograms.find(plain))
        XCTAssertEqual(SystemPrograms.first([plain, exec3]), exec3)
        XCTAssertEqual(SystemPrograms.find("sh", in: ["/bin"]), "/bin/sh")
    }
}
