import AASwiftTestSupport
import Foundation
import XCTest
@testable import AuditLog

/// Records of one kernel event (AVC + SYSCALL + CWD + PATH + PROCTITLE, EOE on netlink) joined
/// by their stamp, as `log` and `notify` read them.
final class AuditEventJoinerTests: XCTestCase {
    func joined(_ lines: [String], window: Int = 32) -> [JoinedRecord] {
        var j = AuditEventJoiner(window: window)
        var out: [JoinedRecord] = []
        for l in lines { out += j.read(line: Array(l.utf8)) }
        return out + j.flush()
    }

    func text(_ b: LogBytes?) -> String? { b.map { String(decoding: $0, as: UTF8.self) } }

    /// Real logs: upstream's audit.log (utils-test/logprof/ping.auditlog, openSUSE with auditd)
    /// and the kernel ring buffers of the e2e scenario 13 on Debian 12's and 13's kernels
    /// (Fixtures/joined-events). Every AppArmor record comes out once, in order, and each whose
    /// event has a SYSCALL record carries that record's exe, syscall and result. The expectation
    /// is read from the file with a plain regular expression, not with the joiner's scanner.
    func testRealLogsJoinEverySyscallRecord() throws {
        let logs = [Fixtures.conformance("utils-test/logprof/ping.auditlog")]
            + ["bookworm", "trixie"].map { Fixtures.project("Tests/AuditLogTests/Fixtures/joined-events/\($0)-kmsg.log") }
        let syscall = try NSRegularExpression(pattern: #"type=(?:SYSCALL msg=|1300 )audit\(([0-9.:]+)\):.* syscall=([0-9]+) success=(yes|no) .*exe="([^"]*)""#)
        for url in logs {
            let name = url.lastPathComponent
            let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
            var expected: [String: (exe: String, call: Int, ok: Bool)] = [:]
            for l in lines {
                guard let m = syscall.firstMatch(in: l, range: NSRange(l.startIndex..., in: l)) else { continue }
                let g = { (k: Int) in String(l[Range(m.range(at: k), in: l)!]) }
                expected[g(1)] = (g(4), Int(g(2))!, g(3) == "yes")
            }
            XCTAssertGreaterThanOrEqual(expected.count, 1, name)
            let plain = lines.map { AuditRecordParser.parse($0) }.filter { $0.event != .invalid }
            let out = joined(lines)
            XCTAssertEqual(out.map(\.record), plain, "\(name): every AppArmor record, once, in order")
            var withContext = 0
            for j in out {
                let stamp = text(j.record.auditID) ?? ""
                if let e = expected[stamp] {
                    XCTAssertEqual(text(j.context.exe), e.exe, "\(name) \(stamp)")
                    XCTAssertEqual(j.context.syscall, e.call, "\(name) \(stamp)")
                    XCTAssertEqual(j.context.success, e.ok, "\(name) \(stamp)")
                    withContext += 1
                } else {
                    XCTAssertNil(j.context.exe, "\(name) \(stamp)")
                }
            }
            XCTAssertGreaterThanOrEqual(withContext, 1, name)
            if name.hasSuffix("kmsg.log") {
                let denial = try XCTUnwrap(out.first { $0.record.event == .denied }, name)
                XCTAssertEqual(text(denial.context.proctitle), "/opt/e2e/joined read:/etc/e2e-secret", name)
                XCTAssertEqual(denial.context.paths.map { text($0) }, ["/etc/e2e-secret"], name)
                XCTAssertEqual(text(denial.context.cwd), "/mnt/job", name)
            }
        }
    }

    /// Netlink order (libaudit's type names as `recordLine` writes them): two events overlap,
    /// each ends at its EOE; PROCTITLE's hex (NUL-separated arguments), CWD and PATH items join.
    func testInterleavedEventsOnNetlink() {
        let out = joined([
            #"type=AVC msg=audit(1700000000.100:41): apparmor="DENIED" operation="open" profile="a" name="/etc/x" pid=10 comm="a" requested_mask="r" denied_mask="r" fsuid=0 ouid=0"#,
            #"type=AVC msg=audit(1700000000.101:42): apparmor="DENIED" operation="open" profile="b" name="/etc/y" pid=11 comm="b" requested_mask="r" denied_mask="r" fsuid=0 ouid=0"#,
            #"type=SYSCALL msg=audit(1700000000.101:42): arch=c000003e syscall=257 success=no exit=-13 ppid=1 pid=11 auid=4294967295 uid=0 comm="b" exe="/usr/bin/b" subj=b key=(null)"#,
            #"type=SYSCALL msg=audit(1700000000.100:41): arch=c000003e syscall=2 success=yes exit=3 ppid=1 pid=10 auid=1000 uid=1000 comm="a" exe=2F6F707420782F61 subj=a key=(null)"#,
            #"type=CWD msg=audit(1700000000.100:41): cwd="/root""#,
            #"type=PATH msg=audit(1700000000.100:41): item=0 name="/etc/x" inode=5 dev=fe:01 mode=0100644"#,
            #"type=PATH msg=audit(1700000000.100:41): item=1 name=(null) inode=6"#,
            #"type=PROCTITLE msg=audit(1700000000.100:41): proctitle=2F6F707420782F6100726561643A2F6574632F78"#,
            #"type=EOE msg=audit(1700000000.101:42): "#,
            #"type=EOE msg=audit(1700000000.100:41): "#,
        ])
        XCTAssertEqual(out.map { text($0.record.profile) }, ["a", "b"], "the order the AppArmor records came in")
        let a = out[0].context, b = out[1].context
        XCTAssertEqual(text(a.exe), "/opt x/a", "hex-encoded exe decoded")
        XCTAssertEqual(text(a.proctitle), "/opt x/a read:/etc/x")
        XCTAssertEqual(text(a.cwd), "/root")
        XCTAssertEqual(a.paths.map { text($0) }, ["/etc/x"], "a (null) PATH name is left out")
        XCTAssertEqual(a.syscall, 2)
        XCTAssertEqual(a.success, true)
        XCTAssertEqual(a.exit, 3)
        XCTAssertEqual(a.auid, 1000)
        XCTAssertEqual(text(b.exe), "/usr/bin/b")
        XCTAssertEqual(b.success, false)
        XCTAssertEqual(b.exit, -13)
        XCTAssertNil(b.proctitle)
    }

    /// The kernel's own log (dmesg, journal -k, kern.log) numbers the types.
    func testKernelLogForm() {
        let out = joined([
            #"[  12.5] audit: type=1400 audit(1700000000.100:7): apparmor="DENIED" operation="open" profile="k" name="/etc/k" pid=3 comm="k" requested_mask="r" denied_mask="r" fsuid=0 ouid=0"#,
            #"[  12.5] audit: type=1300 audit(1700000000.100:7): arch=c000003e syscall=257 success=no exit=-13 a0=ffffff9c ppid=1 pid=3 auid=4294967295 uid=0 comm="k" exe="/opt/k" subj=k key=(null)"#,
            #"[  12.5] audit: type=1327 audit(1700000000.100:7): proctitle="/opt/k""#,
            #"Dec  5 10:00:00 host kernel: [  13.0] audit: type=1400 audit(1700000001.000:8): apparmor="ALLOWED" operation="open" profile="k" name="/etc/l" pid=3 comm="k" requested_mask="r" denied_mask="r" fsuid=0 ouid=0"#,
        ])
        XCTAssertEqual(out.count, 2)
        XCTAssertEqual(text(out[0].context.exe), "/opt/k")
        XCTAssertEqual(text(out[0].context.proctitle), "/opt/k")
        XCTAssertTrue(out[1].context.isEmpty, "an event with no other record has no context")
    }

    /// auditd's log has no EOE: an event is complete once `window` later events began; records
    /// that came too late for their event are not joined to another one.
    func testWindowCompletesEventsWithoutEOE() {
        var j = AuditEventJoiner(window: 2)
        func avc(_ n: Int) -> [UInt8] {
            Array(#"type=AVC msg=audit(1700000000.000:\#(n)): apparmor="DENIED" operation="open" profile="p\#(n)" name="/x" pid=1 comm="c" requested_mask="r" denied_mask="r" fsuid=0 ouid=0"#.utf8)
        }
        XCTAssertTrue(j.read(line: avc(1)).isEmpty)
        XCTAssertTrue(j.read(line: avc(2)).isEmpty)
        XCTAssertTrue(j.isHolding)
        let first = j.read(line: avc(3))
        XCTAssertEqual(first.map { text($0.record.profile) }, ["p1"])
        let late = j.read(line: Array(#"type=SYSCALL msg=audit(1700000000.000:1): syscall=2 success=yes exe="/late""#.utf8))
        XCTAssertEqual(late.map { text($0.record.profile) }, ["p2"], "a late record starts an event of its own")
        let rest = j.flush()
        XCTAssertEqual(rest.map { text($0.record.profile) }, ["p3"], "an event with no AppArmor record is dropped")
        XCTAssertFalse(j.isHolding)
    }

    /// A record without a stamp (an old-format syslog line) is not held for companions.
    func testRecordsWithoutStampKeepTheirPlace() {
        let out = joined([
            #"type=AVC msg=audit(1700000000.100:1): apparmor="DENIED" operation="open" profile="first" name="/a" pid=1 comm="c" requested_mask="r" denied_mask="r" fsuid=0 ouid=0"#,
            #"Dec  5 10:00:00 host dbus-daemon[9]: apparmor="DENIED" operation="dbus_method_call" bus="system" path="/" interface="i" member="m" mask="send" name="n" pid=2 label="second" peer_pid=3 peer_label="unconfined""#,
        ])
        XCTAssertEqual(out.count, 2)
        XCTAssertEqual(text(out[0].record.profile), "first")
    }

    /// Names in the other records come from the process: a crafted exe or command line cannot
    /// end the record or pass for another key.
    func testCraftedNamesStayInTheirField() {
        let out = joined([
            #"type=AVC msg=audit(1700000000.100:5): apparmor="DENIED" operation="open" profile="p" name="/a" pid=1 comm="c" requested_mask="r" denied_mask="r" fsuid=0 ouid=0"#,
            // exe as the kernel hex-encodes a name with a space, a quote and a line break
            "type=SYSCALL msg=audit(1700000000.100:5): syscall=2 success=no exe=2F6120226222200A65786533 comm=\"c\"",
            "type=PROCTITLE msg=audit(1700000000.100:5): proctitle=41206578653D2F6576696C",
        ])
        XCTAssertEqual(out.count, 1)
        XCTAssertEqual(out[0].context.exe, Array("/a \"b\" \nexe3".utf8))
        XCTAssertEqual(text(out[0].context.proctitle), "A exe=/evil")
        XCTAssertNil(out[0].context.cwd)
    }

    /// A crafted log that repeats one stamp forever holds a bounded number of records.
    func testOneStampRepeatedIsBounded() {
        var j = AuditEventJoiner()
        let avc = Array(#"type=AVC msg=audit(1700000000.000:9): apparmor="DENIED" operation="open" profile="p" name="/x" pid=1 comm="c" requested_mask="r" denied_mask="r" fsuid=0 ouid=0"#.utf8)
        let path = Array(#"type=PATH msg=audit(1700000000.000:9): item=0 name="/x""#.utf8)
        var out = 0
        var most = 0
        for i in 0..<20_000 {
            out += j.read(line: avc).count
            _ = j.read(line: path)
            most = max(most, i + 1 - out)
        }
        out += j.flush().count
        XCTAssertEqual(out, 20_000, "every record comes out")
        XCTAssertEqual(most, AuditEventJoiner.maxHeld, "held records never pass the bound")
        var k = AuditEventJoiner()
        var last: [JoinedRecord] = []
        for _ in 0..<100 { _ = k.read(line: avc) }
        for _ in 0..<100 { _ = k.read(line: path) }
        last = k.flush()
        XCTAssertEqual(last.first?.context.paths.count, AuditEventJoiner.maxPaths)
    }
}
