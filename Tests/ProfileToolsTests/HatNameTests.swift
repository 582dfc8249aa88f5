import AppArmorSyntax
@testable import ProfileTools
import XCTest

/// New hats and children from names with characters the header must quote.
final class HatNameTests: XCTestCase {
    func testQuotedHatNamesReadBack() {
        for name in ["x,/**", "a b\"#", "plain", "k=v", "x)}"] {
            let token = QuotedString.name(Array(name.utf8))
            XCTAssertNotNil(token, name)
            let text = "^" + (token ?? "") + " {\n}"
            XCTAssertEqual(LogprofApply.hatName(text), name, text)
            XCTAssertNotNil(LogprofApply.nameToken(name, isHat: true), name)
        }
        XCTAssertNil(LogprofApply.hatName("^x {\n}\n^y {\n}"))
        XCTAssertNil(LogprofApply.hatName("/x r,"))
    }
}
