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

    /// A rule that passes in a batch comes with the typed rules its line loads to: the same
    /// rules, kind for kind and field for field (source offsets aside), as reading that line
    /// alone (`RuleTextReader`); or none, when its neighbours changed what it loads to (an `ix`
    /// and a `px` of one program), and the caller reads it alone.
    func testBatchRulesAreTheReadersRules() {
        // Rules that keep to their line (an unended rule would run into the next one's).
        let plain = Self.rules.filter { !$0.contains("{") && !$0.contains("}") && !$0.contains("\n") && $0.hasSuffix(",") }
        let checked = RuleTextCheck.checked(plain)
        let reader = RuleTextReader()
        func fields(_ r: [PolicyRule]) -> [String] {
            r.map { "\($0.kind) \($0.detail)".replacing(/range: Range\(\d+\.\.<\d+\)/, with: "") }
        }
        var withRules = 0
        for (text, c) in zip(plain, checked) {
            if c.problem != nil || c.rules.isEmpty {
                XCTAssertTrue(c.rules.isEmpty, text)
                continue
            }
            XCTAssertEqual(fields(c.rules), fields(reader.rules(text)), text)
            withRules += 1
        }
        XCTAssertGreaterThan(withRules, 10)
        XCTAssertTrue(checked[plain.firstIndex(of: "/usr/bin/foo px,")!].rules.isEmpty)
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
