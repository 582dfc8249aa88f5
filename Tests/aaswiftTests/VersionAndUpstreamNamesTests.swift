import AASwiftTestSupport
import Foundation
import XCTest

/// `aaswift --version` says what a bug report needs; invoked as aa-<tool> (the links the package
/// puts in /usr/libexec/aaswift/aa-bin), aaswift runs that subcommand.
final class VersionAndUpstreamNamesTests: XCTestCase {
    func testVersionNamesBuildAndParser() throws {
        let r = try Fixtures.aaswift(["--version"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 4, r.stdout)
        XCTAssertTrue(lines[0].hasPrefix("aaswift "), r.stdout)
        XCTAssertTrue(lines[1].hasPrefix("commit: "), r.stdout)
        XCTAssertTrue(lines[2].hasPrefix("libapparmor: ") && lines[2].hasSuffix("(built with)"), r.stdout)
        if FileManager.default.isExecutableFile(atPath: "/sbin/apparmor_parser") {
            XCTAssertTrue(lines[3].hasPrefix("apparmor_parser: /sbin/apparmor_parser (AppArmor parser version "), r.stdout)
        } else {
            XCTAssertTrue(lines[3].hasPrefix("apparmor_parser: "), r.stdout)
        }
    }

    func testUpstreamNamesRunTheirSubcommand() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aa-bin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["aa-decode", "aa-status", "aa-parse"] {
            try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent(name), withDestinationURL: Fixtures.aaswiftBinary)
        }
        let decode = try Fixtures.run(dir.appendingPathComponent("aa-decode"), ["414243"])
        XCTAssertEqual(decode.status, 0, decode.stderr)
        XCTAssertEqual(decode.stdout, "Decoded: ABC\n")
        let status = try Fixtures.run(dir.appendingPathComponent("aa-status"), ["--help"])
        XCTAssertTrue(status.stdout.contains("USAGE: aaswift status"), status.stdout)
        // Only the upstream tools' names: aa-parse is no upstream tool, so it is plain aaswift.
        let other = try Fixtures.run(dir.appendingPathComponent("aa-parse"), ["414243"])
        XCTAssertEqual(other.status, 2, other.stdout)
    }
}
