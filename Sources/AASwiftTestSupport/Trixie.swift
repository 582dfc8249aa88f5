import Foundation

/// AppArmor 4.1 beside this machine, for the tests that compare with it (../shared/trixie):
/// Debian 13's root (its apparmor_parser 4.1, /etc/apparmor.d and extra profiles) and
/// AppArmor 4.1.0's upstream source (its own test corpora). Each is made by the shared scripts
/// when missing and reused when present. Under `CI=true` a missing one must fail the run
/// (`mustHave`), elsewhere the tests skip.
public enum Trixie {
    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
    }

    /// Whether a missing root or source fails the run instead of skipping (`CI=true`).
    public static var mustHave: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// `../shared/trixie`, beside the conformance folder.
    static var scripts: URL {
        Fixtures.conformance.deletingLastPathComponent().appendingPathComponent("trixie")
    }

    private static func env(_ name: String) -> String? {
        ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    private static let lock = NSLock()

    /// Runs a shared script once per process; what it printed when it failed.
    private static func make(_ script: String, _ arguments: [String], until ready: () -> Bool) throws {
        lock.lock()
        defer { lock.unlock() }
        if ready() { return }
        let url = scripts.appendingPathComponent(script)
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw Unavailable(description: "\(url.path) not found")
        }
        let r = try Fixtures.run(url, arguments)
        guard r.status == 0, ready() else {
            throw Unavailable(description: "\(script) \(arguments.joined(separator: " ")) failed (\(r.status)): \(r.stderr.suffix(400))")
        }
    }

    /// Debian 13's root with apparmor_parser 4.1: `$AASWIFT_TRIXIE_ROOT`, else /tmp/trixie-root
    /// (made by make-root.sh when missing, about 30 s).
    public static func root() throws -> URL {
        let root = URL(fileURLWithPath: env("AASWIFT_TRIXIE_ROOT") ?? "/tmp/trixie-root")
        let parser = root.appendingPathComponent("usr/sbin/apparmor_parser").path
        try make("make-root.sh", [root.path], until: { FileManager.default.isExecutableFile(atPath: parser) })
        return root
    }

    /// AppArmor 4.1.0's source: `$AASWIFT_APPARMOR41_SOURCE`, else /tmp/apparmor-4.1 (unpacked
    /// by get-source.sh when missing, about 4 s).
    public static func source() throws -> URL {
        let dest = URL(fileURLWithPath: env("AASWIFT_APPARMOR41_SOURCE") ?? "/tmp/apparmor-4.1")
        let marker = dest.appendingPathComponent("parser/tst/simple_tests").path
        try make("get-source.sh", [dest.path], until: { FileManager.default.fileExists(atPath: marker) })
        return dest
    }

    /// Runs the root's apparmor_parser 4.1 (`-Q -K`, Debian 13's pinned kernel features) on
    /// each file, two at a time, in one chroot. Paths are inside the root; `base` and
    /// `includes` too. Returns each file's exit status.
    /// `features`: a feature file to compile against instead (`-M`); `cwd`: the folder to run
    /// in (for includes relative to it); each run is limited to `limit` seconds (a file the
    /// parser does not finish gets 124).
    public static func parse(_ files: [String], base: String? = nil, includes: [String] = [], features: String? = nil,
                             cwd: String = "/", limit: Int = 60, in root: URL) throws -> [String: Int32] {
        var flags = "-Q -K " + (features.map { "-M '\($0)'" } ?? "--kernel-features /usr/share/apparmor-features/features")
        if let base { flags += " --base '\(base)'" }
        for i in includes { flags += " -I '\(i)'" }
        let list = "/tmp/aaswift-parse-\(UUID().uuidString)"
        try files.joined(separator: "\n").appending("\n").write(toFile: root.path + list, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: root.path + list) }
        let script = """
            cd '\(cwd)' && tr '\\n' '\\0' < \(list) | xargs -0 -P 2 -n 1 sh -c 'timeout \(limit) apparmor_parser \(flags) "$0" >/dev/null 2>&1; echo "$? $0"'
            """
        let r = try Fixtures.run(URL(fileURLWithPath: "/usr/sbin/chroot"), [root.path, "/bin/sh", "-c", script])
        var out: [String: Int32] = [:]
        for line in r.stdout.split(separator: "\n") {
            guard let sp = line.firstIndex(of: " "), let rc = Int32(line[..<sp]) else { continue }
            out[String(line[line.index(after: sp)...])] = rc
        }
        guard out.count == files.count else {
            throw Unavailable(description: "apparmor_parser 4.1 in \(root.path) answered for \(out.count) of \(files.count) files: \(r.stderr.suffix(400))")
        }
        return out
    }
}
