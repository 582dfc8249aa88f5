/// The upstream tool names this binary answers to when a link of that name runs it
/// (`aa-logprof` runs `aaswift logprof`). `make install` offers the links under
/// `libexec/aaswift/aa-bin` (its AA_TOOLS list must match this table; a test checks).
enum MultiCall {
    static let names: [(tool: String, subcommand: String)] = [
        ("aa-audit", "audit"),
        ("aa-autodep", "autodep"),
        ("aa-cleanprof", "cleanprof"),
        ("aa-complain", "complain"),
        ("aa-decode", "decode"),
        ("aa-disable", "disable"),
        ("aa-easyprof", "easyprof"),
        ("aa-enabled", "enabled"),
        ("aa-enforce", "enforce"),
        ("aa-exec", "exec"),
        ("aa-features-abi", "features-abi"),
        ("aa-genprof", "genprof"),
        ("aa-logprof", "logprof"),
        ("aa-mergeprof", "mergeprof"),
        ("aa-remove-unknown", "remove-unknown"),
        ("aa-status", "status"),
        ("aa-unconfined", "unconfined"),
    ]

    /// The subcommand for the name the process was started as (argv[0], any folder).
    static func subcommand(invokedAs argv0: String) -> String? {
        let base = argv0.split(separator: "/").last.map(String.init) ?? argv0
        guard base.hasPrefix("aa-") else { return nil }
        return names.first { $0.tool == base }?.subcommand
    }
}
