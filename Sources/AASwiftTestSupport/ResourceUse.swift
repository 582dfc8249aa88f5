import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What one run of a program used, from the kernel's accounting of the child (`wait4`): its
/// peak memory and its processor time, which the load of other processes does not inflate the
/// way it inflates wall-clock time.
public struct ResourceUse: Sendable {
    /// The exit status, or nil when a signal ended the process.
    public let status: Int32?
    /// The signal that ended it (SIGSEGV for a stack overflow), when one did.
    public let signal: Int32?
    public let stdoutBytes: Int
    public let stderr: String
    /// Peak resident set, in bytes.
    public let maxRSS: Int
    /// User plus system time, in seconds.
    public let cpuSeconds: Double

    public var crashed: Bool { signal != nil }
}

extension Fixtures {
    /// Runs a program with standard input from /dev/null, stdout and stderr to files, and
    /// reports what it used. `cwd`: the child's working folder (the parent's is not changed).
    public static func measure(_ executable: URL, _ arguments: [String], cwd: URL? = nil) throws -> ResourceUse {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aaswift-measure-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let outPath = dir.appendingPathComponent("stdout").path
        let errPath = dir.appendingPathComponent("stderr").path

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        // In another folder: through a shell that changes to it and then becomes the program
        // (exec), so the accounting is still the program's own.
        let argv = cwd.map { ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", $0.path, executable.path] + arguments }
            ?? [executable.path] + arguments
        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for p in cArgs { free(p) } }
        // The Swift runtime's crash backtracer would take seconds to symbolicate a crash; the
        // signal alone is what a test needs.
        let env = ProcessInfo.processInfo.environment.merging(["SWIFT_BACKTRACE": "enable=no"]) { _, new in new }
        var cEnv: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in cEnv { free(p) } }

        var pid: pid_t = 0
        let rc = posix_spawn(&pid, argv[0], &actions, nil, &cArgs, &cEnv)
        guard rc == 0 else { throw CocoaError(.executableLoad) }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else { throw CocoaError(.executableLoad) }
        }
        // WIFEXITED / WTERMSIG, spelled out (the C macros are not imported).
        let termSignal = status & 0x7F
        let exited = termSignal == 0
        let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1_000_000
        let outSize = (try? FileManager.default.attributesOfItem(atPath: outPath)[.size] as? Int) ?? 0
        let err = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return ResourceUse(status: exited ? (status >> 8) & 0xFF : nil, signal: exited ? nil : termSignal,
                           stdoutBytes: outSize, stderr: err, maxRSS: usage.ru_maxrss * 1024, cpuSeconds: cpu)
    }
}
