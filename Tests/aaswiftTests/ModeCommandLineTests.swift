import AASwiftTestSupport
import Foundation
import XCTest

/// The mode commands read their command line without the argument parser (`ModeRun`): every
/// option must have its value then, given or not.
final class ModeCommandLineTests: XCTestCase {
    func testProfileFileWithoutFolderOption() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aaswift-modes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("ns")
        try Data("profile ns /opt/e2e/ns {\n  /opt/e2e/ns mr,\n}\n".utf8).write(to: file)
        // No -d: the folder option keeps its default (a crash here once: "Can't read a value
        // from a parsable argument definition").
        // The file is outside the default folder /etc/apparmor.d: reported as upstream does.
        let r = try Fixtures.aaswift(["complain", "--no-reload", "--dry-run", file.path])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("not found, skipping"), r.stderr)
        XCTAssertFalse(r.stderr.contains("parsable argument"), r.stderr)
        // With the folder given, the same command line changes the header.
        let ok = try Fixtures.aaswift(["complain", "--no-reload", "--dry-run", "-d", dir.path, file.path])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertTrue(ok.stdout.contains("+profile ns /opt/e2e/ns flags=(complain) {"), ok.stdout)
    }
}
