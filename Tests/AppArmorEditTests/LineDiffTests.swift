import AppArmorEdit
import XCTest

/// Our unified diff against GNU diff -u on the same inputs (labels aside).
final class LineDiffTests: XCTestCase {
    func gnuDiff(_ a: String, _ b: String) throws -> String {
        let dir = try EditTest.tempDir(self)
        let fa = dir.appendingPathComponent("a"), fb = dir.appendingPathComponent("b")
        try Data(a.utf8).write(to: fa)
        try Data(b.utf8).write(to: fb)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/diff")
        p.arguments = ["-u", "--label", "a", "--label", "b", fa.path, fb.path]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    func testMatchesGNUDiff() throws {
        let base = (1...40).map { "line \($0)\n" }
        var cases: [(String, String)] = []
        var b1 = base; b1.insert("new\n", at: 10); b1[30] = "changed\n"
        cases.append((base.joined(), b1.joined()))
        var b2 = base; b2.removeSubrange(0..<3); b2.append("tail\n")
        cases.append((base.joined(), b2.joined()))
        var b3 = base; b3[5] = "x\n"; b3[8] = "y\n"
        cases.append((base.joined(), b3.joined()))
        cases.append(("a\nb\nc", "a\nb\nc\n"))
        cases.append(("", "one\n"))
        cases.append(("one\ntwo\n", ""))
        for (a, b) in cases {
            XCTAssertEqual(TextDiff.unified(Array(a.utf8), Array(b.utf8), oldLabel: "a", newLabel: "b"), try gnuDiff(a, b))
        }
    }

    func testEqualInputsGiveNoDiff() {
        XCTAssertEqual(TextDiff.unified(Array("x\n".utf8), Array("x\n".utf8), oldLabel: "a", newLabel: "b"), "")
    }
}
