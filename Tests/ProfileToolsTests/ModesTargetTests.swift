import AppArmorEdit
import ProfileTools
import SystemAppArmor
import XCTest

/// Target resolution, links and reloads on a small fixture folder.
final class ModesTargetTests: XCTestCase {
    var folder = ""

    override func setUpWithError() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aaswift-targets-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("tunables"), withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        folder = try XCTUnwrap(realpath(dir.path, nil).map { p in defer { free(p) }; return String(cString: p) })
        let files = [
            "usr.bin.tool": "profile exact /usr/bin/tool {\n  /etc/tool r,\n}\n",
            "any-bin": "profile anybin /usr/bin/* {\n}\n",
            "to-glob": "profile longer /usr/bin/to{a,o}* {\n}\n",
            "opt": "include <tunables/global>\nprofile optbin @{optbin}/other {\n}\n",
            "misc": "profile misc_name {\n}\n",
            "tunables/global": "@{optbin}=/opt/bin /opt/sbin\n",
            "README": "profile readme_is_skipped /usr/bin/tool {}\n",
        ]
        for (name, text) in files { try Data(text.utf8).write(to: URL(fileURLWithPath: folder + "/" + name)) }
    }

    func resolve(_ arg: String) -> ModeTarget? {
        try? ModeTargetResolver(folder: folder, searchPath: []).resolve(arg).get()
    }

    func testBinaryMatchesLikeTheKernel() {
        XCTAssertEqual(resolve("/usr/bin/tool")?.profileName, "exact")
        XCTAssertEqual(resolve("/usr/bin/toad")?.profileName, "longer")
        XCTAssertEqual(resolve("/usr/bin/zap")?.profileName, "anybin")
        XCTAssertEqual(resolve("/opt/sbin/other")?.profileName, "optbin")
        XCTAssertNil(resolve("/usr/bin/sub/dir"))
        XCTAssertEqual(resolve("/usr/bin/zap")?.label, "/usr/bin/zap")
    }

    func testNamesFilesAndFolderEntries() {
        XCTAssertEqual(resolve("misc_name"), ModeTarget(file: folder + "/misc", profileName: "misc_name", label: "misc_name"))
        XCTAssertEqual(resolve(folder + "/misc"), ModeTarget(file: folder + "/misc", profileName: nil, label: folder + "/misc"))
        XCTAssertEqual(resolve("to-glob")?.file, folder + "/to-glob")
        XCTAssertEqual(resolve("to-glob")?.profileName, nil)
        XCTAssertNil(resolve("nothing-of-that-name"))
    }

    func testWhichFindsTheProgram() throws {
        let bin = folder + "/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: bin + "/tool", contents: Data(), attributes: [.posixPermissions: 0o755])
        try Data("profile mine \(bin)/tool {\n}\n".utf8).write(to: URL(fileURLWithPath: folder + "/mine"))
        let r = ModeTargetResolver(folder: folder, searchPath: ["/nonexistent", bin]).resolve("tool")
        XCTAssertEqual(try r.get(), ModeTarget(file: folder + "/mine", profileName: "mine", label: bin + "/tool"))
    }

    func testLinksAndReloads() throws {
        let loader = RecordingReloader(enabled: true)
        let runner = ModeRunner(folder: folder, reloader: loader)
        let file = folder + "/usr.bin.tool"

        var report = runner.run(.disable, arguments: ["exact"], options: ModeRunOptions())
        XCTAssertTrue(report.succeeded, "\(report.errors)")
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: folder + "/disable/usr.bin.tool"), file)
        XCTAssertEqual(loader.calls, ["-R \(file)"])

        try FileManager.default.createDirectory(atPath: folder + "/force-complain", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: folder + "/force-complain/usr.bin.tool", withDestinationPath: file)
        report = runner.run(.complain, arguments: ["/usr/bin/tool"], options: ModeRunOptions())
        XCTAssertTrue(report.succeeded, "\(report.errors)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/disable/usr.bin.tool"))
        XCTAssertTrue(try String(contentsOfFile: file, encoding: .utf8).hasPrefix("profile exact /usr/bin/tool flags=(complain) {"))

        report = runner.run(.enforce, arguments: [file], options: ModeRunOptions())
        XCTAssertTrue(report.succeeded, "\(report.errors)")
        XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8), "profile exact /usr/bin/tool {\n  /etc/tool r,\n}\n")
        XCTAssertNil(try? FileManager.default.destinationOfSymbolicLink(atPath: folder + "/force-complain/usr.bin.tool"))
        XCTAssertEqual(loader.calls, ["-R \(file)", "-r \(file)", "-r \(file)"])
    }

    func testNotEnabledChangesNothing() throws {
        let runner = ModeRunner(folder: folder, reloader: RecordingReloader(enabled: false))
        let report = runner.run(.complain, arguments: ["exact"], options: ModeRunOptions())
        XCTAssertEqual(report.errors, [ModeRunner.notEnabledMessage])
        XCTAssertEqual(try String(contentsOfFile: folder + "/usr.bin.tool", encoding: .utf8), "profile exact /usr/bin/tool {\n  /etc/tool r,\n}\n")
        let noReload = runner.run(.audit(remove: false), arguments: ["exact"], options: ModeRunOptions(noReload: true))
        XCTAssertTrue(noReload.succeeded)
        XCTAssertTrue(try String(contentsOfFile: folder + "/usr.bin.tool", encoding: .utf8).hasPrefix("profile exact /usr/bin/tool flags=(audit) {"))
    }

    func testInjectedFailureBeforeRenameKeepsTheFile() throws {
        struct Injected: Error {}
        let options = AtomicWrite.Options(beforeRename: { _ in throw Injected() })
        let runner = ModeRunner(folder: folder, reloader: RecordingReloader(enabled: true), writeOptions: options)
        let report = runner.run(.complain, arguments: ["exact"], options: ModeRunOptions(noReload: true))
        XCTAssertEqual(report.errors.count, 1)
        XCTAssertEqual(try String(contentsOfFile: folder + "/usr.bin.tool", encoding: .utf8), "profile exact /usr/bin/tool {\n  /etc/tool r,\n}\n")
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: folder).contains { $0.hasPrefix(".usr.bin.tool") })
    }

    func testReloadsGoThroughThePolicyLoader() throws {
        let loader = RecordingPolicyLoader()
        let reloader = LoaderModeReloader(loader: loader, kernel: AppArmorKernel(root: SystemRoot(folder), useLibAppArmor: false))
        XCTAssertFalse(reloader.isAppArmorEnabled)
        XCTAssertNil(reloader.replace(file: "/p/f", folder: "/p"))
        XCTAssertNil(reloader.remove(file: "/p/f", folder: "/p"))
        XCTAssertEqual(loader.calls.map { ApparmorParser.arguments($0.action, files: $0.files, includeDirs: $0.includeDirs, base: $0.base) },
                       [["-r", "-I", "/p", "--base", "/p", "/p/f"], ["-R", "-I", "/p", "--base", "/p", "/p/f"]])
    }

    func testUnconfinedNeedsForce() throws {
        try Data("profile u flags=(unconfined) {\n}\n".utf8).write(to: URL(fileURLWithPath: folder + "/u"))
        let runner = ModeRunner(folder: folder, reloader: RecordingReloader(enabled: true))
        var report = runner.run(.complain, arguments: ["u"], options: ModeRunOptions(noReload: true))
        XCTAssertEqual(report.plans.first?.skippedUnconfined, ["u"])
        XCTAssertEqual(try String(contentsOfFile: folder + "/u", encoding: .utf8), "profile u flags=(unconfined) {\n}\n")
        report = runner.run(.complain, arguments: ["u"], options: ModeRunOptions(noReload: true, force: true))
        XCTAssertEqual(try String(contentsOfFile: folder + "/u", encoding: .utf8), "profile u flags=(complain) {\n}\n")
    }
}

final class RecordingReloader: ModeReloader, @unchecked Sendable {
    let enabled: Bool
    private let lock = NSLock()
    private var recorded: [String] = []

    init(enabled: Bool) { self.enabled = enabled }

    var isAppArmorEnabled: Bool { enabled }
    var calls: [String] { lock.lock(); defer { lock.unlock() }; return recorded }

    func replace(file: String, folder: String) -> String? { record("-r \(file)") }
    func remove(file: String, folder: String) -> String? { record("-R \(file)") }

    private func record(_ call: String) -> String? {
        lock.lock()
        recorded.append(call)
        lock.unlock()
        return nil
    }
}
