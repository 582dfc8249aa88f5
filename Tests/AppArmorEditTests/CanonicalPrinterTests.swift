import AppArmorEdit
import AppArmorSyntax
import XCTest

final class CanonicalPrinterTests: XCTestCase {
    func testNewProfileLayout() {
        let p = NewProfile(
            name: "foo", attachment: "/usr/bin/foo", flags: ["complain"], includes: ["abstractions/base"],
            rules: [CanonicalPrinter.file("/usr/bin/foo", permissions: "mr"), CanonicalPrinter.capability("chown"),
                    CanonicalPrinter.file("/etc/foo.conf", permissions: "r")],
            children: [NewProfile(name: "hat1", isHat: true, rules: [CanonicalPrinter.network(domain: "inet", type: "stream")])])
        let expected = """
            abi <abi/3.0>,

            include <tunables/global>

            profile foo /usr/bin/foo flags=(complain) {
              include <abstractions/base>

              capability chown,

              /usr/bin/foo mr,
              /etc/foo.conf r,

              ^hat1 {
                network inet stream,
              }
            }

            """
        let text = CanonicalPrinter.file(profiles: [p])
        XCTAssertEqual(text, expected)
        let r = Parser.parse(path: "new", text: text)
        XCTAssertFalse(r.hasErrors, r.diagnostics.map { $0.oneLine(in: r.source) }.joined(separator: "\n"))
        XCTAssertEqual(r.profiles.map { $0.name(in: r) }, ["foo", "hat1"])
    }

    func testPathNamedProfileWithoutAttachment() {
        XCTAssertEqual(CanonicalPrinter.header(NewProfile(name: "/usr/bin/x")), "/usr/bin/x {")
        XCTAssertEqual(CanonicalPrinter.profile(NewProfile(name: "x")), "profile x {\n}\n")
    }
}
