import AASwiftTestSupport
import AppArmorPolicy
import XCTest

final class FeatureSetTests: XCTestCase {
    func testParsesNestedFeatureFiles() throws {
        let f = try FeatureSet(contentsOf: Fixtures.conformance("parser-features_files/features.all").path)
        XCTAssertTrue(f.has("dbus/mask/send"))
        XCTAssertTrue(f.has("caps/mask/chown"))
        XCTAssertFalse(f.has("caps/mask/perfmon"))
        XCTAssertTrue(f.has("network/af_mask/inet6"))
        XCTAssertTrue(f.has("domain/change_onexec"))
    }

    /// Rules the kernel would not enforce are warnings, never errors.
    func testUnsupportedRulesWarn() throws {
        let f = try FeatureSet(contentsOf: Fixtures.conformance("parser-features_files/features.all").path)
        let checker = PolicyChecker(options: CheckOptions(searchPath: IncludeSearchPath(base: "/nonexistent"), features: f))
        let report = checker.check(path: "t", bytes: Array(profile("capability perfmon,", "io_uring,", "dbus,").utf8))
        XCTAssertTrue(report.passed)
        XCTAssertEqual(report.diagnostics.map(\.diagnostic.id.rawValue), ["AA3019", "AA3019"])
        XCTAssertEqual(report.diagnostics.map(\.location.line), [2, 3])
    }
}
