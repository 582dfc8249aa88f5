import AASwiftTestSupport
import AuditLog
import CAppArmor
import Foundation
import XCTest

/// Our parser against libapparmor's parse_record (the system's, 3.0.8 on Debian 12) on the
/// fields that library has, over the test_multi inputs and a generated log. Only records the
/// library parses (not INVALID) are compared: 3.0.8 predates many record kinds in the corpus.
final class LibAppArmorDifferentialTests: XCTestCase {
    struct Fields: Equatable, CustomStringConvertible {
        var values: [String: String] = [:]
        var description: String { values.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") }
    }

    static func bytesText(_ b: LogBytes?) -> String? { b.map { String(decoding: $0, as: UTF8.self) } }

    static func fields(_ r: AuditRecord) -> Fields {
        var f = Fields()
        func s(_ k: String, _ v: LogBytes?) { if let v = bytesText(v) { f.values[k] = v } }
        func n(_ k: String, _ v: Int, unset: Int = 0) { if v != unset { f.values[k] = String(v) } }
        f.values["event"] = String(r.event.rawValue)
        s("audit_id", r.auditID); s("operation", r.operation); s("requested", r.requestedMask)
        s("denied", r.deniedMask); n("fsuid", r.fsuid, unset: -1); n("ouid", r.ouid, unset: -1)
        s("profile", r.profile); s("peer_profile", r.peerProfile); s("peer", r.peer); s("name", r.name)
        s("comm", r.comm); s("name2", r.name2); s("namespace", r.namespace); s("attribute", r.attribute)
        n("task", r.task); n("parent", r.parent); n("magic_token", r.magicToken); s("info", r.info)
        n("error_code", r.errorCode); n("pid", r.pid); n("peer_pid", r.peerPid); s("family", r.family)
        s("sock_type", r.sockType); s("protocol", r.proto); s("local_addr", r.localAddr)
        s("foreign_addr", r.foreignAddr); n("local_port", r.localPort); n("foreign_port", r.foreignPort)
        s("dbus_bus", r.dbusBus); s("dbus_path", r.dbusPath); s("dbus_interface", r.dbusInterface)
        s("dbus_member", r.dbusMember); s("signal", r.signal); s("fs_type", r.fsType); s("flags", r.flags)
        s("src_name", r.srcName); n("epoch", r.epoch); n("audit_sub_id", r.auditSubID)
        return f
    }

    static func fields(_ r: UnsafeMutablePointer<aa_log_record>) -> Fields {
        var f = Fields()
        let x = r.pointee
        func s(_ k: String, _ v: UnsafeMutablePointer<CChar>?) { if let v { f.values[k] = String(cString: v) } }
        func n(_ k: String, _ v: Int, unset: Int = 0) { if v != unset { f.values[k] = String(v) } }
        f.values["event"] = String(x.event.rawValue)
        s("audit_id", x.audit_id); s("operation", x.operation); s("requested", x.requested_mask)
        s("denied", x.denied_mask); n("fsuid", Int(bitPattern: x.fsuid), unset: -1); n("ouid", Int(bitPattern: x.ouid), unset: -1)
        s("profile", x.profile); s("peer_profile", x.peer_profile); s("peer", x.peer); s("name", x.name)
        s("comm", x.comm); s("name2", x.name2); s("namespace", aaswift_log_record_namespace(r)); s("attribute", x.attribute)
        n("task", Int(bitPattern: x.task)); n("parent", Int(bitPattern: x.parent)); n("magic_token", Int(bitPattern: x.magic_token))
        s("info", x.info); n("error_code", Int(x.error_code)); n("pid", Int(bitPattern: x.pid)); n("peer_pid", Int(bitPattern: x.peer_pid))
        s("family", x.net_family); s("sock_type", x.net_sock_type); s("protocol", x.net_protocol)
        s("local_addr", x.net_local_addr); s("foreign_addr", x.net_foreign_addr)
        n("local_port", Int(bitPattern: x.net_local_port)); n("foreign_port", Int(bitPattern: x.net_foreign_port))
        s("dbus_bus", x.dbus_bus); s("dbus_path", x.dbus_path); s("dbus_interface", x.dbus_interface)
        s("dbus_member", x.dbus_member); s("signal", x.signal); s("fs_type", x.fs_type); s("flags", x.flags)
        s("src_name", x.src_name); n("epoch", x.epoch); n("audit_sub_id", Int(x.audit_sub_id))
        return f
    }

    /// Compares one input; returns nil when libapparmor does not parse it, else whether we agree.
    static func compare(_ line: [UInt8]) -> (agree: Bool, ours: Fields, theirs: Fields)? {
        var cstr = line.map { CChar(bitPattern: $0) }
        cstr.append(0)
        guard let rec = cstr.withUnsafeMutableBufferPointer({ parse_record($0.baseAddress) }) else { return nil }
        defer { free_record(rec) }
        guard rec.pointee.event != AA_RECORD_INVALID else { return nil }
        let theirs = fields(rec)
        let ours = fields(AuditRecordParser.parse(line))
        return (ours == theirs, ours, theirs)
    }

    func testAgainstParseRecordOnTheCorpus() throws {
        var compared = 0, agreed = 0, skipped = 0
        var disagreements: [String] = []
        for input in Fixtures.files(under: Fixtures.conformance("libapparmor-test_multi"), suffix: ".in") {
            let bytes = Array(try Data(contentsOf: input))
            guard let result = Self.compare(bytes) else { skipped += 1; continue }
            compared += 1
            if result.agree { agreed += 1 } else { disagreements.append("\(input.lastPathComponent)\n ours   \(result.ours)\n theirs \(result.theirs)") }
        }
        print("libapparmor differential, corpus: \(compared) compared, \(agreed) agree, \(skipped) not parsed by libapparmor")
        XCTAssertGreaterThanOrEqual(compared, 120)
        XCTAssertEqual(agreed, compared, disagreements.joined(separator: "\n"))
    }

    /// A generated log: corpus records with varied pids, hex-encoded names and odd spacing.
    func testAgainstParseRecordOnAGeneratedLog() throws {
        var lines: [[UInt8]] = []
        for input in Fixtures.files(under: Fixtures.conformance("libapparmor-test_multi"), suffix: ".in") {
            let text = try String(contentsOf: input, encoding: .utf8)
            let recs = text.split(separator: "\n").filter { !$0.isEmpty }
            guard recs.count == 1 else { continue }
            lines.append(Array(recs[0].utf8))
        }
        var rng = SplitMix(state: 7)
        var compared = 0, agreed = 0
        var disagreements: [String] = []
        for i in 0..<3000 {
            var line = String(decoding: lines[i % lines.count], as: UTF8.self)
            line = line.replacingOccurrences(of: " pid=", with: " pid=\(Int.random(in: 1...9, using: &rng))")
            if line.contains(" name=\"/"), Bool.random(using: &rng) {
                // name="/x" -> name=<hex of /x/variation>
                if let r = line.range(of: " name=\"/"), let end = line[r.upperBound...].firstIndex(of: "\"") {
                    let value = "/" + line[r.upperBound..<end] + "sp ace\(i)"
                    line = line.replacingCharacters(in: r.lowerBound...end, with: " name=" + hexString(Array(value.utf8)))
                }
            }
            guard let result = Self.compare(Array(line.utf8)) else { continue }
            compared += 1
            if result.agree { agreed += 1 } else if disagreements.count < 5 { disagreements.append("\(line)\n ours   \(result.ours)\n theirs \(result.theirs)") }
        }
        print("libapparmor differential, generated log: \(compared) compared, \(agreed) agree")
        XCTAssertGreaterThan(compared, 2000)
        XCTAssertEqual(agreed, compared, disagreements.joined(separator: "\n"))
    }
}
