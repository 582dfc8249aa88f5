import ArgumentParser
import ProfileTools

/// `--abi`, `--features-file`, `--parser-version`: the parser and policy ABI that proposed
/// rules must fit, for the commands that write rules (logprof, genprof, autodep, apply,
/// decode-log --format profile).
struct RuleTargetFlags: ParsableArguments {
    @Option(name: .customLong("abi"), help: ArgumentHelp(
        "Write rules for the policy ABI in FILE (an abi/ file or a kernel features file) instead of each profile's 'abi' statement or the running kernel's features.",
        valueName: "FILE"))
    var abi: String?
    @Option(name: .customLong("features-file"), help: ArgumentHelp(
        "Like --abi: the kernel features FILE (as apparmor_parser's --features-file).", valueName: "FILE"))
    var featuresFile: String?
    @OptionGroup var version: ParserVersionFlag

    var options: RuleTargetOptions { RuleTargetOptions(abiFile: abi, featuresFile: featuresFile, parserVersion: version.parserVersion) }

    func validate() throws {
        if let p = options.problem() { throw ValidationError(p) }
    }
}
