import Foundation  // Process, Pipe, Bundle: test support only, never linked into the aaswift binary

/// Locations that tests share: the project root, upstream's conformance corpora (read in place,
/// never copied), and the built `aaswift` binary.
public enum Fixtures {
    /// The package root, found from this file's location.
    public static let projectRoot: URL = {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // AASwiftTestSupport
            .deletingLastPathComponent()  // Sources
            .deletingLastPathComponent()
    }()

    /// `$AASWIFT_CONFORMANCE`, else `../shared/conformance` beside the checkout. Under
    /// `CI=true` a missing corpus stops the run (a crash the test run reports as a failure)
    /// instead of letting the corpus tests skip.
    public static let conformance: URL = {
        let url: URL
        if let env = ProcessInfo.processInfo.environment["AASWIFT_CONFORMANCE"], !env.isEmpty {
            url = URL(fileURLWithPath: env)
        } else {
            url = projectRoot.deletingLastPathComponent().appendingPathComponent("shared/conformance")
        }
        if isCI, !FileManager.default.fileExists(atPath: url.appendingPathComponent("README.md").path) {
            fatalError("CI=true and the conformance corpus is missing at \(url.path): set AASWIFT_CONFORMANCE or put it beside the checkout")
        }
        return url
    }()

    /// Whether the run is CI's (`CI=true`), where a test may not skip for lack of something.
    public static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"

    public static func conformance(_ relative: String) -> URL {
        conformance.appendingPathComponent(relative)
    }

    public static func project(_ relative: String) -> URL {
        projectRoot.appendingPathComponent(relative)
    }

    /// A copy of a fixture folder in a fresh temporary folder, to edit; the caller removes it.
    public static func temporaryCopy(of path: String, label: String = "fixture") throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.copyItem(atPath: path, toPath: dir.path)
        return dir
    }

    /// The folder holding the unpacked generated simple_tests (made by `make generated-tests`),
    /// or nil when it is absent.
    public static var generatedSimpleTests: URL? {
        let url = projectRoot.appendingPathComponent(".build/conformance-generated")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    /// Every regular file below `root`, sorted by path.
    public static func files(under root: URL, suffix: String? = nil) -> [URL] {
        guard let e = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else {
            return []
        }
        var out: [URL] = []
        for case let url as URL in e {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else { continue }
            if let suffix, !url.path.hasSuffix(suffix) { continue }
            out.append(url)
        }
        return out.sorted { $0.path < $1.path }
    }

    /// The installed apparmor_parser (3.0.8 on Debian 12), when present.
    public static var localParser: URL? {
        ["/sbin/apparmor_parser", "/usr/sbin/apparmor_parser"].map(URL.init(fileURLWithPath:))
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// AppArmor 4.1's apparmor_parser through `../shared/trixie/parser.sh` and the Debian 13 root
    /// at `$ROOT` (default /tmp/trixie-root), when both are there (the script needs root).
    /// The root is made when missing (`Trixie.root()`); parser.sh reads `$ROOT`, which must
    /// then name the same root.
    public static var trixieParser: URL? {
        let script = projectRoot.deletingLastPathComponent().appendingPathComponent("shared/trixie/parser.sh")
        let rootVar = ProcessInfo.processInfo.environment["ROOT"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp/trixie-root"
        guard FileManager.default.isExecutableFile(atPath: script.path), getuid() == 0,
              let root = try? Trixie.root(), root.path == rootVar else { return nil }
        return script
    }

    /// The `aaswift` executable built next to the test bundle.
    public static var aaswiftBinary: URL {
        if let env = ProcessInfo.processInfo.environment["AASWIFT_BIN"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        let bundle = Bundle.allBundles.first { $0.bundlePath.hasSuffix(".xctest") }
        let dir = bundle.map { URL(fileURLWithPath: $0.bundlePath).deletingLastPathComponent() }
            ?? projectRoot.appendingPathComponent(".build/debug")
        return dir.appendingPathComponent("aaswift")
    }

    /// Runs a program; returns exit status, stdout and stderr.
    @discardableResult
    public static func run(
        _ executable: URL, _ arguments: [String], stdin: Data? = nil,
        environment: [String: String]? = nil, cwd: URL? = nil
    ) throws -> (status: Int32, stdout: String, stderr: String) {
        let p = Process()
        p.executableURL = executable
        p.arguments = arguments
        if let environment { p.environment = environment }
        if let cwd { p.currentDirectoryURL = cwd }
        let out = Pipe(), err = Pipe(), inp = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = inp
        try p.run()
        if let stdin { inp.fileHandleForWriting.write(stdin) }
        try? inp.fileHandleForWriting.close()
        // Read both pipes concurrently so a large output cannot deadlock.
        let errBox = DataBox()
        let group = DispatchGroup()
        group.enter()
        let errHandle = err.fileHandleForReading
        DispatchQueue.global().async {
            errBox.data = errHandle.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        let errData = errBox.data
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }

    /// Runs the built `aaswift` binary.
    /// The environment for running `aaswift easyprof` on its built-in templates only: neither
    /// an installed /usr/share/aaswift/easyprof nor the system's /etc/apparmor/easyprof.conf.
    public static var builtInEasyprofEnvironment: [String: String] {
        var e = ProcessInfo.processInfo.environment
        e["AASWIFT_EASYPROF_DIR"] = "/nonexistent-aaswift-easyprof"
        return e
    }

    @discardableResult
    public static func aaswift(_ arguments: [String], stdin: Data? = nil, cwd: URL? = nil, environment: [String: String]? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        try run(aaswiftBinary, arguments, stdin: stdin, environment: environment, cwd: cwd)
    }
}

private final class DataBox: @unchecked Sendable {
    var data = Data()
}

/// The Debian 13 root with AppArmor 4.1's tools (`../shared/trixie/make-root.sh`), for
/// side-by-side runs: `$AASWIFT_TRIXIE_ROOT`, else /tmp/trixie-root.
public enum TrixieRoot {
    /// `Trixie.root()`'s folder (made when missing).
    public static var path: String { (try? Trixie.root().path) ?? "/tmp/trixie-root" }

    /// Whether a 4.1 tool can run: the root holds it (made when missing) and we may chroot (root).
    public static func has(_ tool: String) -> Bool {
        getuid() == 0 && FileManager.default.isExecutableFile(atPath: path + tool)
    }

    /// A fresh folder inside the root's /tmp (the same path inside and outside the chroot,
    /// after the root prefix); removed by the caller.
    public static func makeFolder() throws -> (outside: String, inside: String) {
        let inside = "/tmp/aaswift-side-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path + inside, withIntermediateDirectories: true)
        return (path + inside, inside)
    }

    /// Runs a 4.1 tool in the root.
    @discardableResult
    public static func run(_ arguments: [String], stdin: Data? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        try Fixtures.run(URL(fileURLWithPath: "/usr/sbin/chroot"), [path] + arguments, stdin: stdin)
    }
}
