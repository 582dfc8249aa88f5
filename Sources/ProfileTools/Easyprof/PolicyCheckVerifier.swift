import AppArmorPolicy
import AppArmorSyntax

/// The project's own checker: parses and validates the generated profile with AppArmorPolicy,
/// includes resolved under the context's base (and include folder). It runs everywhere, also
/// where apparmor_parser is not installed.
public struct PolicyCheckVerifier: ProfileVerifier {
    /// The apparmor_parser version judged against; nil: the profile's abi, else the newest.
    public let parserVersion: ParserVersion?

    public init(parserVersion: ParserVersion? = nil) {
        self.parserVersion = parserVersion
    }

    public func verify(_ profile: String, context: ProfileVerificationContext) -> ProfileVerification {
        let searchPath = IncludeSearchPath(includeDirs: context.include.map { [$0] } ?? [], base: context.base)
        let checker = PolicyChecker(options: CheckOptions(searchPath: searchPath, parserVersion: parserVersion))
        let report = checker.check(path: "<generated profile>", bytes: Array(profile.utf8))
        let errors = report.errors
        return ProfileVerification(
            accepted: errors.isEmpty, checker: "aaswift check",
            diagnostics: errors.map { $0.rendered() }.joined())
    }
}
