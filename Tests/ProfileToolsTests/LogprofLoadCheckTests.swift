import AppArmorSyntax
import Foundation
@testable import ProfileTools
import XCTest

/// The check before a write: an edit may leave an error the file already had, never add one
/// (the file as it was is read only when the edited file has errors).
final class LogprofLoadCheckTests: XCTestCase {
    let old = "profile p /usr/bin/p {\n  /a r,\n  @{nope}/x r,\n}\n"

    /// The profile folder with `p` as it is on disk, and the planned edit of it.
    func plan(_ new: String) throws -> (dir: String, file: PlannedFile) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aaswift-lc-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/p"
        try old.write(toFile: path, atomically: true, encoding: .utf8)
        return (dir, PlannedFile(path: path, old: Array(old.utf8), new: Array(new.utf8)))
    }

    func check(_ new: String) throws {
        let (dir, file) = try plan(new)
        try LogprofLoadCheck.check([file], profileFiles: [file.path], profileDir: dir, parserVersion: nil)
    }

    func testAnErrorTheFileHadIsLeft() throws {
        XCTAssertNoThrow(try check(old.replacingOccurrences(of: "  /a r,\n", with: "  /a r,\n  /b r,\n")))
    }

    func testAnEditWithoutErrorsPasses() throws {
        XCTAssertNoThrow(try check("profile p /usr/bin/p {\n  /a r,\n  /b r,\n}\n"))
    }

    func testANewErrorIsRefused() throws {
        XCTAssertThrowsError(try check(old.replacingOccurrences(of: "  /a r,\n", with: "  /a r,\n  @{other}/y r,\n"))) { error in
            XCTAssertTrue("\(error)".contains("@{other}"), "\(error)")
        }
    }

    /// The same error once more than the file had it is new.
    func testTheSameErrorOnceMoreIsRefused() throws {
        XCTAssertThrowsError(try check(old.replacingOccurrences(of: "  /a r,\n", with: "  /a r,\n  @{nope}/z r,\n")))
    }

    /// A new file has no errors of its own to excuse.
    func testANewFileWithAnErrorIsRefused() throws {
        let (dir, _) = try plan(old)
        let file = PlannedFile(path: dir + "/q", old: [], new: Array("profile q {\n  @{nope}/x r,\n}\n".utf8))
        XCTAssertThrowsError(try LogprofLoadCheck.check([file], profileFiles: [file.path], profileDir: dir, parserVersion: nil))
    }

    /// Many edited files are split between the processors; the error reported is that of the
    /// first file in the plan's order, whichever checker finds it, and files without a new
    /// error pass wherever they stand.
    func testTheFirstFileWithANewErrorIsReported() throws {
        let (dir, _) = try plan(old)
        var files: [PlannedFile] = []
        for i in 0..<9 {
            let bad = i == 5 || i == 8 ? "  @{missing\(i)}/x r,\n" : ""
            files.append(PlannedFile(path: dir + "/f\(i)", old: [], new: Array("profile f\(i) {\n  /a r,\n\(bad)}\n".utf8)))
        }
        for order in [files, files.reversed()] {
            XCTAssertThrowsError(try LogprofLoadCheck.check(order, profileFiles: order.map(\.path), profileDir: dir, parserVersion: nil)) { error in
                let first = order.first { $0.path.hasSuffix("/f5") || $0.path.hasSuffix("/f8") }!.path
                XCTAssertTrue("\(error)".contains(first), "\(error)")
            }
        }
        let good = files.enumerated().filter { $0.offset != 5 && $0.offset != 8 }.map(\.element)
        XCTAssertNoThrow(try LogprofLoadCheck.check(good, profileFiles: good.map(\.path), profileDir: dir, parserVersion: nil))
    }
}
