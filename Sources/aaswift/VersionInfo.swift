import CBuildInfo
import SystemAppArmor

/// `aaswift --version`: the version, the git commit and libapparmor of the build, and the
/// apparmor_parser this system would run (what a bug report needs).
enum VersionInfo {
    /// The release number (the Makefile reads it from here for `make deb`).
    static let number = "0.1.0"

    static func text() -> String {
        var lines = ["aaswift \(number)"]
        lines.append("commit: \(String(cString: aaswift_build_commit()))")
        lines.append("libapparmor: \(String(cString: aaswift_build_libapparmor())) (built with)")
        if let parser = ApparmorParser.installed() {
            lines.append("apparmor_parser: \(parser) (\(ApparmorParser(program: parser).versionLine() ?? "version unknown"))")
        } else {
            lines.append("apparmor_parser: not found")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// The names of the upstream tools aaswift answers to when invoked by them (the links in
/// /usr/libexec/aaswift/aa-bin): `aa-logprof ARGS` runs `aaswift logprof ARGS`.
enum UpstreamNames {
    /// Packaging/layout.sh's UPSTREAM_NAMES links each of them (a test checks both agree).
    static let subcommands: Set<String> = [
        "audit", "autodep", "cleanprof", "complain", "decode", "disable", "easyprof", "enabled", "enforce", "exec",
        "features-abi", "genprof", "logprof", "mergeprof", "notify", "remove-unknown", "status", "unconfined",
    ]

    /// How a command names itself in its messages: `aa-exec` when invoked by that name (as
    /// upstream's tool names itself), else `aaswift exec`.
    static func programName(for subcommand: String, invokedAs argv0: String? = CommandLine.arguments.first) -> String {
        self.subcommand(invokedAs: argv0) == subcommand ? "aa-" + subcommand : "aaswift " + subcommand
    }

    /// The subcommand for the name the program was invoked by (argv[0]), if it is an aa-* name.
    static func subcommand(invokedAs argv0: String?) -> String? {
        guard let argv0 else { return nil }
        let base = argv0.lastIndex(of: "/").map { String(argv0[argv0.index(after: $0)...]) } ?? argv0
        guard base.hasPrefix("aa-") else { return nil }
        let name = String(base.dropFirst(3))
        return subcommands.contains(name) ? name : nil
    }
}
