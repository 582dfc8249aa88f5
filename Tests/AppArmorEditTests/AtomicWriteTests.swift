import Foundation
import XCTest
@testable import AppArmorEdit

final class AtomicWriteTests: XCTestCase {
    var dir: String!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("aaswift-atomic-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    func contents(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8)
    }

    func folderListing() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
    }

    func mode(_ path: String) -> mode_t {
        var st = stat()
        XCTAssertEqual(stat(path, &st), 0)
        return st.st_mode & 0o7777
    }

    struct Injected: Error, CustomStringConvertible {
        var description: String { "injected failure" }
    }

    func testReplacesContentAndKeepsMode() throws {
        let path = dir + "/profile"
        try "old\n".write(toFile: path, atomically: false, encoding: .utf8)
        chmod(path, 0o640)
        try AtomicWrite.write("new\ncontent\n", to: path)
        XCTAssertEqual(try contents(path), "new\ncontent\n")
        XCTAssertEqual(mode(path), 0o640)
        XCTAssertEqual(try folderListing(), ["profile"])
    }

    func testKeepsOwnerWhenRunAsRoot() throws {
        guard geteuid() == 0 else { throw XCTSkip("changing a file's owner needs root") }
        let path = dir + "/owned"
        try "old\n".write(toFile: path, atomically: false, encoding: .utf8)
        XCTAssertEqual(chown(path, 4321, 8765), 0)
        try AtomicWrite.write("new\n", to: path)
        var st = stat()
        XCTAssertEqual(stat(path, &st), 0)
        XCTAssertEqual(st.st_uid, 4321)
        XCTAssertEqual(st.st_gid, 8765)
        XCTAssertEqual(try contents(path), "new\n")
    }

    func testNewFileGetsTheDefaultModeUnderTheUmask() throws {
        let path = dir + "/fresh"
        let old = umask(0o022)
        defer { umask(old) }
        try AtomicWrite.write("x\n", to: path)
        XCTAssertEqual(mode(path), 0o644)
        try AtomicWrite.write("y\n", to: dir + "/fresh2", options: .init(newFileMode: 0o600))
        XCTAssertEqual(mode(dir + "/fresh2"), 0o600)
    }

    func testInjectedFailureBeforeRenameLeavesOriginalAndNoTempFile() throws {
        let path = dir + "/usr.bin.foo"
        let original = "profile foo {\n  /etc/hosts r,\n}\n"
        try original.write(toFile: path, atomically: false, encoding: .utf8)
        let seen = TempSeen()
        XCTAssertThrowsError(try AtomicWrite.write("broken", to: path, options: .init(beforeRename: { temp in
            // The new bytes are complete in the temporary file at this point.
            seen.path = temp
            seen.contents = try? String(contentsOfFile: temp, encoding: .utf8)
            throw Injected()
        }))) { error in
            XCTAssertEqual((error as? AtomicWrite.Failure)?.step, .beforeRename)
            XCTAssertTrue("\(error)".contains("injected failure"))
        }
        XCTAssertEqual(seen.contents, "broken")
        XCTAssertEqual(seen.path.map { ($0 as NSString).deletingLastPathComponent }, dir)
        XCTAssertEqual(try contents(path), original)
        XCTAssertEqual(try folderListing(), ["usr.bin.foo"])
    }

    func testValidationFailureRefusesToWrite() throws {
        let path = dir + "/p"
        try "keep\n".write(toFile: path, atomically: false, encoding: .utf8)
        struct DoesNotParse: Error, CustomStringConvertible { var description: String { "line 1: unexpected '}'" } }
        XCTAssertThrowsError(try AtomicWrite.write("}\n", to: path) { bytes in
            if bytes.first == UInt8(ascii: "}") { throw DoesNotParse() }
        }) { error in
            let failure = error as? AtomicWrite.Failure
            XCTAssertEqual(failure?.step, .validate)
            XCTAssertEqual(failure?.description, "\(path): refusing to write: line 1: unexpected '}'")
        }
        XCTAssertEqual(try contents(path), "keep\n")
        XCTAssertEqual(try folderListing(), ["p"])
        // A passing check writes.
        var checked: [UInt8] = []
        try AtomicWrite.write("ok\n", to: path) { checked = $0 }
        XCTAssertEqual(checked, Array("ok\n".utf8))
        XCTAssertEqual(try contents(path), "ok\n")
    }

    func testFollowsASymbolicLink() throws {
        let real = dir + "/real"
        let link = dir + "/link"
        try "old\n".write(toFile: real, atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "real")
        try AtomicWrite.write("new\n", to: link)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link), "real")
        XCTAssertEqual(try contents(real), "new\n")
    }

    func testMissingFolderFailsCleanly() {
        XCTAssertThrowsError(try AtomicWrite.write("x", to: dir + "/no/such/file")) { error in
            XCTAssertEqual((error as? AtomicWrite.Failure)?.step, .create)
            XCTAssertEqual((error as? AtomicWrite.Failure)?.code, ENOENT)
        }
    }

    func testLargeContentIsWrittenWhole() throws {
        let path = dir + "/big"
        let bytes = (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try AtomicWrite.write(bytes, to: path)
        XCTAssertEqual(Array(try Data(contentsOf: URL(fileURLWithPath: path))), bytes)
    }

    func testSplitPath() {
        XCTAssertEqual(AtomicWrite.split("/etc/apparmor.d/x").folder, "/etc/apparmor.d")
        XCTAssertEqual(AtomicWrite.split("/x").folder, "/")
        XCTAssertEqual(AtomicWrite.split("x").folder, ".")
    }
}

private final class TempSeen: @unchecked Sendable {
    var path: String?
    var contents: String?
}

final class UmaskReadingTests: XCTestCase {
    func testCurrentUmaskMatchesTheProcessUmask() {
        let old = umask(0o027)
        defer { umask(old) }
        XCTAssertEqual(AtomicWrite.currentUmask(), 0o027)
    }
}
