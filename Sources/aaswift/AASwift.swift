import ArgumentParser

/// The root command: `aaswift <subcommand>`. Each subcommand lives in its own file under Commands/.
@main
struct AASwift: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aaswift",
        abstract: "AppArmor profile tools: parse, check, generate, review logs, switch modes.",
        discussion: """
            The usual loop: generate a first profile (easyprof), load it in complain mode \
            (complain), run the program, turn the kernel's audit records into rules (logprof), \
            then enforce (enforce). Every command that writes can show a unified diff first \
            with --dry-run.
            """,
        version: "0.1.0",
        subcommands: [
            ParseCommand.self,
            CheckCommand.self,
            ComplainCommand.self,
            EnforceCommand.self,
            AuditCommand.self,
            DisableCommand.self,
            StatusCommand.self,
            EasyprofCommand.self,
            DecodeLogCommand.self,
            DecodeCommand.self,
            LogprofCommand.self,
            GenprofCommand.self,
            AutodepCommand.self,
            ApplyCommand.self,
        ]
    )
}
