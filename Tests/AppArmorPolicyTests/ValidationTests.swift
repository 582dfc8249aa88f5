import AppArmorPolicy
import PolicyAnalysis
import XCTest

/// One test per validation family: a valid rule passes, each kind of mistake is reported with
/// its diagnostic ID.
final class ValidationTests: XCTestCase {
    func assertPasses(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(errorIDs(text), [], text, file: file, line: line)
    }

    func assertFails(_ text: String, _ id: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(errorIDs(text).first, id, text, file: file, line: line)
    }

    func testFilePermissionsAndExecModes() {
        assertPasses(profile("/etc/passwd r,", "rw /tmp/x,", "/bin/ls Pix,", "/bin/sh cx -> child,", "deny /bin/su x,", "owner /home/** rwk,"))
        assertFails(profile("/a wa,"), "AA3002")
        assertFails(profile("/bin/ls K,"), "AA3002")
        assertFails(profile("/bin/ls rx,"), "AA3004")
        assertFails(profile("/bin/ls ixPx,"), "AA3002")
        assertFails(profile("/bin/ls ix -> foo,"), "AA3004")
        assertFails(profile("/usr/{}x r,"), "AA3003")
    }

    func testExecConflictsAndDominance() {
        assertFails(profile("/bin/cat px,", "/bin/cat ix,"), "AA3005")
        assertFails(profile("/bin/a* Cix,", "/bin/*b Cux,"), "AA3005")
        assertFails(profile("safe /bin/* px,", "/bin/* px,"), "AA3005")
        assertPasses(profile("/bin/cat Cix,", "/bin/* Cux,"))  // exact match dominates
        assertPasses(profile("/bin/a* Cix,", "owner /bin/*b Cix,"))
        assertPasses(profile("priority=1 /** cx -> c,", "/** pux,"))
    }

    func testQualifiers() {
        assertPasses(profile("audit deny owner /x w,", "priority=-5 audit allow /y r,"))
        assertFails(profile("deny audit /x r,"), "AA3001")
        assertFails(profile("owner network,"), "AA3001")
        assertFails(profile("priority=1001 /x r,"), "AA3018")
    }

    func testNetwork() {
        assertPasses(profile("network inet stream,", "network (send receive) inet ip=10.0.0.1 port=80-443,", "network peer=(ip=::1 port=22),"))
        assertFails(profile("network foo,"), "AA3009")
        assertFails(profile("network port=65536,"), "AA3012")
        assertFails(profile("network port=443-80,"), "AA3012")
        assertFails(profile("network ip=192.168.0.1/33,"), "AA3011")
        assertFails(profile("network unix ip=127.0.0.1,"), "AA3006")
        assertFails(profile("network bind peer=(port=1),"), "AA3006")
    }

    func testUnixDbusSignalPtrace() {
        assertPasses(profile("unix (send receive) type=stream peer=(label=foo),", "dbus send bus=session path=/a member=b,",
                             "signal (send) set=(hup, int) peer=foo,", "ptrace (read trace) peer=bar,"))
        assertFails(profile("unix send type=stream type=dgram,"), "AA3007")
        assertFails(profile("unix bind peer=(addr=@x),"), "AA3006")
        assertFails(profile("dbus bind member=x,"), "AA3006")
        assertFails(profile("dbus eavesdrop interface=x,"), "AA3006")
        assertFails(profile("dbus bus=a bus=b,"), "AA3007")
        assertFails(profile("signal set=lost,"), "AA3015")
        assertFails(profile("signal read write,"), "AA3002")
        assertFails(profile("ptrace peer=a peer=b,"), "AA3007")
    }

    func testMount() {
        assertPasses(profile("mount options=(ro, nosuid) /dev/sda1 -> /mnt/,", "mount options=(private) -> /x/,", "umount /mnt/,", "remount /mnt/,"))
        assertFails(profile("mount options=(suidXXX) /a -> /1,"), "AA3013")
        assertFails(profile("mount options=(rw, ro) -> /foo,"), "AA3013")
        assertFails(profile("mount options=(shared) /a -> /1,"), "AA3013")
    }

    func testCapabilityRlimitMqueueAndOthers() {
        assertPasses(profile("capability chown sys_admin,", "set rlimit nofile <= 1024,", "set rlimit cpu <= 10s,",
                             "mqueue (create open) type=posix /q,", "userns create,", "io_uring sqpoll,", "all,"))
        assertFails(profile("capability CAP_CHOWN,"), "AA3014")
        assertFails(profile("set rlimit rttime <= 60m,"), "AA3016")
        assertFails(profile("set rlimit foo <= 1,"), "AA3016")
        assertFails(profile("mqueue type=sysv /q,"), "AA3009")
        assertFails(profile("userns read,"), "AA3002")
        assertFails(profile("io_uring peer=foo,"), "AA3006")
    }

    func testChangeProfile() {
        assertPasses(profile("change_profile -> foo,", "change_profile unsafe /bin/x -> bar,"))
        assertFails(profile("change_profile safe,"), "AA3017")
        assertFails(profile("change_profile /x -> a,", "change_profile unsafe /x -> a,"), "AA3017")
        assertFails("change_profile -> foo,\n", "AA2030")
    }

    func testProfileFlagsNamesAndHeaders() {
        assertPasses("profile a flags=(complain, attach_disconnected.path=/run/x, error=EPERM) {\n}\n")
        assertFails("profile a flags=(complain, kill) {\n}\n", "AA2043")
        assertFails("profile a flags=(wat) {\n}\n", "AA2042")
        assertFails("profile a flags=(error=EWHAT) {\n}\n", "AA2042")
        assertFails("profile a flags=(attach_disconnected.path=rel/) {\n}\n", "AA2042")
        assertFails("unattached {\n}\n", "AA2040")
        assertFails(":ns/t {\n}\n", "AA2040")
        assertFails("/a {\n}\n/a {\n}\n", "AA2041")
        assertFails("/a flags=(complain) xattrs=(k=v) {\n}\n", "AA2044")
        assertPasses(":ns:/a {\n  ^hat {\n    /x r,\n  }\n  profile child {\n    profile grandchild {\n    }\n  }\n}\n")
        // A quoted hat name (apparmor_parser 3.0.8 and 4.1 load these); twice is a duplicate.
        assertPasses("/a {\n  ^\"a b\" {\n  }\n  ^\"x,/**\" flags=(complain) {\n  }\n}\n")
        assertFails("/a {\n  ^\"a b\" {\n  }\n  ^\"a b\" {\n  }\n}\n", "AA2041")
    }

    func testVariablesAndBooleans() {
        assertPasses("@{A} = /a /b\n@{A} += /c\n@{B} ?= x\n@{B} ?= y\n@{C} := 1\n@{C} := 2\n" + profile("@{A}/** r,"))
        assertFails("@{A} = a\n@{A} = b\n", "AA2011")
        assertFails("@{A} += a\n", "AA2012")
        assertFails("@{_A} = a\n", "AA2013")
        // A bare ',' is a syntax error (apparmor_parser: "Variable declarations do not accept
        // trailing commas"); ',' followed by more of a value is part of it, as upstream reads it.
        assertFails("@{A} = a,\n", "AA1011")
        assertPasses("@{A} = a,b ,c d\\,\n")
        assertFails("@{A} = a!b\n", "AA2014")
        assertFails(profile("/@{NOPE}/x r,"), "AA2010")
        assertFails("@{A} = @{B}\n@{B} = @{A}\n" + profile("/@{A} r,"), "AA2015")
        assertFails("$B = maybe\n", "AA2016")
        assertPasses("profile /usr/bin/x {\n  @{exec_path} r,\n  @{profile_name} r,\n}\n".replacingOccurrences(of: "@{profile_name} r", with: "/run/@{profile_name} r"))
        assertFails("profile x {\n  ^hat {\n    @{attach_path} r,\n  }\n}\n", "AA2010")
    }

    func testConditionals() {
        assertPasses("$T = true\n@{V} = 10\n" + profile("if $T and not defined @{W} {", "  /a r,", "} else {", "  /b r,", "}", "if @{V} >= 9 {", "  /c r,", "}"))
        assertFails(profile("if $UNDEF {", "}"), "AA2020")
        assertFails("@{V} = 10\n" + profile("if @{V} > /path {", "}"), "AA2020")
        // Only the branch taken counts: the duplicate hat is in the other branch.
        assertPasses("$T = false\n" + profile("^h {", "}", "if $T {", "  ^h {", "  }", "}"))
        assertFails("$T = true\n" + profile("^h {", "}", "if $T {", "  ^h {", "  }", "}"), "AA2041")
    }

    func testRuleCoverage() {
        let checker = PolicyChecker(options: CheckOptions(searchPath: IncludeSearchPath(base: "/nonexistent")))
        let report = checker.check(path: "t", bytes: Array(profile("/usr/** r,", "owner /usr/lib/*.so rm,", "/usr/lib/*.so r,",
                                                                     "network inet,", "network inet stream,",
                                                                     "capability,", "capability chown,").utf8))
        XCTAssertTrue(report.passed)
        let rules = report.policy.profiles[0].rules
        XCTAssertTrue(rules[0].covers(rules[2]))
        XCTAssertFalse(rules[0].covers(rules[1]))  // m is not granted by /usr/** r
        XCTAssertFalse(rules[2].covers(rules[0]))
        XCTAssertTrue(rules[3].covers(rules[4]))
        XCTAssertFalse(rules[4].covers(rules[3]))
        XCTAssertTrue(rules[5].covers(rules[6]))
    }
}
