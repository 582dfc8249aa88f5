import Foundation
import XCTest
@testable import SystemAppArmor

final class PolicyLoaderTests: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("aaswift-loader-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: scratch)
    }

    /// A stand-in parser: prints its arguments, one a line, on stdout; a message on stderr;
    /// exits 3 when an argument is "bad".
    func fakeParser() throws -> String {
        let path = scratch.appendingPathComponent("fake_parser").path
        try """
            #!/bin/sh
            for a in "$@"; do echo "$a"; done
            echo "parser says hello" >&2
            for a in "$@"; do [ "$a" = bad ] && exit 3; done
            exit 0
            """.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return path
    }

    func testArgumentsForEachAction() {
        XCTAssertEqual(ApparmorParser.arguments(.replace, files: ["/p/a"], includeDirs: ["/i1", "/i2"], base: "/b"),
                       ["-r", "-I", "/i1", "-I", "/i2", "--base", "/b", "/p/a"])
        XCTAssertEqual(ApparmorParser.arguments(.remove, files: ["x", "y"], includeDirs: [], base: nil), ["-R", "x", "y"])
        XCTAssertEqual(ApparmorParser.arguments(.check, files: ["f"], includeDirs: [], base: nil), ["-Q", "-K", "f"])
    }

    func testRealLoaderRunsTheProgramAndCapturesOutput() throws {
        let loader = ApparmorParser(program: try fakeParser())
        let ok = try loader.replace(files: ["/etc/apparmor.d/usr.bin.foo"], includeDirs: ["/inc"], base: "/base")
        XCTAssertEqual(ok.status, 0)
        XCTAssertEqual(ok.standardOutput, "-r\n-I\n/inc\n--base\n/base\n/etc/apparmor.d/usr.bin.foo\n")
        XCTAssertEqual(ok.standardError, "parser says hello\n")
        let bad = try loader.check(files: ["bad"])
        XCTAssertEqual(bad.status, 3)
        XCTAssertFalse(bad.succeeded)
        XCTAssertEqual(bad.arguments, ["-Q", "-K", "bad"])
    }

    func testMissingProgramThrows() {
        let loader = ApparmorParser(program: scratch.appendingPathComponent("nope").path)
        XCTAssertThrowsError(try loader.remove(files: ["x"]))
    }

    func testRealApparmorParserChecksAProfile() throws {
        guard FileManager.default.isExecutableFile(atPath: ApparmorParser.defaultPath) else {
            throw XCTSkip("apparmor_parser is not installed")
        }
        let good = scratch.appendingPathComponent("good")
        try "profile good /usr/bin/good {\n  /etc/hosts r,\n}\n".write(to: good, atomically: true, encoding: .utf8)
        let bad = scratch.appendingPathComponent("bad")
        try "profile bad /usr/bin/bad {\n  /etc/hosts rq,\n}\n".write(to: bad, atomically: true, encoding: .utf8)
        let loader = ApparmorParser()
        XCTAssertEqual(try loader.check(files: [good.path]).status, 0)
        let failed = try loader.check(files: [bad.path])
        XCTAssertNotEqual(failed.status, 0)
        XCTAssertFalse(failed.standardError.isEmpty)
    }

    func testRecordingLoader() throws {
        let loader = RecordingPolicyLoader { call in
            PolicyLoadResult(arguments: [], status: call.files.contains("fail") ? 1 : 0, standardError: call.files.contains("fail") ? "no" : "")
        }
        XCTAssertTrue(try loader.replace(files: ["a"], includeDirs: ["/i"]).succeeded)
        XCTAssertFalse(try loader.remove(files: ["fail"], base: "/b").succeeded)
        XCTAssertEqual(loader.calls, [
            .init(action: .replace, files: ["a"], includeDirs: ["/i"], base: nil),
            .init(action: .remove, files: ["fail"], includeDirs: [], base: "/b"),
        ])
    }
}
