import AppArmorPolicy
import ArgumentParser
import SystemAppArmor

/// The apparmor_parser version that `check`, logprof and easyprof judge policy against:
/// `--parser-version`, else the installed parser's (`$APPARMOR_PARSER` or
/// /sbin/apparmor_parser, asked with `--version`), else nil, and the profile's `abi` statement
/// decides (then the newest semantics known).
enum TargetVersion {
    static let help = ArgumentHelp(
        "Judge the policy as this apparmor_parser version does (e.g. 3.0, 4.1; default: the installed parser's, else the profile's abi).",
        valueName: "VERSION")

    static func resolve(_ given: String?) throws -> ParserVersion? {
        if let given {
            guard let v = ParserVersion(parsing: given) else {
                throw ValidationError("--parser-version: '\(given)' is not a version such as 3.0 or 4.1")
            }
            return v
        }
        return ApparmorParser().versionLine().flatMap { ParserVersion(parsing: $0) }
    }
}
