import AASwiftTestSupport
import AppArmorSyntax
import Foundation
import XCTest

/// Printing the tree of any input gives the input back, byte for byte.
final class RoundTripTests: XCTestCase {
    func testEveryConformanceFileRoundTrips() throws {
        let files = Fixtures.files(under: Fixtures.conformance)
        try XCTSkipIf(files.isEmpty, "conformance corpus not found at \(Fixtures.conformance.path)")
        XCTAssertGreaterThan(files.count, 3000)
        for url in files {
            SyntaxTest.assertLossless(Parser.parse(path: url.path, bytes: SyntaxTest.read(url)))
        }
    }

    func testGeneratedSimpleTestsRoundTrip() throws {
        let root = try XCTUnwrap(Fixtures.generatedSimpleTests, "run `make generated-tests` first")
        let files = Fixtures.files(under: root, suffix: ".sd")
        XCTAssertEqual(files.count, 71_496)
        for url in files {
            let r = Parser.parse(path: url.path, bytes: SyntaxTest.read(url))
            XCTAssertEqual(r.printedBytes, r.source.bytes, url.path)
        }
    }

    func testInstalledProfilesRoundTrip() throws {
        var count = 0
        for dir in ["/etc/apparmor.d", "/usr/share/apparmor/extra-profiles"] {
            for url in Fixtures.files(under: URL(fileURLWithPath: dir)) {
                SyntaxTest.assertLossless(Parser.parse(path: url.path, bytes: SyntaxTest.read(url)))
                count += 1
            }
        }
        try XCTSkipIf(count == 0, "no installed profiles (install apparmor-profiles)")
    }

    func testOwnTestProfilesRoundTripAndAreIdempotent() throws {
        let files = Fixtures.files(under: Fixtures.project("TestProfiles"), suffix: ".aa")
        XCTAssertGreaterThanOrEqual(files.count, 8)
        for url in files {
            let first = Parser.parse(path: url.path, bytes: SyntaxTest.read(url))
            SyntaxTest.assertLossless(first)
            // Parsing what we printed gives the same tree and the same diagnostics.
            let second = Parser.parse(path: url.path, bytes: first.printedBytes)
            XCTAssertEqual(TreeDump.dump(first), TreeDump.dump(second), url.path)
            XCTAssertEqual(first.diagnostics, second.diagnostics, url.path)
        }
    }
}
