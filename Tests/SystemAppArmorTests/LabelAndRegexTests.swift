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
