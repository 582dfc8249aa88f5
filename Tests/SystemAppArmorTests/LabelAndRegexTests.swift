import AASwiftTestSupport
import Foundation
import XCTest
@testable import SystemAppArmor

final class LabelAndRegexTests: XCTestCase {
    func testSplitLikeAaSplitcon() {
        XCTAssertEqual(ConfinementLabel.split("unconfined\n"), ConfinementLabel(label: "unconfined", mode: nil))
        XCTAssertEqual(ConfinementLabel.split("/usr/bin/foo (enforce)\n"), ConfinementLabel(label: "/usr/bin/foo", mode: "enforce"))
        XCTAssertEqual(ConfinementLabel.split("a//&:ns:b (mixed)\0"), ConfinementLabel(label: "a//&:ns:b", mode: "mixed"))
        // The last " (" splits: a name may contain one.
        XCTAssertEqual(ConfinementLabel.split("odd (name) (complain)"), ConfinementLabel(label: "odd (name)", mode: "complain"))
        XCTAssertEqual(ConfinementLabel.split("no_mode"), ConfinementLabel(label: "no_mode", mode: nil))
        XCTAssertNil(ConfinementLabel.split("\n"))
    }

    func testProfilesFileParsing() {
        let parsed = AppArmorKernel.parseProfiles("a (enforce)\nb (user)\n\nbroken\nc//d (kill)\n")
        XCTAssertEqual(parsed, [LoadedProfile(name: "a", mode: "enforce"), LoadedProfile(name: "b", mode: "prompt"),
                                LoadedProfile(name: "c//d", mode: "kill")])
        // NULs ending a line are dropped; the last line needs no newline; a line of NULs is empty.
        XCTAssertEqual(AppArmorKernel.parseProfiles("a (enforce)\0\0\n\0\nb (complain)"),
                       [LoadedProfile(name: "a", mode: "enforce"), LoadedProfile(name: "b", mode: "complain")])
        XCTAssertEqual(AppArmorKernel.parseProfiles(""), [])
    }

    func testPosixBasicRegex() throws {
        let alt = try XCTUnwrap(PosixRegex("kill\\|prompt"))
        XCTAssertTrue(alt.matches("prompt"))
        XCTAssertFalse(alt.matches("enforce"))
        // In a basic expression "|" is an ordinary character.
        XCTAssertFalse(try XCTUnwrap(PosixRegex("kill|prompt")).matches("kill"))
        XCTAssertTrue(try XCTUnwrap(PosixRegex("^5")).matches("530"))
        XCTAssertFalse(try XCTUnwrap(PosixRegex("^5")).matches("1530"))
        XCTAssertNil(PosixRegex("["))
    }

    func testUnescapeMountField() {
        XCTAssertEqual(unescapeMountField("/a\\040b\\011c"), "/a b\tc")
        XCTAssertEqual(unescapeMountField("/plain"), "/plain")
        XCTAssertEqual(unescapeMountField("/trail\\04"), "/trail\\04")
    }

    func testJSONLayouts() {
        let value = JSONOutput.object([
            ("v", .string("2")),
            ("empty", .object([])),
            ("list", .array([.object([("a", .string("q\"\n"))]), .object([("b", .integer(3))])])),
        ])
        XCTAssertEqual(value.compact, #"{"v": "2", "empty": {}, "list": [{"a": "q\"\n"}, {"b": 3}]}"#)
        XCTAssertEqual(value.pretty, "{\n\t\"v\":\t\"2\",\n\t\"empty\":\t{\n\t},\n\t\"list\":\t[{\n\t\t\t\"a\":\t\"q\\\"\\n\"\n\t\t}, {\n\t\t\t\"b\":\t3\n\t\t}]\n}")
    }

    func testJSONStringEscapes() {
        // Copied whole when nothing needs an escape (non-ASCII included), escaped byte by byte
        // otherwise, as cJSON does: the short escapes, else \u00XX for the other controls.
        XCTAssertEqual(JSONOutput.quoted("/usr/bin/é 😀"), "\"/usr/bin/é 😀\"")
        XCTAssertEqual(JSONOutput.quoted("a\"b\\c\u{08}\u{0C}\n\r\td\u{01}\u{1F}é\u{7F}"),
                       #""a\"b\\c\b\f\n\r\td\u0001\u001fé"# + "\u{7F}\"")
        XCTAssertEqual(JSONOutput.quoted(""), "\"\"")
        XCTAssertEqual(JSONOutput.dense(["a": .array([.integer(1), .bool(true), .null]), "b\n": .string("x")]),
                       #"{"a":[1,true,null],"b\n":"x"}"#)
    }

    func testReadLinkOfShortAndLongTargets() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("readlink-\(getpid())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let root = SystemRoot(dir)
        // Around the first buffer's size (256 bytes), and well past it.
        for length in [1, 255, 256, 257, 1000, 4000] {
            let target = "/" + String(repeating: "t", count: length - 1)
            try FileManager.default.createSymbolicLink(atPath: dir + "/l\(length)", withDestinationPath: target)
            XCTAssertEqual(root.readLink("/l\(length)"), target, "\(length)")
        }
        XCTAssertNil(root.readLink("/missing"))
    }

    func testModeFilterAnswersEachProfileAndProcess() throws {
        let filter = StatusFilter(mode: try XCTUnwrap(PosixRegex("^en")), profile: try XCTUnwrap(PosixRegex(".*")),
                                  pid: try XCTUnwrap(PosixRegex("")), exe: try XCTUnwrap(PosixRegex("/b$")))
        let profiles = (0..<6).map { LoadedProfile(name: "p\(5 - $0)", mode: ["enforce", "complain", "kill"][$0 % 3]) }
        XCTAssertEqual(filter.profiles(profiles).map(\.name), ["p2", "p5"])
        XCTAssertEqual(filter.profileCount(profiles), 2)
        let kill = try XCTUnwrap(PosixRegex("kill"))
        XCTAssertEqual(filter.profiles(profiles, mode: kill).map(\.name), ["p0", "p3"])
        let processes = [StatusProcess(pid: "1", profile: "x", executable: "/bin/a", mode: "enforce"),
                         StatusProcess(pid: "2", profile: "x", executable: "/bin/b", mode: "enforce"),
                         StatusProcess(pid: "3", profile: "x", executable: "/bin/b", mode: "complain")]
        XCTAssertEqual(filter.processes(processes).map(\.pid), ["2"])
    }

    func testSystemRootPaths() {
        let root = SystemRoot("/tmp/tree/")
        XCTAssertEqual(root.prefix, "/tmp/tree")
        XCTAssertEqual(root.path("/proc/1/exe"), "/tmp/tree/proc/1/exe")
        XCTAssertEqual(root.systemPath("/tmp/tree/etc/apparmor.d"), "/etc/apparmor.d")
        XCTAssertTrue(SystemRoot("").isLive)
        XCTAssertEqual(SystemRoot.live.path("/sys"), "/sys")
    }

    func testProfileFolderFromLogprofConf() throws {
        let fixture = AASwiftTestSupport.Fixtures.project("Tests/SystemAppArmorTests/Fixtures/mixed").path
        let root = SystemRoot(fixture)
        XCTAssertEqual(ProfileFolder.locate(root: root).path, fixture + "/srv/profiles")
        XCTAssertEqual(ProfileFolder.locate(override: "/x/y", root: root).path, "/x/y")
        XCTAssertEqual(ProfileFolder.inactiveFolder(root: root), fixture + "/usr/share/apparmor/extra-profiles")
        // Without a config file: the default under the root.
        XCTAssertEqual(ProfileFolder.locate(root: root, configFile: "/nope.conf").path, fixture + "/etc/apparmor.d")
        let folder = ProfileFolder(root: root)
        XCTAssertTrue(folder.isDisabled("usr.sbin.cupsd"))
        XCTAssertTrue(folder.isDisabled(fixture + "/etc/apparmor.d/usr.sbin.cupsd"))
        XCTAssertFalse(folder.isDisabled("usr.bin.evince"))
        XCTAssertFalse(folder.isForcedToComplain("usr.sbin.cupsd"))
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: folder.disableLink(for: "usr.sbin.cupsd")),
                       "../usr.sbin.cupsd")
        // Upstream's own logprof.conf names /etc/apparmor.d first.
        let upstream = try String(contentsOf: AASwiftTestSupport.Fixtures.conformance("utils-config/logprof.conf"), encoding: .utf8)
        XCTAssertEqual(ProfileFolder.settingsValue("profiledir", in: upstream), "/etc/apparmor.d /etc/subdomain.d")
    }

    func testProfileFolder() {
        let def = ProfileFolder(root: SystemRoot("/x"))
        XCTAssertEqual(def.path, "/x/etc/apparmor.d")
        XCTAssertEqual(def.disableFolder, "/x/etc/apparmor.d/disable")
        XCTAssertEqual(def.forceComplainFolder, "/x/etc/apparmor.d/force-complain")
        let custom = ProfileFolder(override: "/srv/profiles/")
        XCTAssertEqual(custom.path, "/srv/profiles")
        XCTAssertEqual(custom.disableLink(for: "/srv/profiles/usr.bin.foo"), "/srv/profiles/disable/usr.bin.foo")
        XCTAssertEqual(custom.forceComplainLink(for: "usr.sbin.bar"), "/srv/profiles/force-complain/usr.sbin.bar")
        XCTAssertTrue(ProfileFolder.isSkippedName("foo.dpkg-old"))
        XCTAssertTrue(ProfileFolder.isSkippedName(".hidden"))
        XCTAssertFalse(ProfileFolder.isSkippedName("usr.bin.foo"))
    }
}
