import AuditLog
import XCTest

/// `AuditRecord.repeatKey`: records that differ only in their audit stamp and pid share a key;
/// any other difference, or the same bytes read as other fields, gives another key.
final class RepeatKeyTests: XCTestCase {
    func key(_ line: String) -> [UInt8] {
        var k: [UInt8] = []
        AuditRecordParser.parse(line).repeatKey(into: &k)
        return k
    }

    static let base = #"type=AVC msg=audit(1709108389.001:100001): apparmor="DENIED" operation="open" profile="/usr/sbin/dnsmasq" name="/etc/x" pid=4242 comm="dnsmasq" requested_mask="r" denied_mask="r" fsuid=0 ouid=0"#

    func testStampAndPidAreLeftOut() {
        let other = Self.base.replacingOccurrences(of: "1709108389.001:100001", with: "1709999999.987:7")
            .replacingOccurrences(of: "pid=4242", with: "pid=17")
        XCTAssertEqual(key(Self.base), key(other))
        // Syslog and dmesg forms too.
        let syslog = #"Jul 29 11:42:05 files kernel: [483212.877816] audit: type=1400 audit(1469785325.002:100002): apparmor="ALLOWED" operation="open" profile="/usr/bin/a" name="/x" pid=1 comm="sh" requested_mask="r" denied_mask="r" fsuid=0 ouid=0"#
        XCTAssertEqual(key(syslog), key(syslog.replacingOccurrences(of: ":100002)", with: ":5)").replacingOccurrences(of: "pid=1 ", with: "pid=99999 ")))
    }

    func testAnyOtherDifferenceGivesAnotherKey() {
        let changes = [("name=\"/etc/x\"", "name=\"/etc/y\""), ("DENIED", "ALLOWED"), ("comm=\"dnsmasq\"", "comm=\"dnsmasq2\""),
                       ("pid=4242", "pid=x4242"), ("pid=4242", "pid="), ("pid=4242 ", "")]
        for (a, b) in changes {
            XCTAssertNotEqual(key(Self.base), key(Self.base.replacingOccurrences(of: a, with: b)), b)
        }
    }

    /// A `pid=` inside a value is part of the value: it is never cut.
    func testPidInsideAValueStays() {
        let a = Self.base.replacingOccurrences(of: "name=\"/etc/x\"", with: "name=\"/etc/x pid=1\"")
        let b = Self.base.replacingOccurrences(of: "name=\"/etc/x\"", with: "name=\"/etc/x pid=2\"")
        XCTAssertNotEqual(key(a), key(b))
        // A line whose stamp cannot be read keeps its digits, and is never the key of one
        // whose stamp was cut.
        let broken = Self.base.replacingOccurrences(of: "audit(1709108389.001:100001)", with: "audit()")
        XCTAssertNotEqual(key(broken), key(Self.base))
    }
}
