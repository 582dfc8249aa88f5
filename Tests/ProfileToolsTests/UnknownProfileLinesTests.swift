import AASwiftTestSupport
import AuditLog
import Foundation
@testable import ProfileTools
import XCTest

/// logprof leaves out, unparsed, the ALLOWED and DENIED records of profiles the folder lacks
/// (UnknownProfileLines). A line is left out only when its one profile key is the profile every
/// request of the record would name, so that no request of a known profile is ever lost.
final class UnknownProfileLinesTests: XCTestCase {
    private func sole(_ line: String) -> String? {
        Array(line.utf8).withUnsafeBufferPointer { b in
            RecordPeek.soleProfile(b).map { String(decoding: $0, as: UTF8.self) }
        }
    }

    private let head = "type=AVC msg=audit(1700000000.123:42): "
    private let tail = " name=\"/etc/p\" pid=7 comm=\"x\" requested_mask=\"r\" denied_mask=\"r\" fsuid=0 ouid=0"

    func testTheOneQuotedProfileOfAnAllowedOrDeniedRecord() {
        XCTAssertEqual(sole(head + "apparmor=\"DENIED\" operation=\"open\" profile=\"/usr/bin/x\"" + tail), "/usr/bin/x")
        XCTAssertEqual(sole(head + "apparmor=\"ALLOWED\" operation=\"open\" profile=\"/usr/bin/x//hat\"" + tail), "/usr/bin/x//hat")
        // Other keys that end in profile= or label= are other keys.
        XCTAssertEqual(sole(head + "apparmor=\"DENIED\" operation=\"signal\" profile=\"a\" peer_profile=\"b\" target_label=\"c\""), "a")
        // A syslog line, and a USER_AVC one whose key list is inside msg='...'.
        XCTAssertEqual(sole("Dec  6 10:00:00 host kernel: [1.2] audit: type=1400 audit(1.2:3): apparmor=\"DENIED\" operation=\"open\" profile=\"p\"" + tail), "p")
        XCTAssertEqual(sole("type=USER_AVC msg=audit(1.2:3): pid=1 uid=0 msg='apparmor=\"DENIED\" operation=\"dbus_method_call\" profile=\"p\" peer_profile=\"q\" exe=\"/usr/bin/dbus-daemon\"'"), "p")
    }

    func testEveryOtherShapeGoesToTheParser() {
        let lines = [
            // not ALLOWED or DENIED
            head + "apparmor=\"AUDIT\" operation=\"open\" profile=\"p\"" + tail,
            head + "apparmor=\"STATUS\" operation=\"profile_load\" profile=\"p\" name=\"p\"",
            head + "apparmor=DENIED operation=\"open\" profile=\"p\"" + tail,
            // two verdicts, two profile keys, the label= synonym
            head + "apparmor=\"DENIED\" apparmor=\"ALLOWED\" operation=\"open\" profile=\"p\"" + tail,
            head + "apparmor=\"DENIED\" operation=\"open\" profile=\"p\" profile=\"q\"" + tail,
            head + "apparmor=\"DENIED\" operation=\"open\" label=\"p\"" + tail,
            head + "apparmor=\"DENIED\" operation=\"open\" profile=\"p\" label=\"q\"" + tail,
            // a profile key inside another value counts as one more
            head + "apparmor=\"DENIED\" operation=\"open\" profile=\"p\" name=\"/tmp/a profile=\"" + tail,
            // hex-encoded, unquoted, empty
            head + "apparmor=\"DENIED\" operation=\"open\" profile=2F7573722F62696E2F78" + tail,
            head + "apparmor=\"DENIED\" operation=\"open\" profile=p" + tail,
            head + "apparmor=\"DENIED\" operation=\"open\" profile=\"\"" + tail,
            head + "apparmor=\"DENIED\" operation=\"open\" profile=\"p" ,
            // user namespaces: the rule may belong to the execpath
            head + "apparmor=\"DENIED\" operation=\"userns_create\" class=\"namespace\" profile=\"unconfined\" execpath=\"/usr/bin/x\"",
            head + "apparmor=\"DENIED\" operation=\"open\" namespace=\"root//ns\" profile=\"p\"" + tail,
            // no verdict, no profile
            head + "operation=\"open\" profile=\"p\"" + tail,
            head + "apparmor=\"DENIED\" operation=\"open\"" + tail,
            "",
        ]
        for line in lines { XCTAssertNil(sole(line), line) }
    }

    /// Upstream's test_multi records, every layout: wherever a line would be left out, every
    /// request the parser finds in it names that line's profile.
    func testALeftOutLineNamesTheProfileOfEveryRequestItHolds() throws {
        let corpus = Fixtures.files(under: Fixtures.conformance("libapparmor-test_multi"), suffix: ".in")
        XCTAssertGreaterThan(corpus.count, 100)
        var judged = 0
        for url in corpus {
            for line in String(decoding: try Data(contentsOf: url), as: UTF8.self).split(separator: "\n") {
                guard let value = sole(String(line)) else { continue }
                judged += 1
                let name = LogprofEventCollector.profileName(splitProfileName(Array(value.utf8)).profile)
                let events = EventExtraction.extract(AuditRecordParser.parse(String(line))).events
                for e in events {
                    XCTAssertEqual(LogprofEventCollector.profileName(splitProfileName(e.profile).profile), name, "\(url.lastPathComponent): \(line)")
                }
            }
        }
        XCTAssertGreaterThan(judged, 50, "lines the skip would judge")
    }
}
