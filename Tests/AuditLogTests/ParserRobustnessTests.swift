import AASwiftTestSupport
import AuditLog
import Foundation
import XCTest

/// The parser and rule synthesis take any bytes without trapping: every prefix of every corpus
/// record, and records with random bytes overwritten.
final class ParserRobustnessTests: XCTestCase {
    static func corpusLines() throws -> [[UInt8]] {
        try Fixtures.files(under: Fixtures.conformance("libapparmor-test_multi"), suffix: ".in").map {
            Array(try Data(contentsOf: $0))
        }
    }

    func testEveryPrefixParses() throws {
        var parsed = 0
        for line in try Self.corpusLines() {
            for end in 0...line.count {
                let r = AuditRecordParser.parse(Array(line[..<end]))
                _ = EventExtraction.extract(r)
                _ = TestMultiFormat.render(r, file: "x")
                parsed += 1
            }
        }
        XCTAssertGreaterThan(parsed, 40_000)
    }

    func testRandomMutationsParse() throws {
        var rng = SplitMix(state: 99)
        let lines = try Self.corpusLines()
        var builder = ProfileProposalBuilder()
        for i in 0..<30_000 {
            var line = lines[i % lines.count]
            for _ in 0..<Int.random(in: 1...6, using: &rng) where !line.isEmpty {
                let k = Int.random(in: 0..<line.count, using: &rng)
                let pick: [UInt8] = [0x22, 0x27, 0x3D, 0x20, 0x5C, 0x28, 0x29, 0x3A, 0x0A, 0x1D, 0x2F, 0xFF, 0x30, 0x41]
                line[k] = Bool.random(using: &rng) ? pick.randomElement(using: &rng)! : UInt8.random(in: 0...255, using: &rng)
            }
            let r = AuditRecordParser.parse(line)
            builder.add(r)
            _ = RecordJSON.render(r, line: i)
        }
        XCTAssertFalse(builder.renderProfiles().isEmpty)
    }
}

final class ReaderRobustnessTests: XCTestCase {
    func records(_ data: [UInt8]) throws -> Int {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("aaswift-reader-\(getpid())-\(data.count).log")
        try Data(data).write(to: path)
        defer { try? FileManager.default.removeItem(at: path) }
        var n = 0
        AuditLogReader(source: try XCTUnwrap(LineSource(path: path.path))).forEachRecord { _, _ in n += 1 }
        return n
    }

    func testBrokenJournalInputIsSkipped() throws {
        // A binary export field with an absurd length, broken JSON, an unterminated USER_AVC.
        var data = Array("__CURSOR=x\nMESSAGE\n".utf8) + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F] + Array("\n\n".utf8)
        data += Array("{\"MESSAGE\": \"audit: type=1400 audit(1.2:3): apparmor=\\\"DENIED\\\" operation=\\\"open\\\" profile=\\\"p\\\"\"\n".utf8)
        data += Array("{not json}\n".utf8)
        data += Array("type=USER_AVC msg=audit(1.2:3): pid=1 msg='apparmor=\"DENIED\" operation=\"dbus_bind\"\n   bus=\"system\"".utf8)
        XCTAssertGreaterThanOrEqual(try records(data), 1)
    }

    func testLongLinesAcrossBufferBoundaries() throws {
        let name = String(repeating: "a", count: 200_000)
        let line = "type=AVC msg=audit(1.2:3): apparmor=\"DENIED\" operation=\"open\" profile=\"p\" name=\"/\(name)\" pid=1\n"
        XCTAssertEqual(try records(Array((line + line + line).utf8)), 3)
    }
}
