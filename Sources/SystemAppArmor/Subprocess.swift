import Foundation

/// Runs a program to its end, standard input from /dev/null, and collects what it writes: how
/// the tools call apparmor_parser (to load policy, or to verify a generated profile).
public enum Subprocess {
    public struct Result: Sendable {
        public let status: Int32
        public let standardOutput: Data
        /// Empty when standard error was merged into standard output.
        public let standardError: Data
    }

    /// With `mergingOutput`, standard error goes down the same pipe as standard output, so
    /// the two stay in the order the program wrote them. Throws when the program cannot be
    /// started.
    public static func run(_ program: String, _ arguments: [String], mergingOutput: Bool = false) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let out = Pipe()
        let err = mergingOutput ? out : Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Drain standard error on another thread so neither pipe can fill up and block the child.
        let errData = mergingOutput ? nil : PipeDrain(err.fileHandleForReading)
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errBytes = errData?.wait() ?? Data()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, standardOutput: outData, standardError: errBytes)
    }
}

/// Reads a pipe to its end on a background thread.
private final class PipeDrain: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}
