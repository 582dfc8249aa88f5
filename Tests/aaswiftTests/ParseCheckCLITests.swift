import AASwiftTestSupport
import Foundation
import XCTest

/// End-to-end runs of the binary: `parse` and `check --syntax-only`.
final class ParseCheckCLITests: XCTestCase {
    func testEmitSourceIsByteIdenticalForManyFiles() throws {
        let files = Fixtures.files(under: Fixtures.project("TestProfiles"), suffix: ".aa")
        let r = try Fixtures.aaswift(["parse", "--emit", "source"] + files.map(\.path))
        XCTAssertEqual(r.status, 0)
        let expected = try files.map { try String(contentsOf: $0, encoding: .utf8) }.joined()
        XCTAssertEqual(r.stdout, expected)
    }

    func testEmitSourceFromStdinAndFilesFrom() throws {
        let dir = try scratchFolder("aaswift-cli")
        let bytes = Data([0x2F, 0x70, 0x20, 0x7B, 0xFF, 0x00, 0x0A, 0x7D])  // "/p {\xff\0\n}" not UTF-8
        let file = dir.appendingPathComponent("odd")
        try bytes.write(to: file)
        let viaStdin = try Fixtures.aaswift(["parse", "--emit", "source", "-"], stdin: bytes)
        XCTAssertEqual(Data(viaStdin.stdout.utf8).count > 0, true)
        let list = dir.appendingPathComponent("list")
        try (file.path + "\n").write(to: list, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out")
        // Compare bytes exactly through a shell redirect (stdout decoding is lossy).
        let sh = try Fixtures.run(URL(fileURLWithPath: "/bin/sh"), ["-c", "\"$0\" parse --emit source --files-from \"$1\" > \"$2\"", Fixtures.aaswiftBinary.path, list.path, out.path])
        XCTAssertEqual(sh.status, 0, sh.stderr)
        XCTAssertEqual(try Data(contentsOf: out), bytes)
    }

    func testEmitTreeGolden() throws {
        let r = try Fixtures.aaswift(["parse", "--emit", "tree", "TestProfiles/conditionals.aa"], cwd: Fixtures.projectRoot)
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(r.stdout, try String(contentsOf: Fixtures.project("TestProfiles/golden/conditionals.tree"), encoding: .utf8))
    }

    func testCheckTSVAndExitCodes() throws {
        let dir = try scratchFolder("aaswift-cli")
        try "/good {\n  /a r,\n}\n".write(to: dir.appendingPathComponent("good"), atomically: true, encoding: .utf8)
        try "/bad {\n  /a r\n}\n".write(to: dir.appendingPathComponent("bad"), atomically: true, encoding: .utf8)
        try "junk".write(to: dir.appendingPathComponent("skip.dpkg-new"), atomically: true, encoding: .utf8)
        let good = try Fixtures.aaswift(["check", "--syntax-only", "--report", "tsv", dir.appendingPathComponent("good").path])
        XCTAssertEqual(good.status, 0)
        XCTAssertEqual(good.stdout, "\(dir.path)/good\tPASS\t\n")
        let both = try Fixtures.aaswift(["check", "--syntax-only", "--report", "tsv", dir.path])
        XCTAssertEqual(both.status, 1)
        XCTAssertEqual(both.stdout, "\(dir.path)/bad\tFAIL\t\(dir.path)/bad:2:7: error: missing ',' at the end of the rule [AA1002]\n\(dir.path)/good\tPASS\t\n")
        let text = try Fixtures.aaswift(["check", "--syntax-only", dir.appendingPathComponent("bad").path], environment: ["NO_COLOR": "1"])
        XCTAssertEqual(text.status, 1)
        XCTAssertEqual(text.stderr, "\(dir.path)/bad:2:7: error: missing ',' at the end of the rule [AA1002]\n    /a r\n        ^\n")
        let usage = try Fixtures.aaswift(["check", "--report", "nonsense", dir.path])
        XCTAssertEqual(usage.status, 2)
        XCTAssertTrue(usage.stderr.contains("nonsense"), usage.stderr)
        let missing = try Fixtures.aaswift(["check", "/does/not/exist"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("/does/not/exist: no such file or folder"), missing.stderr)
    }
}
