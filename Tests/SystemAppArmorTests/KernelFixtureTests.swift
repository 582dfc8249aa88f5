import AASwiftTestSupport
import Foundation
import XCTest
@testable import SystemAppArmor

/// The kernel interface read from the fixture trees.
final class KernelFixtureTests: XCTestCase {
    static let fixtures = Fixtures.project("Tests/SystemAppArmorTests/Fixtures")

    func kernel(_ tree: String) -> AppArmorKernel {
        AppArmorKernel(root: SystemRoot(Self.fixtures.appendingPathComponent(tree).path + "/"))
    }

    func testEnabledAndMountPoint() {
        let mixed = kernel("mixed")
        XCTAssertFalse(mixed.useLibAppArmor)
        XCTAssertTrue(mixed.isModulePresent)
        XCTAssertTrue(mixed.isEnabled)
        XCTAssertEqual(mixed.mountPoint, "/sys/kernel/security/apparmor")
        XCTAssertEqual(mixed.namespaceName, "root")
        XCTAssertEqual(mixed.featureNames, ["domain", "file"])
        XCTAssertEqual(mixed.feature("domain/stack"), "yes")
        XCTAssertEqual(mixed.policyProfileFolders, ["evince.2", "firefox.3", "usr.sbin.cupsd.1"])

        let notMounted = kernel("notmounted")
        XCTAssertTrue(notMounted.isModulePresent)
        XCTAssertFalse(notMounted.isEnabledParameterSet)
        XCTAssertNil(notMounted.mountPoint)
        XCTAssertFalse(notMounted.isEnabled)
        XCTAssertEqual(notMounted.loadedProfiles().failureValue, .notMounted)

        let disabled = kernel("disabled")
        XCTAssertFalse(disabled.isModulePresent)
        XCTAssertFalse(disabled.isEnabled)
        XCTAssertEqual(disabled.loadedProfiles().failureValue, .moduleNotPresent)

        guard case .cannotOpenProfiles(let path, let err)? = kernel("noprofiles").loadedProfiles().failureValue else {
            return XCTFail("expected cannotOpenProfiles")
        }
        XCTAssertEqual(path, "/sys/kernel/security/apparmor/profiles")
        XCTAssertEqual(err.code, ENOENT)
    }

    func testLoadedProfilesKeepFileOrderAndShowUserAsPrompt() throws {
        let profiles = try kernel("mixed").loadedProfiles().get()
        XCTAssertEqual(profiles.count, 15)
        XCTAssertEqual(profiles.first, LoadedProfile(name: "/usr/sbin/cupsd", mode: "enforce"))
        XCTAssertEqual(profiles.first { $0.name == "prompter" }?.mode, "prompt")
        XCTAssertEqual(profiles.first { $0.name == "firefox" }?.mode, "unconfined")
        XCTAssertEqual(try kernel("nopolicy").loadedProfiles().get(), [])
    }

    func testAttrLayoutIsDecidedOnceForTheSystem() throws {
        XCTAssertEqual(kernel("mixed").procAttrLayout, .apparmorFolder)
        XCTAssertEqual(kernel("oldkernel").procAttrLayout, .shared)
        XCTAssertEqual(kernel("notmounted").procAttrLayout, .unavailable)
        // attr/current holds another LSM's text on the new-layout kernel; the old kernel's is ours.
        XCTAssertEqual(try kernel("mixed").label(of: 530).get(), ConfinementLabel(label: "evince", mode: "complain"))
        XCTAssertEqual(try kernel("oldkernel").label(of: 530).get(), ConfinementLabel(label: "evince", mode: "complain"))
        XCTAssertEqual(kernel("oldkernel").processes()?.map(\.pid), [412, 530, 601])
    }

    func testProcessesSkipUnreadableTasks() throws {
        let k = kernel("mixed")
        let processes = try XCTUnwrap(k.processes(withCommandLines: true))
        let byPid = Dictionary(uniqueKeysWithValues: processes.map { ($0.pid, $0) })
        // pid 1500 has no attr folder; "self" and "sys" are not pids.
        XCTAssertNil(byPid[1500])
        XCTAssertEqual(processes.map(\.pid), processes.map(\.pid).sorted())
        XCTAssertEqual(byPid[412]?.label, ConfinementLabel(label: "/usr/sbin/cupsd", mode: "enforce"))
        XCTAssertEqual(byPid[414]?.label, ConfinementLabel(label: "/usr/lib/cups/backend/cups-pdf", mode: "complain"))
        XCTAssertEqual(byPid[1300]?.label, ConfinementLabel(label: "unconfined", mode: nil))
        XCTAssertEqual(byPid[801]?.label.mode, "mixed")
        XCTAssertEqual(byPid[412]?.executable, "/usr/sbin/cupsd")
        XCTAssertEqual(byPid[412]?.commandLine, ["/usr/sbin/cupsd", "--flag"])
        // A kernel thread: no exe link.
        XCTAssertNil(byPid[2]?.executable)
    }

    func testStatusProcessesKeepUnconfinedOnlyWithAProfileOfTheirName() throws {
        let k = kernel("mixed")
        let list = try XCTUnwrap(k.statusProcesses(profiles: try k.loadedProfiles().get()))
        XCTAssertEqual(list.count, 15)
        XCTAssertTrue(list.contains(StatusProcess(pid: "601", profile: "/usr/sbin/ntpd", executable: "/usr/sbin/ntpd", mode: "unconfined")))
        XCTAssertFalse(list.contains { $0.pid == "1" || $0.pid == "1300" || $0.pid == "2" })
        XCTAssertEqual(list.first { $0.pid == "950" }?.mode, "prompt")
        // Without profiles, unconfined tasks drop out but confined ones stay.
        XCTAssertEqual(k.statusProcesses(profiles: [])?.count, 14)
    }

    func testExecutableFallsBackToTheLinkTextWhenItDoesNotResolve() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aaswift-exe-\(getpid())")
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("proc/9"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("proc/9/exe").path,
                                                   withDestinationPath: "/nonexistent/bin/tool (deleted)")
        let k = AppArmorKernel(root: SystemRoot(dir.path))
        XCTAssertEqual(k.executable(of: 9), "/nonexistent/bin/tool (deleted)")
        XCTAssertNil(k.executable(of: 10))
    }

    func testMountsFileWithAnotherSecurityfsPlace() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aaswift-mnt-\(getpid())")
        try? FileManager.default.removeItem(at: dir)
        defer { try? FileManager.default.removeItem(at: dir) }
        let fm = FileManager.default
        try fm.createDirectory(at: dir.appendingPathComponent("proc"), withIntermediateDirectories: true)
        try fm.createDirectory(at: dir.appendingPathComponent("sec fs/apparmor"), withIntermediateDirectories: true)
        try "securityfs /sec\\040fs securityfs rw 0 0\n".write(to: dir.appendingPathComponent("proc/mounts"), atomically: true, encoding: .utf8)
        XCTAssertEqual(AppArmorKernel(root: SystemRoot(dir.path)).mountPoint, "/sec fs/apparmor")
        try "sysfs /sys sysfs rw 0 0\n".write(to: dir.appendingPathComponent("proc/mounts"), atomically: true, encoding: .utf8)
        XCTAssertNil(AppArmorKernel(root: SystemRoot(dir.path)).mountPoint)
    }
}

extension Result {
    var failureValue: Failure? {
        if case .failure(let f) = self { return f }
        return nil
    }
}
