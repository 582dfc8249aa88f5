import AuditLog
import Foundation
import XCTest
@testable import ProfileTools

/// notify's pieces: notify.conf as upstream reads it, the rate limiter, wtmp, the filters.
final class NotifyTests: XCTestCase {
    func testNotifyConfFromUpstreamsExample() throws {
        let text = """
        # Set to 'no' to disable AppArmor notifications globally
        show_notifications="yes"
        ignore_denied_capability="sudo,su"
        # use_group="admin"
        use_group="adm"
        filter.profile="snap\\..*"
        filter.operation=""
        surprise=1
        """
        let c = NotifyConfig.parse(text)
        XCTAssertTrue(c.showNotifications)
        XCTAssertEqual(c.useGroup, "adm")
        XCTAssertEqual(c.filters.map(\.key), ["profile"])
        XCTAssertEqual(c.unknownKeys, ["surprise"])
        XCTAssertFalse(NotifyConfig.parse("show_notifications=no").showNotifications)
    }

    func testUserConfigWinsAndLegacyPathFirst() {
        let files = [
            "/etc/apparmor/notify.conf": "show_notifications=\"yes\"\nuse_group=\"admin\"\n",
            "/home/u/.apparmor/notify.conf": "show_notifications=\"no\"\n",
            "/home/u/.config/apparmor/notify.conf": "use_group=\"ignored\"\n",
        ]
        let c = NotifyConfig.load(configDir: "/etc/apparmor", environment: ["HOME": "/home/u"], read: { files[$0] })
        XCTAssertFalse(c.showNotifications)
        XCTAssertEqual(c.useGroup, "admin")
    }

    func testThrottleGroupsBursts() {
        var t = NotifyThrottle(window: 5)
        XCTAssertTrue(t.admit(profile: "firefox", now: 100))
        for k in 0..<17 { XCTAssertFalse(t.admit(profile: "firefox", now: 100.1 + Double(k) * 0.1)) }
        XCTAssertTrue(t.admit(profile: "cups", now: 101))
        XCTAssertEqual(t.closed(now: 104), [])
        let bursts = t.closed(now: 105.5)
        XCTAssertEqual(bursts.map(\.message), ["17 more denials for firefox in 5 s"])
        XCTAssertEqual(t.closed(now: 200), [], "cups had no more denials")
        XCTAssertTrue(t.admit(profile: "firefox", now: 300), "a new window shows at once")
    }

    func testThrottleStaysBoundedWithManyProfiles() {
        var t = NotifyThrottle(window: 5, maxProfiles: 3)
        for k in 0..<3 { XCTAssertTrue(t.admit(profile: "p\(k)", now: 0)) }
        XCTAssertFalse(t.admit(profile: "p3", now: 0), "past the cap: counted together, not shown")
        for k in 4..<1000 { _ = t.admit(profile: "p\(k)", now: 1) }
        let bursts = t.closed(now: 10)
        XCTAssertEqual(bursts.first { $0.profile == "other profiles" }?.count, 996)
    }

    func testLastLoginFromWtmp() {
        func record(type: Int32, user: String, time: UInt32) -> [UInt8] {
            var r = [UInt8](repeating: 0, count: 384)
            withUnsafeBytes(of: type.littleEndian) { r.replaceSubrange(0..<4, with: $0) }
            r.replaceSubrange(44..<(44 + user.utf8.count), with: Array(user.utf8))
            withUnsafeBytes(of: time.littleEndian) { r.replaceSubrange(340..<344, with: $0) }
            return r
        }
        let wtmp = record(type: 7, user: "alice", time: 1_700_000_000) + record(type: 7, user: "bob", time: 1_700_000_500)
            + record(type: 8, user: "alice", time: 1_700_000_900) + record(type: 7, user: "alice", time: 1_700_001_000)
        XCTAssertEqual(LastLogin.find(user: "alice", wtmp: wtmp), 1_700_001_000)
        XCTAssertEqual(LastLogin.find(user: "bob", wtmp: wtmp), 1_700_000_500)
        XCTAssertNil(LastLogin.find(user: "carol", wtmp: wtmp))
        XCTAssertNil(LastLogin.find(user: "alice", wtmp: Array(wtmp.prefix(100))))
    }

    func testFilters() {
        func rec(_ s: String) -> AuditRecord { AuditRecordParser.parse(s) }
        let denied = rec(#"type=AVC msg=audit(1700000000.1:5): apparmor="DENIED" operation="open" profile="firefox//browser" name="/etc/shadow" pid=1 comm="f" requested_mask="r" denied_mask="r" fsuid=0 ouid=0"#)
        let allowed = rec(#"type=AVC msg=audit(1700000000.1:6): apparmor="ALLOWED" operation="exec" profile="cups" name="/bin/sh" pid=1 comm="c" requested_mask="x" denied_mask="x" fsuid=0 ouid=0"#)
        let status = rec(#"type=AVC msg=audit(1700000000.1:7): apparmor="STATUS" operation="profile_load" profile="unconfined" name="x" pid=1 comm="apparmor_parser""#)
        var f = AuditRecordFilter()
        XCTAssertTrue(f.accepts(denied) && f.accepts(allowed) && f.accepts(status))
        f.profiles = ["firefox"]
        XCTAssertTrue(f.accepts(denied), "a hat of the profile")
        XCTAssertFalse(f.accepts(allowed))
        f = AuditRecordFilter()
        f.outcomes = [.allowed]
        XCTAssertEqual([denied, allowed].map(f.accepts), [false, true])
        f = AuditRecordFilter()
        f.keepsStatus = false
        f.since = 1_700_000_001
        XCTAssertFalse(f.accepts(status))
        XCTAssertFalse(f.accepts(denied), "before --since")
        f = AuditRecordFilter()
        XCTAssertTrue(f.addPattern(key: "name", pattern: "/etc/sh.*"))
        XCTAssertFalse(f.addPattern(key: "bogus", pattern: "x"))
        XCTAssertFalse(f.addPattern(key: "name", pattern: "(unclosed"))
        XCTAssertEqual([denied, allowed].map(f.accepts), [false, true], "notify.conf's filters leave matches out")
    }
}
