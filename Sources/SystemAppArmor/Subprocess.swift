#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials

/// Runs programs with posix_spawn, standard input from /dev/null: how the tools call
/// apparmor_parser (to load policy, or to verify a generated profile) and journalctl.
/// (Foundation's `Process` would pull the whole of Foundation, and ICU, into the binary.)
public enum Subprocess {
    public struct Result: Sendable {
        public let status: Int32
        public let standardOutput: Data
        /// Empty when standard error was merged into standard output.
        public let standardError: Data
    }

    /// A program could not be started.
    public struct SpawnError: Error, CustomStringConvertible, Sendable {
        public let program: String
        public let code: Int32
        public var description: String { String(cString: strerror(code)) }
    }

    /// Runs `program` to its end and collects what it writes. With `mergingOutput`, standard
    /// error goes down the same pipe as standard output, so the two stay in the order the
    /// program wrote them. Throws when the program cannot be started.
    public static func run(_ program: String, _ arguments: [String], mergingOutput: Bool = false) throws -> Result {
        let out = try Pipe()
        let err = mergingOutput ? nil : try Pipe()
        let child = try Running(program, arguments, standardOutput: out.write, standardError: err?.write ?? out.write)
        close(out.write)
        if let err { close(err.write) }
        // Read both pipes as data arrives, so neither can fill up and block the child.
        var outBytes: [UInt8] = [], errBytes: [UInt8] = []
        var open: [(fd: Int32, isOut: Bool)] = [(out.read, true)] + (err.map { [($0.read, false)] } ?? [])
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !open.isEmpty {
            var fds = open.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
            if poll(&fds, nfds_t(fds.count), -1) < 0 {
                if errno == EINTR { continue }
                break
            }
            for (i, p) in fds.enumerated().reversed() where p.revents != 0 {
                let n = buffer.withUnsafeMutableBytes { read(p.fd, $0.baseAddress, $0.count) }
                if n > 0 {
                    if open[i].isOut { outBytes += buffer[..<n] } else { errBytes += buffer[..<n] }
                } else if n == 0 || errno != EINTR {
                    close(p.fd)
                    open.remove(at: i)
                }
            }
        }
        return Result(status: child.wait(), standardOutput: Data(outBytes), standardError: Data(errBytes))
    }

    /// A started child whose standard output the caller reads from `output` (a pipe) until
    /// its end, then `wait()`s for.
    public static func reading(_ program: String, _ arguments: [String], discardingStandardError: Bool = false) throws -> (output: Int32, child: Running) {
        let out = try Pipe()
        let child = try Running(program, arguments, standardOutput: out.write, standardError: discardingStandardError ? nil : 2)
        close(out.write)
        return (out.read, child)
    }

    /// A started child that reads its standard input from `input` (a pipe the caller writes,
    /// then closes), with this process's standard output and error (a pager).
    public static func writing(_ program: String, _ arguments: [String]) throws -> (input: Int32, child: Running) {
        let pipe = try Pipe()
        let child = try Running(program, arguments, standardInput: pipe.read, standardOutput: 1, standardError: 2)
        close(pipe.read)
        return (pipe.write, child)
    }

    /// A child started with posix_spawn. Standard input is /dev/null unless given; a nil
    /// output goes to /dev/null too.
    public struct Running: Sendable {
        public let pid: pid_t

        init(_ program: String, _ arguments: [String], standardInput: Int32? = nil, standardOutput: Int32?, standardError: Int32?) throws {
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            if let standardInput {
                posix_spawn_file_actions_adddup2(&actions, standardInput, 0)
            } else {
                posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            }
            for (fd, target) in [(standardOutput, Int32(1)), (standardError, Int32(2))] {
                if let fd {
                    if fd != target { posix_spawn_file_actions_adddup2(&actions, fd, target) }
                } else {
                    posix_spawn_file_actions_addopen(&actions, target, "/dev/null", O_WRONLY, 0)
                }
            }
            let argv = ([program] + arguments).map { strdup($0) } + [nil]
            defer { argv.forEach { free($0) } }
            var pid = pid_t()
            let rc = posix_spawn(&pid, program, &actions, nil, argv, environ)
            guard rc == 0 else { throw SpawnError(program: program, code: rc) }
            self.pid = pid
        }

        /// Waits for the child's end: its exit status, or 128 + the signal that ended it.
        public func wait() -> Int32 {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 {
                if errno != EINTR { return -1 }
            }
            let signal = status & 0x7f
            return signal == 0 ? (status >> 8) & 0xff : 128 + signal
        }
    }

    /// A pipe whose ends are closed in the children spawned later (O_CLOEXEC).
    private struct Pipe {
        let read: Int32, write: Int32
        init() throws {
            var fds: [Int32] = [0, 0]
            guard pipe(&fds) == 0 else { throw SpawnError(program: "pipe", code: errno) }
            for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            (read, write) = (fds[0], fds[1])
        }
    }
}
