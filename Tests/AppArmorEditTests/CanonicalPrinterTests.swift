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

    /// The same bytes as aa-autodep writes for /usr/bin/true (less its "Last Modified" line).
    func testMatchesAutodepLayout() {
        let p = NewProfile(name: "/usr/bin/true", flags: ["complain"], includes: ["abstractions/base"],
                           rules: [CanonicalPrinter.file("/usr/bin/true", permissions: "mr")])
        XCTAssertEqual(CanonicalPrinter.file(profiles: [p]), """
            abi <abi/3.0>,

            include <tunables/global>

            /usr/bin/true flags=(complain) {
              include <abstractions/base>

              /usr/bin/true mr,

            }

            """)
    }

    func testPathNamedProfileWithoutAttachment() {
        XCTAssertEqual(CanonicalPrinter.header(NewProfile(name: "/usr/bin/x")), "/usr/bin/x {")
        XCTAssertEqual(CanonicalPrinter.profile(NewProfile(name: "x")), "profile x {\n}\n")
    }
}
