import AASwiftTestSupport
import AuditLog
import CAppArmor
import Foundation
import XCTest

/// Records crafted by an attacker or mangled by a careless tool: a record never swallows the
/// records after it, and the parser agrees with libapparmor on which odd records are records.
final class HostileRecordTests: XCTestCase {
    func records(_ text: String) throws -> [AuditRecord] {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("aaswift-hostile-\(getpid())-\(text.utf8.count).log")
        try Data(text.utf8).write(to: path)
        defer { try? FileManager.default.removeItem(at: path) }
        var out: [AuditRecord] = []
        AuditLogReader(source: try XCTUnwrap(LineSource(path: path.path))).forEachRecord { r, _ in out.append(r) }
        return out
    }

    static func denied(_ n: Int, indent: String) -> String {
        indent + "type=AVC msg=audit(1700000000.00\(n):\(n)): apparmor=\"DENIED\" operation=\"open\" profile=\"/usr/bin/x\" name=\"/etc/f\(n)\" pid=1 comm=\"x\" requested_mask=\"r\" denied_mask=\"r\" fsuid=0 ouid=0\n"
    }

    /// An unterminated `msg='` ends at the next line that starts a record, indented or not.
    func testUnterminatedUserAVCDoesNotSwallowFollowingRecords() throws {
        var text = "type=USER_AVC msg=audit(1700000000.000:9): pid=1 uid=0 msg='apparmor=\"DENIED\" operation=\"dbus_bind\" bus=\"system\"\n"
        text += "   exe=\"/usr/bin/dbus-daemon\"\n"
        for n in 1...3 { text += Self.denied(n, indent: n == 2 ? "" : "  ") }
        text += "  [  12.5] audit: type=1400 audit(1700000000.004:4): apparmor=\"DENIED\" operation=\"open\" profile=\"/usr/bin/x\" name=\"/etc/f4\" pid=1 comm=\"x\" requested_mask=\"r\" denied_mask=\"r\" fsuid=0 ouid=0\n"
        let names = try records(text).compactMap { $0.name.map { String(decoding: $0, as: UTF8.self) } }
        XCTAssertEqual(names, ["/etc/f1", "/etc/f2", "/etc/f3", "/etc/f4"])
        // A real continuation line still joins its record.
        let joined = try records("type=USER_AVC msg=audit(1.2:3): pid=1 msg='apparmor=\"DENIED\" operation=\"dbus_bind\"\n   bus=\"system\" name=\"org.x\" mask=\"bind\"'\n")
        XCTAssertEqual(joined.count, 1)
        XCTAssertEqual(joined.first?.dbusBus.map { String(decoding: $0, as: UTF8.self) }, "system")
    }

    /// Odd numbers and quoted protocol names: valid records exactly when libapparmor
    /// (parse_record) gives an event other than INVALID.
    func testOddFieldValuesAgreeWithLibAppArmor() {
        let base = "type=AVC msg=audit(1700000000.001:1): apparmor=\"DENIED\" operation=\"open\" profile=\"/usr/bin/x\" name=\"/etc/x\" pid=PID comm=\"x\" requested_mask=\"r\" denied_mask=\"r\" fsuid=FS ouid=OU"
        var lines: [String] = []
        for (pid, fs, ou) in [("1e5", "0", "0"), ("0x10", "0", "0"), ("12", "2F6", "0"), ("12", "0", ""), ("12", "0", "0"), ("-1", "0", "0"), ("12", "4294967295", "0")] {
            lines.append(base.replacingOccurrences(of: "PID", with: pid).replacingOccurrences(of: "FS", with: fs).replacingOccurrences(of: "OU", with: ou))
        }
        lines.append("type=AVC msg=audit(1700000000.001:1): apparmor=\"DENIED\" operation=\"connect\" profile=\"/usr/bin/x\" pid=12 comm=\"x\" family=\"inet\" sock_type=\"stream\" protocol=\"tcp\" requested_mask=\"connect\" denied_mask=\"connect\"")
        for line in lines {
            var cstr = Array(line.utf8).map { CChar(bitPattern: $0) } + [0]
            guard let rec = cstr.withUnsafeMutableBufferPointer({ parse_record($0.baseAddress) }) else { continue }
            defer { free_record(rec) }
            let theirsValid = rec.pointee.event != AA_RECORD_INVALID
            let ours = AuditRecordParser.parse(Array(line.utf8))
            XCTAssertEqual(ours.event != .invalid, theirsValid, line)
            if theirsValid, let p = rec.pointee.net_protocol {
                XCTAssertEqual(ours.proto.map { String(decoding: $0, as: UTF8.self) }, String(cString: p), line)
            }
        }
        // A key libapparmor does not know makes its record INVALID; we keep it as an unknown key.
        let unknown = "type=AVC msg=audit(1700000000.001:1): apparmor=\"DENIED\" operation=\"connect\" profile=\"/usr/bin/x\" pid=12 comm=\"x\" family=\"inet\" sock_type=\"stream\" protocol=6 requested_mask=\"connect\" denied_mask=\"connect\" newkey=\"v\""
        XCTAssertEqual(AuditRecordParser.parse(Array(unknown.utf8)).event, .denied)
    }

    func testQuotedValuesAsLibAppArmorReadsThem() {
        // The closing quote and a backslash before it are searched for (memchr); each form
        // reads as libapparmor's parser reads it: plain, escapes, empty, unterminated.
        let values = [#""/etc/x""#, #""/a\"b""#, #""/a\\b""#, #""/x\""#, #""""#, #""/never-closed"#,
                      #""/a b\" c""#, #""\"""#, #""/tail\\""#]
        for v in values {
            let line = "type=AVC msg=audit(1700000000.001:1): apparmor=\"DENIED\" operation=\"open\" profile=\"/usr/bin/x\" name=\(v) pid=12 comm=\"x\" requested_mask=\"r\" denied_mask=\"r\" fsuid=0 ouid=0"
            var cstr = Array(line.utf8).map { CChar(bitPattern: $0) } + [0]
            guard let rec = cstr.withUnsafeMutableBufferPointer({ parse_record($0.baseAddress) }) else {
                XCTFail("libapparmor gave no record: \(v)")
                continue
            }
            defer { free_record(rec) }
            let ours = AuditRecordParser.parse(Array(line.utf8))
            let theirsValid = rec.pointee.event != AA_RECORD_INVALID
            XCTAssertEqual(ours.event != .invalid, theirsValid, v)
            if theirsValid {
                XCTAssertEqual(ours.name.map { String(decoding: $0, as: UTF8.self) }, rec.pointee.name.map { String(cString: $0) }, v)
            }
        }
    }
}
