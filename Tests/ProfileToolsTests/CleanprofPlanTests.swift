import AASwiftTestSupport
import AppArmorSyntax
import Foundation
@testable import ProfileTools
import XCTest

/// cleanprof on upstream's torture profile, in a copy of the shipped policy tree.
final class CleanprofPlanTests: XCTestCase {
    func testDump() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aaswift-cleanprof-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        for sub in ["abstractions", "tunables", "abi"] {
            try FileManager.default.copyItem(atPath: Fixtures.conformance("profiles-apparmor.d/" + sub).path, toPath: dir + "/" + sub)
        }
        let file = dir + "/cleanprof_test.in"
        try FileManager.default.copyItem(atPath: Fixtures.conformance("utils-test/cleanprof_test.in").path, toPath: file)
        let plan = try CleanprofPlanner.plan(file: file, profileNames: ["/usr/bin/a/simple/cleanprof/test/profile"], folder: dir)
        for r in plan.removals { print("REMOVE \(r.line) [\(r.profile ?? "-")] \(r.text) -- \(r.reason)") }
        print(try plan.edited.diff())
    }
}
