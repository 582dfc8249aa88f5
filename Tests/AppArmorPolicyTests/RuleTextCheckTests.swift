import AppArmorPolicy
import XCTest

/// RuleTextCheck: one rule written by a tool is exactly one valid rule, or refused; the batch
/// form gives the answer of the one-by-one form for every rule, whatever its neighbours.
final class RuleTextCheckTests: XCTestCase {
    static let rules = [
        "/etc/passwd r,",
        "owner /home/*/x rw,",
        "capability net_raw,",
        "capability a*,",
        "capability send receive,",
        "network inet stream,",
        "network \"a,b\" \"a,b\",",
        "signal send set=term peer=unconfined,",
        "ptrace read peer=/usr/bin/x,",
        "audit deny /etc/shadow r,",
        "/a!b r,",
        "} profile evil /** { /** rwk,",
        "^hat {",
        "/x r, /y w,",
        "/x r,\n/etc/shadow rwk,",
        "priority=1 /x r,",
        "alias /a -> /b,",
        "include <abstractions/base>",
        "/usr/bin/foo ix,",
        "/usr/bin/foo px,",
        "dbus send bus=system path=/org/x interface=org.x member=Y peer=(label=unconfined),",
        "unix (connect) type=stream peer=(addr=\"@a\"),",
        "mount fstype=ext4 /dev/sda -> /mnt/,",
        "change_profile -> /usr/bin/x,",
        "\"/tmp/a b\" r,",
        "/tmp/\\{a\\} r,",
        "",
        "/x r",
        "@{HOME}/x r,",
    ]

    func testBatchGivesTheOneByOneAnswers() {
        let alone = Self.rules.map { RuleTextCheck.problem($0) }
        XCTAssertEqual(RuleTextCheck.problems(Self.rules), alone)
        // Without the rules that break the batch's shape (each then checked alone), the batch
        // itself decides the rest.
        let plain = Self.rules.filter { !$0.contains("{") && !$0.contains("}") }
        XCTAssertGreaterThan(plain.count, 20)
        XCTAssertEqual(RuleTextCheck.problems(plain), plain.map { RuleTextCheck.problem($0) })
        // In other orders and neighbourhoods too.
        XCTAssertEqual(RuleTextCheck.problems(Self.rules.reversed()), alone.reversed())
        for i in Self.rules.indices {
            let pair = [Self.rules[i], "/etc/hosts r,"]
            XCTAssertEqual(RuleTextCheck.problems(pair), [alone[i], nil], Self.rules[i])
        }
    }

    func testKnownAnswers() {
        let valid = ["/etc/passwd r,", "capability net_raw,", "network inet stream,", "audit deny /etc/shadow r,", "/usr/bin/foo ix,"]
        for r in valid { XCTAssertNil(RuleTextCheck.problem(r), r) }
        let invalid = ["capability a*,", "/a!b r,", "} profile evil /** { /** rwk,", "^hat {", "/x r, /y w,", "/x r,\n/etc/shadow rwk,",
                       "alias /a -> /b,", "include <abstractions/base>", "", "/x r"]
        for r in invalid { XCTAssertNotNil(RuleTextCheck.problem(r), r) }
        XCTAssertEqual(RuleTextCheck.problems(valid + invalid).map { $0 == nil }, valid.map { _ in true } + invalid.map { _ in false })
    }
}
