import AuditLog
import XCTest

final class RecordParserTests: XCTestCase {
    func text(_ b: LogBytes?) -> String? { b.map { String(decoding: $0, as: UTF8.self) } }

    func testUnknownKeysAndClassesAreKept() {
        let r = AuditRecordParser.parse(#"type=AVC msg=audit(1700000000.100:7): apparmor="DENIED" operation="frobnicate" class="quantum" profile="p" newkey="v 1" other=bare pid=3"#)
        XCTAssertEqual(r.event, .denied)
        XCTAssertEqual(text(r.recordClass), "quantum")
        XCTAssertEqual(r.extras.map { text($0.key)! + "=" + text($0.value)! }, ["newkey=v 1", "other=bare"])
        XCTAssertEqual(r.pid, 3)
    }

    func testHexValuesAndEscapes() {
        let r = AuditRecordParser.parse(#"type=AVC msg=audit(1.2:3): apparmor="ALLOWED" operation="open" profile=2F612062 name="/x\"y" pid=1"#)
        XCTAssertEqual(text(r.profile), "/a b")
        XCTAssertEqual(text(r.name), "/x\"y")
        XCTAssertEqual(r.event, .allowed)
    }

    func testGarbageValueMakesTheRecordInvalidButKeepsEarlierFields() {
        let r = AuditRecordParser.parse(#"type=AVC msg=audit(1.2:3): apparmor="DENIED" operation="ptrace" pid=abc profile="p""#)
        XCTAssertEqual(r.event, .invalid)
        XCTAssertEqual(text(r.operation), "ptrace")
        XCTAssertNil(r.profile)
    }

    func testSeparatorAndSyslogStyles() {
        let base = #"audit: type=1400 audit(1.2:3): apparmor="DENIED" operation="open" profile="p" name="/n" pid=9 requested_mask="r" denied_mask="r" fsuid=1 ouid=1"#
        for prefix in ["Nov 29 14:00:01 host kernel: [ 12.345678] ", "2026-11-29T14:00:01.123456+00:00 host kernel: ",
                       "2026-11-29 14:00:01 host kernel: ", "[ 12.345678] ", "November 29 14:00:01 h kernel: ",
                       "[    5.123456] host kernel: ", "1732871401.123456 host kernel: ",
                       "2026-11-29T14:00:01+0000 host kernel: ", "Nov 29 14:00:01.123 host kernel: "] {
            let r = AuditRecordParser.parse(prefix + base)
            XCTAssertEqual(r.event, .denied, prefix)
            XCTAssertEqual(text(r.name), "/n", prefix)
        }
        let node = AuditRecordParser.parse(#"node=web1 type=AVC msg=audit(1.2:3): apparmor="DENIED" operation="open" profile="p" name="/n" pid=9"#)
        XCTAssertEqual(node.event, .denied)
        XCTAssertEqual(text(node.name), "/n")
        let sep = AuditRecordParser.parse("type=AVC msg=audit(1.2:3): apparmor=\"DENIED\" operation=\"open\" profile=\"p\" name=\"/n\" ouid=0\u{1D}OUID=\"root\"")
        XCTAssertEqual(sep.ouid, 0)
        XCTAssertEqual(sep.event, .denied)
    }

    func testOwnerAndFileRules() {
        let r = AuditRecordParser.parse(#"type=AVC msg=audit(1.2:3): apparmor="DENIED" operation="open" profile="/bin/x//child" name="/etc/a b" pid=9 requested_mask="wc" denied_mask="wc" fsuid=5 ouid=5"#)
        let events = EventExtraction.extract(r).events
        XCTAssertEqual(events.count, 1)
        var builder = ProfileProposalBuilder()
        builder.add(r)
        builder.add(r)  // identical requests collapse while streaming
        XCTAssertEqual(String(decoding: builder.renderProfiles(), as: UTF8.self),
                       "/bin/x {\n\n  ^child {\n    owner \"/etc/a b\" w,\n\n  }\n}\n")
    }

    func testHexDecode() {
        XCTAssertEqual(HexDecode.decode("2F746D702F666F6F20626172").map { String(decoding: $0, as: UTF8.self) }, "/tmp/foo bar")
        XCTAssertNil(HexDecode.decode("2F7"))
        XCTAssertNil(HexDecode.decode("ZZ"))
        let line = Array(#"type=AVC msg=audit(1.2:3): profile=74657374207370616365 name=2F746D70 pid=12 proctitle=2F62696E2F7368002D63"#.utf8)
        XCTAssertEqual(String(decoding: HexDecode.rewrite(line: line), as: UTF8.self),
                       #"type=AVC msg=audit(1.2:3): profile="test space" name="/tmp" pid=12 proctitle="/bin/sh -c""#)
    }
}

final class ProfileSynthesisTests: XCTestCase {
    func render(_ lines: [String]) -> String {
        var b = ProfileProposalBuilder()
        for l in lines { b.add(AuditRecordParser.parse(l)) }
        return String(decoding: b.renderProfiles(), as: UTF8.self)
    }

    func testPermissionsMergeAndSectionsAreOrdered() {
        let head = #"type=AVC msg=audit(1.2:3): apparmor="DENIED" profile="/usr/bin/app" pid=1 "#
        let out = render([
            head + #"operation="open" name="/etc/conf" requested_mask="r" denied_mask="r" fsuid=0 ouid=1"#,
            head + #"operation="open" name="/etc/conf" requested_mask="w" denied_mask="w" fsuid=0 ouid=1"#,
            head + #"operation="capable" capname="chown""#,
            head + #"operation="exec" name="/usr/bin/helper" requested_mask="x" denied_mask="x""#,
            head + #"operation="open" name="/etc/conf" requested_mask="r" denied_mask="r" fsuid=0 ouid=1"#,
            #"type=AVC msg=audit(1.2:4): apparmor="DENIED" operation="remount" class="mount" profile="other" name="/mnt/" flags="ro" pid=2"#,
        ])
        XCTAssertEqual(out, """
        /usr/bin/app {
          capability chown,

          /etc/conf rw,
          /usr/bin/helper mrix,

        }

        profile other {
          remount options=(ro) /mnt/,

        }

        """)
    }

    func testNonUTF8NamesInJSONAndRules() {
        let r = AuditRecordParser.parse(#"type=AVC msg=audit(1.2:3): apparmor="DENIED" operation="open" profile="p" name=2F61FF2062 pid=1 requested_mask="r" denied_mask="r" fsuid=0 ouid=1"#)
        XCTAssertEqual(r.name, [0x2F, 0x61, 0xFF, 0x20, 0x62])
        let json = String(decoding: RecordJSON.render(r, line: 1), as: UTF8.self)
        XCTAssertTrue(json.contains(#""name_hex":"2F61FF2062""#), json)
        XCTAssertEqual(render([#"type=AVC msg=audit(1.2:3): apparmor="DENIED" operation="open" profile="p" name=2F61FF2062 pid=1 requested_mask="r" denied_mask="r" fsuid=0 ouid=1"#]),
                       "profile p {\n  \"/a\\377 b\" r,\n\n}\n")
    }
}
