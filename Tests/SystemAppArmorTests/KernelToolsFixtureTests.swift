import AASwiftTestSupport
import Foundation
import XCTest
@testable import SystemAppArmor

/// enabled, features-abi, unconfined and remove-unknown's kernel side, on fixture trees
/// (a /sys, /proc and securityfs laid out below a temporary folder).
final class KernelToolsFixtureTests: XCTestCase {
    /// A temporary root with `files` (path -> content) and `links` (path -> target).
    func tree(_ files: [String: String], links: [String: String] = [:]) throws -> SystemRoot {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("aaswift-kt-\(UUID().uuidString)").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: root) }
        for (path, text) in files {
            try FileManager.default.createDirectory(atPath: root + (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: root + path, atomically: false, encoding: .utf8)
        }
        for (path, target) in links {
            try FileManager.default.createDirectory(atPath: root + (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: root + path, withDestinationPath: target)
        }
        return SystemRoot(root)
    }

    static let mounted = [
        "/sys/module/apparmor/parameters/enabled": "Y\n",
        "/proc/mounts": "securityfs /sys/kernel/security securityfs rw 0 0\n",
        "/sys/kernel/security/apparmor/profiles": "a (enforce)\nb (complain)\n",
    ]

    func testEnabledAnswersAsAaEnabled() throws {
        let yes = AppArmorKernel(root: try tree(Self.mounted))
        XCTAssertEqual(yes.enabledStatus, .yes)
        XCTAssertEqual(yes.enabledStatus.exitCode(exclusive: false), 0)
        let off = AppArmorKernel(root: try tree(["/sys/module/apparmor/parameters/enabled": "N\n"]))
        XCTAssertEqual(off.enabledStatus, .disabledAtBoot)
        XCTAssertEqual(off.enabledStatus.message, "No - disabled at boot.")
        XCTAssertEqual(off.enabledStatus.exitCode(exclusive: false), 1)
        let absent = AppArmorKernel(root: try tree(["/sys/module/loop/x": ""]))
        XCTAssertEqual(absent.enabledStatus, .notAvailable)
        XCTAssertEqual(absent.enabledStatus.message, "No - not available on this system.")
        let unmounted = AppArmorKernel(root: try tree(["/sys/module/apparmor/parameters/enabled": "Y\n", "/proc/mounts": "proc /proc proc rw 0 0\n"]))
        XCTAssertEqual(unmounted.enabledStatus, .noPolicyInterface)
        XCTAssertEqual(unmounted.enabledStatus.exitCode(exclusive: false), 3)
        XCTAssertEqual(AppArmorEnabledStatus(enabled: false, errno: EBUSY).exitCode(exclusive: true), 10)
        XCTAssertEqual(AppArmorEnabledStatus(enabled: false, errno: EBUSY).exitCode(exclusive: false), 0)
    }

    /// The files of a features text as securityfs lays them out (path below features/ ->
    /// bytes): `name {` opens a folder unless the file's text follows.
    static func layout(_ text: String) -> [String: String] {
        var files: [String: String] = [:]
        var stack: [String] = []
        var i = text.startIndex
        while i < text.endIndex {
            let rest = text[i...]
            if let open = rest.range(of: " {"), !rest[..<open.lowerBound].contains("}"), !rest[..<open.lowerBound].contains("\n") {
                let name = String(rest[..<open.lowerBound])
                let after = open.upperBound
                let close = text[after...].firstIndex(of: "}")!
                if let brace = text[after...].firstIndex(of: "{"), brace < close, !text[after..<brace].contains("\n") {
                    stack.append(name)
                    i = after
                } else {
                    files[(stack + [name]).joined(separator: "/")] = String(text[after..<close])
                    i = text.index(after: close)
                }
            } else {
                if rest.hasPrefix("}") { stack.removeLast() }
                i = text.index(after: i)
            }
        }
        return files
    }

    /// A features folder laid out from upstream's features.all gives back the same tree, each
    /// folder's entries in byte order (libapparmor's alphasort walk).
    func testFeaturesFolderRoundTripsToTheFeaturesFile() throws {
        let text = try String(contentsOf: Fixtures.conformance("parser-features_files/features.all"), encoding: .utf8)
        let entries = Self.layout(text)
        XCTAssertGreaterThan(entries.count, 20)
        var files = Self.mounted
        for (path, value) in entries { files["/sys/kernel/security/apparmor/features/" + path] = value }
        let kernel = AppArmorKernel(root: try tree(files))
        guard case .success(let bytes) = FeatureABI.kernel(kernel) else { return XCTFail("no features") }
        let ours = String(decoding: bytes, as: UTF8.self)
        XCTAssertEqual(Self.layout(ours), entries)
        XCTAssertTrue(ours.hasPrefix("capability {0xffffff\n}\ncaps {mask {"), String(ours.prefix(80)))
        guard case .failure(let f) = FeatureABI.kernel(AppArmorKernel(root: try tree(["/sys/module/apparmor/parameters/enabled": "Y\n", "/proc/mounts": ""]))) else {
            return XCTFail("expected a failure")
        }
        XCTAssertEqual(f, .notMounted)
    }

    static let tcp = """
          sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
           0: 00000000:1B59 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1001 1 0000000000000000 100 0 0 10 0
           1: 0100007F:1B5A 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 1002 1 0000000000000000 100 0 0 10 0

        """
    static let udp = """
           sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
          7: 00000000:0044 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 1003 2 0000000000000000 0

        """

    /// Listening TCP and UDP sockets map to their processes through the fd links; the lines
    /// say who is confined.
    func testUnconfinedListsListenersWithTheirLabels() throws {
        let root = try tree([
            "/proc/net/tcp": Self.tcp, "/proc/net/udp": Self.udp,
            "/proc/self/attr/apparmor/current": "unconfined\n",
            "/proc/10/attr/apparmor/current": "unconfined\n", "/proc/10/cmdline": "/usr/sbin/free\0-d\0",
            "/proc/20/attr/apparmor/current": "/usr/sbin/conf (enforce)\n", "/proc/20/cmdline": "conf\0",
            "/proc/30/attr/apparmor/current": "unconfined\n", "/proc/30/cmdline": "client\0",
            "/proc/40/attr/apparmor/current": "unconfined\n", "/proc/40/cmdline": "/bin/sh\0/usr/lib/x/serve.sh\0",
            "/usr/sbin/free": "", "/usr/sbin/conf": "",
        ], links: [
            "/proc/10/fd/3": "socket:[1001]", "/proc/10/fd/1": "/dev/null", "/proc/10/exe": "/usr/sbin/free",
            "/proc/20/fd/5": "socket:[1003]", "/proc/20/exe": "/usr/sbin/conf",
            "/proc/30/fd/4": "socket:[1002]", "/proc/30/exe": "/usr/bin/client",
            "/proc/40/fd/4": "socket:[1001]", "/proc/40/exe": "/usr/bin/dash",
        ])
        let sockets = NetworkSockets(root: root)
        XCTAssertEqual(sockets.sockets().map(\.inode).sorted(), [1001, 1002, 1003])
        XCTAssertEqual(sockets.pids(.server), [10, 20, 40])
        XCTAssertEqual(sockets.pids(.client), [30])
        XCTAssertEqual(sockets.pids(.network), [10, 20, 30, 40])
        let kernel = AppArmorKernel(root: root)
        XCTAssertEqual(kernel.unconfinedEntries(pids: sockets.pids(.server)).map(\.line), [
            "10 /usr/sbin/free not confined",
            "20 /usr/sbin/conf confined by '/usr/sbin/conf (enforce)'",
            "40 /usr/bin/dash (/bin/sh /usr/lib/x/serve.sh) not confined",
        ])
    }

    /// Names are escaped as aa-unconfined's `escape_special_chars` (Python's `repr` without
    /// its single quotes) escapes them: Python itself is the oracle.
    func testUnconfinedEscapesNamesAsUpstream() throws {
        let samples = ["/usr/bin/plain", "/tmp/new\nline", "/tmp/tab\there", "/tmp/it's", "/tmp/both'\"q", "/tmp/back\\slash",
                       "/tmp/esc\u{1B}[31m", "/tmp/del\u{7F}", "/tmp/c1\u{85}", "/tmp/caf\u{E9}", "/tmp/zw\u{200B}", "/tmp/ls\u{2028}",
                       "/tmp/nbsp\u{A0}", "/tmp/emoji\u{1F600}", "/tmp/private\u{E000}", "/tmp/astral\u{E0001}"]
        let python = URL(fileURLWithPath: "/usr/bin/python3")
        if FileManager.default.isExecutableFile(atPath: python.path) {
            let script = """
                import sys, json
                def esc(data):
                    data = repr(data)
                    return data[1:-1] if len(data) > 1 and data.startswith("'") and data.endswith("'") else data
                print(json.dumps([esc(s) for s in json.load(sys.stdin)]))
                """
            let input = try JSONSerialization.data(withJSONObject: samples)
            let r = try Fixtures.run(python, ["-c", script], stdin: input)
            XCTAssertEqual(r.status, 0, r.stderr)
            let expected = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String]
            XCTAssertEqual(samples.map(UnconfinedEntry.escaped), expected)
        }
        XCTAssertEqual(UnconfinedEntry.escaped("/tmp/new\nline"), "/tmp/new\\nline")
        let entry = UnconfinedEntry(pid: 7, program: "/tmp/x\n8 /usr/bin/y", commandLine: "/tmp/x\n8 /usr/bin/y",
                                    processName: "/tmp/a'b", confinedBy: nil)
        XCTAssertEqual(entry.line, #"7 /tmp/x\n8 /usr/bin/y "(/tmp/a'b)" not confined"#)
    }
}
