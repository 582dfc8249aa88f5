import Foundation
import XCTest
@testable import SystemAppArmor

/// libapparmor and our own reader give the same answers about the running system.
final class LiveSystemTests: XCTestCase {
    func testLibAppArmorAgreesWithTheFileReader() {
        let lib = AppArmorKernel(root: .live, useLibAppArmor: true)
        let files = AppArmorKernel(root: .live, useLibAppArmor: false)
        XCTAssertTrue(lib.useLibAppArmor)
        XCTAssertEqual(lib.isEnabled, files.isEnabled)
        XCTAssertEqual(lib.mountPoint, files.mountPoint)
        let me = getpid()
        // With AppArmor on, both must read our label (and agree); with it off, both must fail:
        // a failure is never accepted where the kernel has an answer. (The kernel side is
        // exercised for real in the e2e scenarios under ../shared/vm.)
        switch (lib.label(of: me), files.label(of: me)) {
        case let (.success(a), .success(b)):
            XCTAssertTrue(files.isEnabled, "a label read where AppArmor is off")
            XCTAssertEqual(a, b)
        case (.failure, .failure):
            XCTAssertFalse(files.isEnabled, "AppArmor is on, yet neither reader got our label")
        case let (a, b): XCTFail("libapparmor said \(a), the files said \(b)")
        }
        // Our own executable resolves on the live system.
        XCTAssertEqual(files.executable(of: me).map { URL(fileURLWithPath: $0).lastPathComponent }?.isEmpty, false)
        XCTAssertFalse(files.commandLine(of: me).isEmpty)
    }

    func testTaskConMatchesProcAttr() {
        let me = getpid()
        let enabled = AppArmorKernel(root: .live, useLibAppArmor: false).isEnabled
        switch (LibAppArmor.taskCon(pid: me), LibAppArmor.procAttr(pid: me)) {
        case let (.success(a), .success(b)): XCTAssertEqual(a, b)
        case (.failure, .failure): XCTAssertFalse(enabled, "AppArmor is on, yet libapparmor read no label")
        case let (a, b): XCTFail("aa_gettaskcon \(a) vs aa_getprocattr \(b)")
        }
    }
}
