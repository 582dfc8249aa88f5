import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// What one run of the policy loader reported.
public struct PolicyLoadResult: Sendable, Equatable {
    /// The arguments given to the loader (without the program itself).
    public var arguments: [String]
    /// Exit status; 0 is success.
    public var status: Int32
    public var standardOutput: String
    public var standardError: String

    public init(arguments: [String], status: Int32, standardOutput: String = "", standardError: String = "") {
        self.arguments = arguments
        self.status = status
        self.standardOutput = standardOutput
        self.standardError = standardError
    }

    public var succeeded: Bool { status == 0 }
}

/// The three loader operations the tools need.
public enum PolicyLoadAction: String, Sendable, Equatable {
    /// `-a`: load; fails for a profile already loaded.
    case add
    /// `-r`: load or replace.
    case replace
    /// `-R`: unload.
    case remove
    /// `-Q -K`: parse and compile only, load nothing, skip the cache.
    case check

    var flags: [String] {
        switch self {
        case .add: return ["-a"]
        case .replace: return ["-r"]
        case .remove: return ["-R"]
        case .check: return ["-Q", "-K"]
        }
    }
}

/// Loads, unloads and checks profiles: apparmor_parser on a real system, a recorder in tests.
public protocol PolicyLoader: Sendable {
    func run(_ action: PolicyLoadAction, files: [String], includeDirs: [String], base: String?) throws -> PolicyLoadResult
}

extension PolicyLoader {
    /// `apparmor_parser -r [-I DIR]... [--base DIR] FILE...`
    public func replace(files: [String], includeDirs: [String] = [], base: String? = nil) throws -> PolicyLoadResult {
        try run(.replace, files: files, includeDirs: includeDirs, base: base)
    }

    /// `apparmor_parser -R [-I DIR]... [--base DIR] FILE...`
    public func remove(files: [String], includeDirs: [String] = [], base: String? = nil) throws -> PolicyLoadResult {
        try run(.remove, files: files, includeDirs: includeDirs, base: base)
    }

    /// `apparmor_parser -Q -K [-I DIR]... [--base DIR] FILE...`
    public func check(files: [String], includeDirs: [String] = [], base: String? = nil) throws -> PolicyLoadResult {
        try run(.check, files: files, includeDirs: includeDirs, base: base)
    }

    /// The loader's argument list for an action.
    public static func arguments(_ action: PolicyLoadAction, files: [String], includeDirs: [String], base: String?) -> [String] {
        var args = action.flags
        for dir in includeDirs { args += ["-I", dir] }
        if let base { args += ["--base", base] }
        return args + files
    }
}

/// Runs the real `apparmor_parser`.
public struct ApparmorParser: PolicyLoader {
    public static let defaultPath = "/sbin/apparmor_parser"

    /// The apparmor_parser of this system: /sbin/apparmor_parser, else the first on `$PATH`
    /// (then /usr/sbin, /sbin); nil when there is none.
    public static func installed() -> String? {
        SystemPrograms.first([defaultPath]) ?? SystemPrograms.find("apparmor_parser", alsoIn: ["/usr/sbin", "/sbin"])
    }

    /// The program; `$APPARMOR_PARSER` or /sbin/apparmor_parser unless given.
    public let program: String
    /// Extra arguments placed before the action's (e.g. `--config-file`).
    public let extraArguments: [String]

    public init(program: String? = nil, extraArguments: [String] = []) {
        self.program = program
            ?? ProcessEnvironment.value("APPARMOR_PARSER")
            ?? Self.defaultPath
        self.extraArguments = extraArguments
    }

    public struct NotRunnable: Error, CustomStringConvertible, Sendable {
        public let program: String
        public let reason: String
        public var description: String { "cannot run \(program): \(reason)" }
    }

    /// The first line of `apparmor_parser --version` ("AppArmor parser version 4.1.0"), or nil
    /// when the program is missing or says nothing.
    public func versionLine() -> String? {
        guard access(program, X_OK) == 0, let r = try? Subprocess.run(program, ["--version"], mergingOutput: true),
              r.status == 0 else { return nil }
        let text = String(decoding: r.standardOutput, as: UTF8.self)
        return text.split(separator: "\n").first.map(String.init)
    }

    public func run(_ action: PolicyLoadAction, files: [String], includeDirs: [String], base: String?) throws -> PolicyLoadResult {
        let args = extraArguments + Self.arguments(action, files: files, includeDirs: includeDirs, base: base)
        let result: Subprocess.Result
        do {
            result = try Subprocess.run(program, args)
        } catch {
            throw NotRunnable(program: program, reason: "\(error)")
        }
        return PolicyLoadResult(
            arguments: args, status: result.status,
            standardOutput: String(decoding: result.standardOutput, as: UTF8.self),
            standardError: String(decoding: result.standardError, as: UTF8.self))
    }
}

/// A loader for tests: records every call and answers with a scripted result.
public final class RecordingPolicyLoader: PolicyLoader, @unchecked Sendable {
    public struct Call: Sendable, Equatable {
        public var action: PolicyLoadAction
        public var files: [String]
        public var includeDirs: [String]
        public var base: String?
    }

    private let recorded = Mutex<[Call]>([])
    private let answer: @Sendable (Call) -> PolicyLoadResult

    /// `answer` decides each call's result; by default every call succeeds.
    public init(answer: @escaping @Sendable (Call) -> PolicyLoadResult = { call in
        PolicyLoadResult(arguments: ApparmorParser.arguments(call.action, files: call.files, includeDirs: call.includeDirs, base: call.base), status: 0)
    }) {
        self.answer = answer
    }

    public var calls: [Call] {
        recorded.withLock { $0 }
    }

    public func run(_ action: PolicyLoadAction, files: [String], includeDirs: [String], base: String?) throws -> PolicyLoadResult {
        let call = Call(action: action, files: files, includeDirs: includeDirs, base: base)
        recorded.withLock { $0.append(call) }
        return answer(call)
    }
}
