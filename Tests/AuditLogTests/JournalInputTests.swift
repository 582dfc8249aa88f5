import AASwiftTestSupport
import AuditLog
import Foundation
import XCTest

/// journald output of the same records as an audit.log gives the same records and events.
final class JournalInputTests: XCTestCase {
    static let fixtures = Fixtures.project("Tests/AuditLogTests/Fixtures")

    static func records(_ source: LineSource) -> [AuditRecord] {
        var out: [AuditRecord] = []
        AuditLogReader(source: source, onlyAppArmor: true).forEachRecord { r, _ in out.append(r) }
        return out
    }

    static func records(path: String) throws -> [AuditRecord] {
        records(try XCTUnwrap(LineSource(path: path)))
    }

    func testJSONGivesTheSameRecordsAsAuditLog() throws {
        let auditLog = try Self.records(path: Self.fixtures.appendingPathComponent("journal-records.audit.log").path)
        let journal = try Self.records(path: Self.fixtures.appendingPathComponent("journal-records.json").path)
        XCTAssertEqual(auditLog.count, 6)
        XCTAssertEqual(journal.count, auditLog.count)
        for (a, j) in zip(auditLog, journal) {
            XCTAssertEqual(TestMultiFormat.render(a, file: "x"), TestMultiFormat.render(j, file: "x"))
            XCTAssertEqual(EventExtraction.extract(a).events, EventExtraction.extract(j).events)
            XCTAssertNotEqual(a.event, .invalid)
        }
        XCTAssertEqual(journal[2].name.map { String(decoding: $0, as: UTF8.self) }, "/tmp/my app/cache")
        XCTAssertEqual(journal[3].profile.map { String(decoding: $0, as: UTF8.self) }, "/usr/bin/vlc")
    }

    func testJSONFromStandardInputThroughTheBinary() throws {
        let json = try Data(contentsOf: Self.fixtures.appendingPathComponent("journal-records.json"))
        let viaStdin = try Fixtures.aaswift(["decode-log", "--format", "profile", "-"], stdin: json)
        let viaLog = try Fixtures.aaswift(["decode-log", "--format", "profile",
                                           Self.fixtures.appendingPathComponent("journal-records.audit.log").path])
        XCTAssertEqual(viaStdin.status, 0)
        XCTAssertEqual(viaStdin.stdout, viaLog.stdout)
        XCTAssertTrue(viaLog.stdout.contains("profile \"/opt/my app/bin/run\"") || viaLog.stdout.contains("\"/opt/my app/bin/run\" {"))
        XCTAssertTrue(viaLog.stdout.contains("  \"/tmp/my app/cache\" w,\n"), viaLog.stdout)
    }

    /// `journalctl -o export`: KEY=value lines, a blank line between entries, and binary fields
    /// written as the name, a 64-bit little-endian length and the raw bytes.
    func testExportFormat() throws {
        let message = Array("audit: type=1400 audit(1732871401.123:345): apparmor=\"DENIED\" operation=\"open\" profile=\"/usr/bin/evince\" name=\"/home/ann/a\nb\" pid=4242 comm=\"evince\" requested_mask=\"r\" denied_mask=\"r\" fsuid=1000 ouid=1000".utf8)
        var data = Array("__CURSOR=s=1;i=2\n__REALTIME_TIMESTAMP=1732871401125310\n_TRANSPORT=kernel\nMESSAGE\n".utf8)
        var len = UInt64(message.count).littleEndian
        withUnsafeBytes(of: &len) { data += $0 }
        data += message + [0x0A]
        data += Array("SYSLOG_IDENTIFIER=kernel\n\n".utf8)
        data += Array("__CURSOR=s=1;i=3\n_TRANSPORT=audit\n_AUDIT_TYPE=1400\n_AUDIT_TYPE_NAME=AVC\n_AUDIT_ID=346\n_SOURCE_REALTIME_TIMESTAMP=1732871402007000\nMESSAGE=AVC apparmor=\"ALLOWED\" operation=\"capable\" profile=\"/usr/sbin/ntpd\" pid=812 comm=\"ntpd\" capability=25  capname=\"sys_time\"\n\n".utf8)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("aaswift-export-\(getpid()).txt")
        try Data(data).write(to: path)
        defer { try? FileManager.default.removeItem(at: path) }
        let records = try Self.records(path: path.path)
        XCTAssertEqual(records.count, 2)
        XCTAssertEqual(records[0].name, Array("/home/ann/a\nb".utf8))
        XCTAssertEqual(records[0].event, .denied)
        XCTAssertEqual(records[1].auditID, Array("1732871402.007:346".utf8))
        XCTAssertEqual(records[1].name, Array("sys_time".utf8))
        XCTAssertEqual(records[1].event, .allowed)
    }
}
