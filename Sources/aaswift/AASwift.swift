import ArgumentParser
import Foundation

/// The root command: `aaswift <subcommand>`. Each subcommand lives in its own file under Commands/.
@main
struct AASwift: ParsableCommand {
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

    /// Exit status: 0 success, 1 a failure the command reports (a profile fails a check...),
    /// 2 a usage error (as upstream's tools and apparmor_parser use it), other codes as each
    /// command documents.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                let message = fullMessage(for: error)
                FileHandle.standardError.write(Data((message.isEmpty ? "" : message + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
