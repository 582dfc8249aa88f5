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

    func testBeforeTheClosingBraceWithSiblingIndentation() throws {
        let text = "profile a {\n    network inet,\n}\n"
        XCTAssertEqual(try add(CanonicalPrinter.capability("kill"), to: "a", in: text),
                       "profile a {\n    network inet,\n    capability kill,\n}\n")
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
}
