import AppArmorSyntax
import FoundationEssentials
import SystemAppArmor
#if canImport(Glibc)
import Glibc
#endif

/// What a verifier said about a generated profile.
public struct ProfileVerification: Sendable, Equatable {
    public var accepted: Bool
    /// Which checker spoke (for messages): "apparmor_parser", "aaswift check", ...
    public var checker: String
    /// The checker's diagnostics, empty when there are none.
    public var diagnostics: String
    /// True when the checker could not run (absent); the result is then neither pass nor fail.
    public var skipped: Bool

    public init(accepted: Bool, checker: String, diagnostics: String = "", skipped: Bool = false) {
        self.accepted = accepted
        self.checker = checker
        self.diagnostics = diagnostics
        self.skipped = skipped
    }
}

/// Folders a verifier resolves `include` against (`-b` and `-I`).
public struct ProfileVerificationContext: Sendable, Equatable {
    public var base: String
    public var include: String?

    public init(base: String, include: String? = nil) {
        self.base = base
        self.include = include
    }
}

/// Checks a generated profile before it is shown or written.
///
/// Hook for the project's own checker: implement this protocol in terms of AppArmorPolicy
/// (parse + validate the text, resolving includes under `context.base`) and add it to
/// `EasyprofVerifiers.standard(parserPath:)`, which the `easyprof` command uses.
public protocol ProfileVerifier: Sendable {
    func verify(_ profile: String, context: ProfileVerificationContext) -> ProfileVerification
}

/// Runs `apparmor_parser -Q -T -K [-b base] [-I include] FILE` on the profile.
public struct ApparmorParserVerifier: ProfileVerifier {
    public let parserPath: String?

    /// `path` nil: `/sbin/apparmor_parser`, else the first `apparmor_parser` on `$PATH`.
    public init(path: String? = nil) {
        self.parserPath = path ?? Self.locate()
    }

    static func locate() -> String? { ApparmorParser.installed() }

    public func verify(_ profile: String, context: ProfileVerificationContext) -> ProfileVerification {
        let name = "apparmor_parser"
        guard let parserPath else {
            return ProfileVerification(
                accepted: true, checker: name, diagnostics: "apparmor_parser not found; skipping verification",
                skipped: true)
        }
        let tmp = FileManager.default.temporaryDirectory
            .appendingPathComponent("aaswift-easyprof-\(getpid())-\(UUID().uuidString)")
        do {
            try Data(profile.utf8).write(to: tmp, options: .withoutOverwriting)
        } catch {
            return ProfileVerification(
                accepted: false, checker: name, diagnostics: "could not write a temporary file: \(error)")
        }
        defer { try? FileManager.default.removeItem(at: tmp) }
        var args = ["-Q", "-T", "-K", "-b", context.base]
        if let inc = context.include { args += ["-I", inc] }
        args.append(tmp.path)
        let result: Subprocess.Result
        do {
            result = try Subprocess.run(parserPath, args, mergingOutput: true)
        } catch {
            return ProfileVerification(accepted: false, checker: name, diagnostics: "could not run \(parserPath): \(error)")
        }
        let text = String(decoding: result.standardOutput, as: UTF8.self).replacing(tmp.path, with: "<generated profile>")
        return ProfileVerification(
            accepted: result.status == 0, checker: "\(name) (\(parserPath))", diagnostics: text)
    }
}

/// The verifiers `easyprof` runs, in order; the first rejection wins.
public enum EasyprofVerifiers {
    /// aaswift's checker judges as the parser that verifies next does (its `--version`).
    public static func standard(parserPath: String?) -> [any ProfileVerifier] {
        let parser = ApparmorParserVerifier(path: parserPath)
        let version = parser.parserPath.flatMap { ApparmorParser(program: $0).versionLine() }.flatMap { ParserVersion(parsing: $0) }
        return [PolicyCheckVerifier(parserVersion: version), parser]
    }
}
