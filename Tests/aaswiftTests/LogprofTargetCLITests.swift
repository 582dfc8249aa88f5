import AASwiftTestSupport
import Foundation
import XCTest

/// The rule target end to end: a network record becomes the form the given parser and policy
/// ABI take (Debian 12's 3.0.8 rejects access lists with "unexpected TOK_ID"), the result loads
/// with the parser it was made for, and `apply` refuses a plan the target cannot load.
final class LogprofTargetCLITests: XCTestCase {
    static let record = """
    [ 11.1] audit: type=1400 audit(1796399825.032:19): apparmor="ALLOWED" operation="connect" profile="netapp" pid=132 comm="netapp" laddr=127.0.0.1 lport=40000 faddr=127.0.0.1 fport=80 family="inet" sock_type="stream" protocol=6 requested_mask="connect" denied_mask="connect"

    """

    func folder() throws -> URL {
        let dir = try LogprofTestSupport.profileCopy(for: self)
        try "include <tunables/global>\n\nprofile netapp /usr/bin/netapp flags=(complain) {\n  include <abstractions/base>\n}\n"
            .write(to: dir.appendingPathComponent("netapp"), atomically: true, encoding: .utf8)
        return dir
    }

    func testNetworkFormFollowsTheTarget() throws {
        let dir = try folder()
        let old = try Fixtures.aaswift(["logprof", "--allow-all", "--dry-run", "--parser-version", "3.0.8", "-d", dir.path, "-f", "-"], stdin: Data(Self.record.utf8))
        XCTAssertEqual(old.status, 0, old.stderr)
        XCTAssertTrue(old.stdout.contains("+  network inet stream,\n"), old.stdout)
        let af = Fixtures.conformance("parser-features_files/features.af_inet").path
        let new = try Fixtures.aaswift(["logprof", "--allow-all", "--dry-run", "--parser-version", "4.1", "--features-file", af, "-d", dir.path, "-f", "-"],
                                       stdin: Data(Self.record.utf8))
        XCTAssertTrue(new.stdout.contains("+  network (connect) inet stream ip=127.0.0.1 port=40000 peer=(ip=127.0.0.1 port=80),\n"), new.stdout)
        let abi30 = Fixtures.conformance("profiles-apparmor.d/abi/3.0").path
        let pinned = try Fixtures.aaswift(["logprof", "--allow-all", "--dry-run", "--parser-version", "4.1", "--abi", abi30, "-d", dir.path, "-f", "-"],
                                          stdin: Data(Self.record.utf8))
        XCTAssertTrue(pinned.stdout.contains("+  network inet stream,\n"), "abi 3.0 has no fine-grained inet: " + pinned.stdout)
        let bad = try Fixtures.aaswift(["logprof", "--allow-all", "--parser-version", "x", "-d", dir.path, "-f", "-"], stdin: Data())
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("--parser-version"), bad.stderr)

        // What is saved for this machine's parser loads with it.
        let saved = try Fixtures.aaswift(["logprof", "--allow-all", "--no-reload", "-d", dir.path, "-f", "-"], stdin: Data(Self.record.utf8))
        XCTAssertEqual(saved.status, 0, saved.stderr)
        if FileManager.default.isExecutableFile(atPath: "/sbin/apparmor_parser") {
            let p = try Fixtures.run(URL(fileURLWithPath: "/sbin/apparmor_parser"), ["-Q", "-K", "-b", dir.path, dir.appendingPathComponent("netapp").path])
            XCTAssertEqual(p.status, 0, p.stderr)
        }
    }

    func testApplyRefusesAPlanTheTargetCannotLoad() throws {
        let dir = try folder()
        let plan = dir.appendingPathComponent("plan.json").path
        let af = Fixtures.conformance("parser-features_files/features.af_inet").path
        let r = try Fixtures.aaswift(["logprof", "--allow-all", "--plan-out", plan, "--parser-version", "4.1", "--features-file", af, "-d", dir.path, "-f", "-"],
                                     stdin: Data(Self.record.utf8))
        XCTAssertEqual(r.status, 0, r.stderr)
        let refused = try Fixtures.aaswift(["apply", "--no-reload", "--parser-version", "3.0.8", plan])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("needs apparmor_parser 4.0"), refused.stderr)
        XCTAssertFalse(try String(contentsOf: dir.appendingPathComponent("netapp"), encoding: .utf8).contains("network"))
        let ok = try Fixtures.aaswift(["apply", "--no-reload", "--parser-version", "4.1", "--features-file", af, plan])
        XCTAssertEqual(ok.status, 0, ok.stderr)
    }

    /// The whole edited file is loaded as the target parser would before anything is written:
    /// `/usr/bin/fo[o] ix` beside `/usr/bin/{foo,bar} px` loads with 3.0.8 (a character class
    /// is a glob there) and not with 4.1 (two exact matches with different x modes).
    func testApplyJudgesTheWholeEditedFileByTheTargetVersion() throws {
        let dir = try LogprofTestSupport.profileCopy(for: self)
        let profile = dir.appendingPathComponent("xapp")
        let text = "profile xapp /usr/bin/xapp flags=(complain) {\n  /usr/bin/{foo,bar} px,\n}\n"
        try text.write(to: profile, atomically: true, encoding: .utf8)
        let record = "type=AVC msg=audit(1700000002.001:202): apparmor=\"ALLOWED\" operation=\"open\" profile=\"xapp\" name=\"/etc/xapp.conf\" pid=500 comm=\"xapp\" requested_mask=\"r\" denied_mask=\"r\" fsuid=0 ouid=1000\n"
        let plan = dir.appendingPathComponent("plan.json")
        let made = try Fixtures.aaswift(["logprof", "--allow-all", "--plan-out", plan.path, "-d", dir.path, "-f", "-"], stdin: Data(record.utf8))
        XCTAssertEqual(made.status, 0, made.stderr)
        let edited = try String(contentsOf: plan, encoding: .utf8).replacingOccurrences(of: "/etc/xapp.conf r,", with: "/usr/bin/fo[o] ix,")
        try edited.write(to: plan, atomically: true, encoding: .utf8)

        let refused = try Fixtures.aaswift(["apply", "--no-reload", "--parser-version", "4.1", plan.path])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("would not load with apparmor_parser 4.1.0"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("xapp:3:3: error: conflicting exec modes"), refused.stderr)
        XCTAssertEqual(try String(contentsOf: profile, encoding: .utf8), text, "nothing written")
        let ok = try Fixtures.aaswift(["apply", "--no-reload", "--parser-version", "3.0.8", plan.path])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertTrue(try String(contentsOf: profile, encoding: .utf8).contains("  /usr/bin/fo[o] ix,\n"))
    }
}
