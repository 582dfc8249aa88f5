import AppArmorEdit
import AppArmorSyntax
import XCTest

final class RuleInsertionTests: XCTestCase {
    func add(_ rule: PrintedRule, to name: String, in text: String) throws -> String {
        try EditTest.apply(text) { r, f in try f.addRule(rule, to: EditTest.profile(r, name)) }
    }

    func testAfterTheLastRuleOfTheSameKind() throws {
        let text = "profile a {\n  capability chown,\n  # x\n  capability kill, # eol\n  /etc/x r,\n}\n"
        XCTAssertEqual(try add(CanonicalPrinter.capability("sys_admin"), to: "a", in: text),
                       "profile a {\n  capability chown,\n  # x\n  capability kill, # eol\n  capability sys_admin,\n  /etc/x r,\n}\n")
    }

    func testBeforeATrailingLocalInclude() throws {
        let text = "profile a {\n\tcapability chown,\n\n\t# Site-specific additions\n\tinclude if exists <local/a>\n}\n"
        XCTAssertEqual(try add(CanonicalPrinter.file("/etc/y", permissions: "r"), to: "a", in: text),
                       "profile a {\n\tcapability chown,\n\t/etc/y r,\n\n\t# Site-specific additions\n\tinclude if exists <local/a>\n}\n")
    }

    func testFirstOfItsKindGoesInPrintedOrderWithSiblingIndentation() throws {
        let text = "profile a {\n    network inet,\n}\n"
        XCTAssertEqual(try add(CanonicalPrinter.capability("kill"), to: "a", in: text),
                       "profile a {\n    capability kill,\n    network inet,\n}\n")
        XCTAssertEqual(try add(CanonicalPrinter.rule(.signalRule, ["signal", "send"]), to: "a", in: text),
                       "profile a {\n    network inet,\n    signal send,\n}\n")
    }

    func testOneLineProfile() throws {
        XCTAssertEqual(try add(CanonicalPrinter.capability("kill"), to: "a", in: "profile a {}\n"),
                       "profile a {\n  capability kill,\n}\n")
        XCTAssertEqual(try add(CanonicalPrinter.capability("kill"), to: "a", in: "\tprofile a { }\n"),
                       "\tprofile a {\n\t\tcapability kill,\n\t}\n")
    }

    func testIntoAHatAndAChild() throws {
        let text = "/x {\n  /a r,\n  ^h {\n    /b r,\n  }\n  profile c {\n  }\n}\n"
        XCTAssertEqual(try add(CanonicalPrinter.file("/c", permissions: "w"), to: "h", in: text),
                       "/x {\n  /a r,\n  ^h {\n    /b r,\n    /c w,\n  }\n  profile c {\n  }\n}\n")
        XCTAssertEqual(try add(CanonicalPrinter.capability("kill"), to: "c", in: text),
                       "/x {\n  /a r,\n  ^h {\n    /b r,\n  }\n  profile c {\n    capability kill,\n  }\n}\n")
    }

    func testQuotesPathsThatNeedIt() {
        XCTAssertEqual(CanonicalPrinter.file("/a b", permissions: "r", qualifiers: ["owner"]).text, "owner \"/a b\" r,")
    }

    func testFileRulesInPathOrderWhenSortedElseAfterTheClosestPath() throws {
        let sorted = "profile a {\n  /etc/a r,\n  /etc/c r,\n  /usr/lib/x mr,\n}\n"
        XCTAssertEqual(try add(CanonicalPrinter.file("/etc/b", permissions: "r", qualifiers: ["owner"]), to: "a", in: sorted),
                       "profile a {\n  /etc/a r,\n  owner /etc/b r,\n  /etc/c r,\n  /usr/lib/x mr,\n}\n")
        XCTAssertEqual(try add(CanonicalPrinter.file("/bin/x", permissions: "r"), to: "a", in: sorted),
                       "profile a {\n  /bin/x r,\n  /etc/a r,\n  /etc/c r,\n  /usr/lib/x mr,\n}\n")
        let unsorted = "profile a {\n  /usr/lib/x mr,\n  /etc/c r,\n  /var/log/a w,\n}\n"
        XCTAssertEqual(try add(CanonicalPrinter.file("/usr/lib/y", permissions: "r"), to: "a", in: unsorted),
                       "profile a {\n  /usr/lib/x mr,\n  /usr/lib/y r,\n  /etc/c r,\n  /var/log/a w,\n}\n")
    }

    /// The bug of issue 13: capability, network and signal rules landed after a hat's closing
    /// brace. They stay in the profile's rule section, with their kind.
    func testRulesOfAProfileWithHatsStayBeforeTheHats() throws {
        let text = "/x {\n  include <abstractions/base>\n\n  /a r,\n\n  ^h {\n    /b r,\n  }\n}\n"
        let out = try EditTest.apply(text) { r, f in
            try f.addRules([CanonicalPrinter.capability("kill"), CanonicalPrinter.capability("chown"),
                            CanonicalPrinter.network(domain: "inet", type: "stream"),
                            CanonicalPrinter.rule(.signalRule, ["signal", "send", "set=term"])], to: EditTest.profile(r, "/x"))
        }
        // Each new kind is a group of its own, in printed order, a blank line between groups.
        XCTAssertEqual(out, "/x {\n  include <abstractions/base>\n\n  capability kill,\n  capability chown,\n\n  network inet stream,\n\n  signal send set=term,\n\n  /a r,\n\n  ^h {\n    /b r,\n  }\n}\n")
    }

    func testNewHatsAndChildrenGoAfterTheLastOneWithTheBlocksIndentation() throws {
        let text = "/x {\n\t/a r,\n\n\t^h {\n\t\t/b r,\n\t}\n\n\tinclude if exists <local/x>\n}\n"
        let hat = NewProfile(name: "new", isHat: true, rules: [CanonicalPrinter.file("/c", permissions: "w")])
        let out = try EditTest.apply(text) { r, f in try f.addProfile(hat, to: EditTest.profile(r, "/x")) }
        XCTAssertEqual(out, "/x {\n\t/a r,\n\n\t^h {\n\t\t/b r,\n\t}\n\n\t^new {\n\t\t/c w,\n\t}\n\n\tinclude if exists <local/x>\n}\n")
        let child = NewProfile(name: "/usr/bin/kid", isChild: true, includes: ["abstractions/base"])
        let noHats = "profile x {\n  /a r,\n}\n"
        XCTAssertEqual(try EditTest.apply(noHats) { r, f in try f.addProfile(child, to: EditTest.profile(r, "x")) },
                       "profile x {\n  /a r,\n\n  profile /usr/bin/kid {\n    include <abstractions/base>\n  }\n}\n")
    }
}
