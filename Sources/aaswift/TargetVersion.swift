import AppArmorSyntax
import ArgumentParser
import SystemAppArmor

/// `--parser-version`: the apparmor_parser version the policy is written for. `check` judges
/// against it where the language changed between versions; the commands that write rules write
/// only what it reads. Default: the installed parser's (`$APPARMOR_PARSER` or
/// /sbin/apparmor_parser, asked with `--version`), else nil, and the profile's `abi` statement
/// decides (then the newest semantics known).
struct ParserVersionFlag: ParsableArguments {
    @Option(name: .customLong("parser-version"), help: ArgumentHelp(
        "The apparmor_parser version the policy is for (e.g. 3.0, 4.1; default: the installed parser's, else the profile's abi). Checks judge as that parser does; written rules use only what it reads (with 3.0, network events become 'network DOMAIN TYPE,').",
        valueName: "VERSION"))
    var parserVersion: String?

    func validate() throws {
        if let given = parserVersion { _ = try Self.resolve(given) }
    }

    /// The given version, else the installed parser's.
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
