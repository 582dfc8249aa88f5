import ArgumentParser
import FoundationEssentials
import SystemAppArmor

struct EnabledCommand: ParsableCommand, UpstreamUsageStatus {
    static let configuration = CommandConfiguration(
        commandName: "enabled",
        abstract: "Say whether AppArmor is enabled (aa-enabled).",
        discussion: """
            Asks libapparmor (aa_is_enabled) and prints aa-enabled's answer. Exit status: 0 \
            Yes; 1 No (not available, or disabled at boot); 3 Maybe (the securityfs policy \
            interface is not mounted); 4 Maybe (not allowed to tell); 10 Partially (only \
            private interfaces, with --exclusive); 64 another error.

            Example: if aaswift enabled -q; then aaswift status; fi
            """
    )

    @Flag(name: [.short, .long], help: "Print nothing; answer with the exit status only.")
    var quiet = false

    @Flag(name: [.customShort("x"), .long], help: "Require the shared (public) interfaces: 'Partially' is not enough.")
    var exclusive = false

    func run() throws {
        let status = AppArmorKernel().enabledStatus
        let code = status.exitCode(exclusive: exclusive)
        if !quiet, code == 0 || status != .partially || exclusive {
            print(code == 0 ? "Yes" : status.message)
        }
        if code != 0 { throw ExitCode(code) }
    }
}
