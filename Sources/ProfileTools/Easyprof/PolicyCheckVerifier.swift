import AppArmorPolicy
import AppArmorSyntax

/// The project's own checker: parses and validates the generated profile with AppArmorPolicy,
/// includes resolved under the context's base (and include folder). It runs everywhere, also
/// where apparmor_parser is not installed.
public struct PolicyCheckVerifier: ProfileVerifier {
    public init() {}

    public func verify(_ profile: String, context: ProfileVerificationContext) -> ProfileVerification {
        let searchPath = IncludeSearchPath(includeDirs: context.include.map { [$0] } ?? [], base: context.base)
        let checker = PolicyChecker(options: CheckOptions(searchPath: searchPath))
        let report = checker.check(path: "<generated profile>", bytes: Array(profile.utf8))
        let errors = report.errors
        return ProfileVerification(
            accepted: errors.isEmpty, checker: "aaswift check",
            diagnostics: errors.map { $0.rendered() }.joined())
    }
}
