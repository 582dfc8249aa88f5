import AppArmorEdit
import AppArmorSyntax
import XCTest

final class HeaderFlagsTests: XCTestCase {
    func change(_ text: String, _ name: String, add: [String] = [], remove: [String] = []) throws -> String {
        try EditTest.apply(text) { r, f in try f.changeFlags(of: EditTest.profile(r, name), adding: add, removing: remove) }
    }

    func testCreatesFlagsBeforeTheBrace() throws {
        XCTAssertEqual(try change("profile foo /usr/bin/foo {\n}\n", "foo", add: ["complain"]),
                       "profile foo /usr/bin/foo flags=(complain) {\n}\n")
        XCTAssertEqual(try change("/usr/bin/foo   { # c\n}\n", "/usr/bin/foo", add: ["complain", "audit"]),
                       "/usr/bin/foo flags=(complain, audit)   { # c\n}\n")
    }

    func testAppendsKeepingOtherFlagsAndTheirOrder() throws {
        XCTAssertEqual(try change("profile a flags=(mediate_deleted,attach_disconnected) {}\n", "a", add: ["complain"]),
                       "profile a flags=(mediate_deleted,attach_disconnected, complain) {}\n")
        XCTAssertEqual(try change("profile a flags=(mediate_deleted attach_disconnected) {}\n", "a", add: ["complain"]),
                       "profile a flags=(mediate_deleted attach_disconnected complain) {}\n")
    }

    /// One separator style per file: a one-flag list (no separator of its own) takes the
    /// style of the file's other headers, else `, `; complain and audit alike.
    func testSeparatorFollowsTheFile() throws {
        for flag in ["complain", "audit"] {
            XCTAssertEqual(try change("profile a flags=(attach_disconnected) {}\n", "a", add: [flag]),
                           "profile a flags=(attach_disconnected, \(flag)) {}\n")
            XCTAssertEqual(try change("profile b flags=(x y) {}\nprofile a flags=(attach_disconnected) {}\n", "a", add: [flag]),
                           "profile b flags=(x y) {}\nprofile a flags=(attach_disconnected \(flag)) {}\n")
            XCTAssertEqual(try change("profile b flags=(x y) {}\nprofile a flags=mediate_deleted {}\n", "a", add: [flag]),
                           "profile b flags=(x y) {}\nprofile a flags=(mediate_deleted \(flag)) {}\n")
            XCTAssertEqual(try change("profile b flags=(x y) {}\nprofile a {}\n", "a", add: [flag, "mediate_deleted"]),
                           "profile b flags=(x y) {}\nprofile a flags=(\(flag) mediate_deleted) {}\n")
        }
    }

    func testAlreadyPresentIsNoChange() throws {
        let text = "profile a flags=(complain) {}\n"
        XCTAssertEqual(try change(text, "a", add: ["complain"]), text)
    }

    func testRemovesTheWholeListWithItsSpace() throws {
        XCTAssertEqual(try change("profile a /x flags=(complain) {\n}\n", "a", remove: ["complain"]), "profile a /x {\n}\n")
        XCTAssertEqual(try change("/x (complain) {\n}\n", "/x", remove: ["complain"]), "/x {\n}\n")
        XCTAssertEqual(try change("/x flags=complain {\n}\n", "/x", remove: ["complain"]), "/x {\n}\n")
    }

    func testRemovesOneFlagWithItsSeparator() throws {
        XCTAssertEqual(try change("profile a flags=(complain, attach_disconnected) {}\n", "a", remove: ["complain"]),
                       "profile a flags=(attach_disconnected) {}\n")
        XCTAssertEqual(try change("profile a flags=(attach_disconnected, complain) {}\n", "a", remove: ["complain"]),
                       "profile a flags=(attach_disconnected) {}\n")
        XCTAssertEqual(try change("profile a flags=(x, complain, y, kill) {}\n", "a", remove: ["complain", "kill"]),
                       "profile a flags=(x, y) {}\n")
    }

    func testReplaceInOnePass() throws {
        XCTAssertEqual(try change("profile a flags=(enforce) {}\n", "a", add: ["complain"], remove: ["enforce"]),
                       "profile a flags=(complain) {}\n")
        XCTAssertEqual(try change("/x (kill,audit) {}\n", "/x", add: ["complain"], remove: ["kill"]),
                       "/x (audit, complain) {}\n")
        XCTAssertEqual(try change("/x flags=kill {}\n", "/x", add: ["complain"], remove: ["kill"]),
                       "/x flags=(complain) {}\n")
        XCTAssertEqual(try change("/x flags=audit {}\n", "/x", add: ["complain"]),
                       "/x flags=(audit, complain) {}\n")
    }

    func testValuedFlagsMatchByName() throws {
        XCTAssertEqual(try change("profile a flags=(attach_disconnected.path=/x, complain) {}\n", "a", remove: ["attach_disconnected.path"]),
                       "profile a flags=(complain) {}\n")
    }

    func testHatsAndMultiLineHeaders() throws {
        XCTAssertEqual(try change("/x {\n  ^h {\n  }\n}\n", "h", add: ["complain"]), "/x {\n  ^h flags=(complain) {\n  }\n}\n")
        XCTAssertEqual(try change("/x {\n  hat h {\n  }\n}\n", "h", add: ["complain"]), "/x {\n  hat h flags=(complain) {\n  }\n}\n")
        XCTAssertEqual(try change("/w xattrs=( a=b )\n  flags=( complain\n ) {\n}\n", "/w", remove: ["complain"]),
                       "/w xattrs=( a=b ) {\n}\n")
    }

    func testEmptyListIsFilled() throws {
        XCTAssertEqual(try change("profile a flags=() {}\n", "a", add: ["complain"]), "profile a flags=(complain) {}\n")
    }
}
