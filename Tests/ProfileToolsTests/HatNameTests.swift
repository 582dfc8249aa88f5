import AppArmorSyntax
@testable import ProfileTools
import XCTest

/// New hats and children from names with characters the header must quote.
final class HatNameTests: XCTestCase {
    func testQuotedHatNamesReadBack() {
        for name in ["x,/**", "a b\"#", "plain", "k=v", "x)", "a{b,c}"] {
            let token = QuotedString.name(Array(name.utf8))
            XCTAssertNotNil(token, name)
            let text = "^" + (token ?? "") + " {\n}"
            XCTAssertEqual(LogprofApply.hatName(text), name, text)
            XCTAssertNotNil(LogprofApply.nameToken(name, isHat: true), name)
        }
        // apparmor_parser reads names as patterns: unbalanced braces or brackets cannot be
        // written ("Invalid profile name ... bad regular expression", 3.0.8 and 4.1 alike).
        for name in ["x)}", "a b} {", "{a", "[x", "x]", "a\\b", "a//b", ""] {
            XCTAssertNil(QuotedString.name(Array(name.utf8)), name)
        }
        XCTAssertNil(LogprofApply.hatName("^x {\n}\n^y {\n}"))
        XCTAssertNil(LogprofApply.hatName("/x r,"))
    }
}
