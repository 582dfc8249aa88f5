import AASwiftTestSupport
import Foundation
import PolicyAnalysis
import ProfileTools
import XCTest

/// A positive and a negative case for every lint check: a small profile that triggers the ID
/// and a close one that does not. Each case is a file of a copy of the lint fixture tree (its
/// abi/3.0, tunables/global, abstractions/base and local/), linted on its own.
final class LintGoldenTests: XCTestCase {
    /// `abi`, tunables and the local include around the rules, as a well-kept profile has them.
    static func profile(_ rules: String..., header: String = "profile t /usr/bin/t", abi: Bool = true, local: Bool = true) -> String {
        (abi ? "abi <abi/3.0>,\n" : "") + "include <tunables/global>\n\(header) {\n"
            + (local ? "  include if exists <local/usr.bin.t>\n" : "")
            + rules.map { "  \($0)\n" }.joined() + "}\n"
    }

    /// Two profiles in one file (for the attachment checks).
    static func two(_ a: String, _ b: String) -> String {
        "abi <abi/3.0>,\nprofile one \(a) {\n  include if exists <local/one>\n}\nprofile two \(b) {\n  include if exists <local/two>\n}\n"
    }

    typealias Case = (positive: String, negative: String)

    /// By ID: the profile that triggers it, and the close one that does not.
    static let cases: [String: Case] = [
        "AA4001": (profile("/srv/a r,", "/srv/a r,"), profile("/srv/a r,", "/srv/b r,")),
        "AA4002": (profile("/srv/a/** r,", "/srv/a/b r,"), profile("/srv/a/** r,", "/srv/a/b w,")),
        "AA4003": (profile("/etc/s r,", "deny /etc/s* r,"), profile("/etc/s rw,", "deny /etc/s* r,")),
        "AA4004": (profile("/srv/a r,", "deny /srv/b w,"), profile("/srv/b rw,", "deny /srv/b w,")),
        "AA4010": (profile("/** w,"), profile("/srv/** w,")),
        "AA4011": (profile("capability,"), profile("capability chown,")),
        "AA4012": (profile("network,"), profile("network inet stream,")),
        "AA4013": (profile("mount,"), profile("mount fstype=ext4 /dev/sda1 -> /mnt/,")),
        "AA4014": (profile("ptrace,"), profile("ptrace read peer=foo,")),
        "AA4015": (profile("/usr/bin/x ux,"), profile("/usr/bin/x ix,")),
        "AA4016": (profile("@{HOME}/** w,"), profile("@{HOME}/.t/** w,")),
        "AA4017": (profile("/proc/*/mem r,"), profile("/proc/*/maps r,")),
        "AA4018": (profile("capability sys_admin,"), profile("capability setuid,")),
        "AA4019": (profile("/** r,"), profile("/usr/** r,")),
        "AA4020": (profile("/srv/a w,", "/srv/a rm,"), profile("/srv/a w,", "/srv/b rm,")),
        "AA4021": (profile("/srv/a w,", "/srv/a ix,"), profile("/srv/a w,", "/srv/b ix,")),
        "AA4030": (profile("/srv/a r,", abi: false), profile("/srv/a r,")),
        "AA4031": (profile("include <abstractions/nothere>"), profile("include if exists <abstractions/nothere>")),
        "AA4032": (profile("/srv/a r,", local: false), profile("/srv/a r,")),
        "AA4040": ("@{v}=/srv/v\n" + profile("/srv/a r,"), "@{v}=/srv/v\n" + profile("@{v} r,")),
        "AA4041": (profile("@{nothere}/x r,"), profile("@{HOME}/x r,")),
        "AA4042": (profile("/srv/a r,", header: "profile t usr/bin/t"), profile("/srv/a r,", header: "profile t /usr/bin/t")),
        "AA4043": (two("/opt/x/tool", "/opt/x/tool"), two("/opt/x/tool", "/opt/y/tool")),
        "AA4044": (two("/opt/x/*", "/opt/x/tool"), two("/opt/x/*", "/opt/y/tool")),
        "AA4050": (profile("dbus send bus=session,"), profile("network inet stream,")),
        "AA4090": (profile("capability nosuchcap,"), profile("capability chown,")),
    ]

    var tree = ""

    override func setUpWithError() throws {
        let dir = try Fixtures.temporaryCopy(of: LintTests.fixture, label: "lint-golden")
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        tree = dir.path
    }

    /// The IDs found in `text`, written as `usr.bin.t` at the top of the tree and linted alone.
    func ids(_ text: String) throws -> [String] {
        let file = tree + "/usr.bin.t"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let results = LintRunner(options: LintOptions(folder: tree)).lint([file])
        return results.flatMap(\.findings).map(\.rule.id)
    }

    /// Every ID of the catalogue has its pair, and each pair tells the check apart.
    func testEveryCheckHasAPositiveAndANegativeCase() throws {
        XCTAssertEqual(Set(Self.cases.keys).subtracting(LintRule.all.map(\.id)), [], "cases for IDs that are not checks")
        for rule in LintRule.all {
            guard let c = Self.cases[rule.id] else {
                XCTFail("\(rule.id) (\(rule.name)) has no positive and negative case")
                continue
            }
            let positive = try ids(c.positive), negative = try ids(c.negative)
            XCTAssertTrue(positive.contains(rule.id), "\(rule.id) \(rule.name): the positive case gives \(positive)\n\(c.positive)")
            XCTAssertFalse(negative.contains(rule.id), "\(rule.id) \(rule.name): the negative case gives \(negative)\n\(c.negative)")
        }
    }

    /// A `userns,` rule under an abi whose kernel lists userns_create in its namespaces mask
    /// (Debian 13's abi/4.0, as apparmor_parser 4.1 asks for namespaces/mask/userns_create)
    /// is enforced; under one without it, it is not.
    func testUsernsRuleAndTheNamespacesMask() throws {
        let features = "caps {mask {chown\n}\n}\nfile {mask {read write\n}\n}\n"
        try (features + "namespaces {mask {userns_create\n}\npivot_root {no\n}\nprofile {yes\n}\n}\n")
            .write(toFile: tree + "/abi/4.0", atomically: true, encoding: .utf8)
        try features.write(toFile: tree + "/abi/old", atomically: true, encoding: .utf8)
        let rules = ["userns,", "/srv/a r,"]
        XCTAssertEqual(try ids("abi <abi/4.0>,\n" + Self.profile(rules[0], rules[1], abi: false)), [])
        XCTAssertEqual(try ids("abi <abi/old>,\n" + Self.profile(rules[0], rules[1], abi: false)), ["AA4050"])
    }

    /// A folder's own rule is not covered by a rule on what it holds: /srv/d/* and /srv/d/**
    /// do not match /srv/d/ (apparmor_parser compiles a whole-component star to at least one
    /// character), as upstream's `/dir/ r, /dir/** r,` pairs assume; /srv/d/{,**} does.
    func testAFolderIsNotCoveredByItsContents() throws {
        XCTAssertEqual(try ids(Self.profile("/srv/d/ r,", "/srv/d/* r,")), [])
        XCTAssertEqual(try ids(Self.profile("/srv/d/ r,", "/srv/d/** r,")), [])
        XCTAssertEqual(try ids(Self.profile("/srv/d/ r,", "/srv/d/{,**} r,")), ["AA4002"])
    }

    /// The positive case is found only where it is: no other warning or error (notes, such as
    /// deny-nothing beside a dead allow, aside), so that each check is tested alone.
    func testPositiveCasesTriggerOnlyTheirOwnWarnings() throws {
        // Where a check implies another by design.
        let implied: [String: Set<String>] = [
            "AA4010": ["AA4020"], "AA4015": [], "AA4042": ["AA4090"], "AA4090": [],
        ]
        for rule in LintRule.all {
            guard let c = Self.cases[rule.id] else { continue }
            let failing = Set(try ids(c.positive).filter { LintRule.named($0)!.severity >= .warning })
            XCTAssertTrue(failing.subtracting([rule.id]).isSubset(of: implied[rule.id] ?? []), "\(rule.id): \(failing.sorted())")
            let negative = Set(try ids(c.negative).filter { LintRule.named($0)!.severity >= .warning })
            XCTAssertEqual(negative, [], "\(rule.id) negative: \(negative.sorted())")
        }
    }
}
