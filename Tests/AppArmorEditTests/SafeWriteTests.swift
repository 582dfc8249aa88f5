import AppArmorEdit
import AppArmorSyntax
import XCTest

final class SafeWriteTests: XCTestCase {
    struct Injected: Error {}

    func testFailureBeforeRenameLeavesTheOriginal() throws {
        let dir = try EditTest.tempDir(self)
        let path = dir.appendingPathComponent("usr.bin.foo").path
        let original = "profile foo /usr/bin/foo {\n  /etc/foo r,\n}\n"
        try Data(original.utf8).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o640)
        var f = EditedFile(path: path, bytes: Array(original.utf8))
        try f.changeFlags(of: f.original.profiles[0], adding: ["complain"])
        let options = AtomicWrite.Options(beforeRename: { temp in
            // The new bytes are complete in the temp file when the failure hits.
            XCTAssertTrue(try String(contentsOfFile: temp, encoding: .utf8).contains("flags=(complain)"))
            throw Injected()
        })
        XCTAssertThrowsError(try f.write(options: options)) {
            XCTAssertEqual(($0 as? AtomicWrite.Failure)?.step, .beforeRename, "\($0)")
        }
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), original)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["usr.bin.foo"], "temp file left behind")
    }

    func testWriteKeepsTheMode() throws {
        let dir = try EditTest.tempDir(self)
        let path = dir.appendingPathComponent("p").path
        try Data("/x {\n}\n".utf8).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o604)
        var f = EditedFile(path: path, bytes: Array("/x {\n}\n".utf8))
        try f.changeFlags(of: f.original.profiles[0], adding: ["audit"])
        try f.write()
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "/x flags=(audit) {\n}\n")
        let attrs = try FileManager.default.attributesOfItem(atPath: path)
        XCTAssertEqual((attrs[.posixPermissions] as? NSNumber)?.intValue, 0o604)
    }

    func testRefusesAResultThatNoLongerParses() throws {
        let dir = try EditTest.tempDir(self)
        let path = dir.appendingPathComponent("p").path
        let text = "/x {\n  /a r,\n}\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        var f = EditedFile(path: path, bytes: Array(text.utf8))
        try f.add(.insert("  /b r\n", at: text.count - 2))  // no comma
        XCTAssertThrowsError(try f.write()) {
            let failure = $0 as? AtomicWrite.Failure
            XCTAssertEqual(failure?.step, .validate, "\($0)")
            XCTAssertTrue(failure?.message.contains("no longer parses") == true, "\($0)")
        }
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), text)
    }
}
