import AASwiftTestSupport
import FuzzChecks
import Foundation
import XCTest

/// Every input a fuzz target (`make fuzz`) ever broke on, kept under Inputs/<target>/ and
/// replayed through the same property; and the targets' seed corpora from upstream's data, so
/// that the properties hold on independent input before any mutation.
final class FuzzRegressionTests: XCTestCase {
    private func inputs(_ target: FuzzChecks.Target) -> [URL] {
        let dir = Fixtures.project("Tests/FuzzRegressionTests/Inputs/\(target.rawValue)")
        return Fixtures.files(under: dir).filter { !$0.lastPathComponent.hasPrefix(".") }
    }

    func testEveryKeptInputPasses() throws {
        var replayed = 0
        for target in FuzzChecks.Target.allCases {
            for url in inputs(target) {
                let bytes = try [UInt8](Data(contentsOf: url))
                XCTAssertNil(FuzzChecks.check(target, bytes), "\(target.rawValue)/\(url.lastPathComponent)")
                replayed += 1
            }
        }
        XCTAssertGreaterThan(replayed, 0, "no kept input: Inputs/ is missing")
    }

    func testParserPropertyOnUpstreamProfiles() throws {
        let files = Fixtures.files(under: Fixtures.conformance("parser-simple_tests"), suffix: ".sd")
        try XCTSkipIf(files.isEmpty, "no conformance corpus")
        for url in files {
            XCTAssertNil(FuzzChecks.parser(try [UInt8](Data(contentsOf: url))), url.lastPathComponent)
        }
    }

    func testLogPropertyOnUpstreamRecords() throws {
        let files = Fixtures.files(under: Fixtures.conformance("libapparmor-test_multi"), suffix: ".in")
        try XCTSkipIf(files.isEmpty, "no conformance corpus")
        for url in files {
            XCTAssertNil(FuzzChecks.log(try [UInt8](Data(contentsOf: url))), url.lastPathComponent)
        }
    }

    func testThePropertiesCatchWhatTheyAreFor() {
        // A file rule wider than the logged name is caught: the check is not vacuous.
        XCTAssertNil(FuzzChecks.singleString("/tmp/*"))
        XCTAssertNil(FuzzChecks.singleString("/tmp/{a,b}"))
        XCTAssertEqual(FuzzChecks.singleString("/tmp/a\\*b").map { String(decoding: $0, as: UTF8.self) }, "/tmp/a*b")
        let record = #"type=AVC msg=audit(1.1:2): apparmor="DENIED" operation="open" profile="/usr/bin/x" name="/tmp/a" pid=1 comm="x" requested_mask="r" denied_mask="r" fsuid=0 ouid=0"# + "\n"
        XCTAssertNil(FuzzChecks.log(Array(record.utf8)))
        XCTAssertNil(FuzzChecks.plan(Array(#"{"version":1,"profileDir":"/p","local":false,"changes":[]}"#.utf8)))
    }
}
