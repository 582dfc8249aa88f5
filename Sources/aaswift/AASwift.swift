import ArgumentParser
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// The root command: `aaswift <subcommand>`. Each subcommand lives in its own file under Commands/.
@main
struct AASwift: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aaswift",
        abstract: "AppArmor profile tools: parse, check, generate, review logs, switch modes.",
        discussion: """
            The usual loop: generate a first profile (easyprof), load it in complain mode \
            (complain), run the program, turn the kernel's audit records into rules (logprof), \
            then enforce (enforce). Every command that writes without asking (complain, \
            enforce, audit, disable, mode, cleanprof, mergeprof, logprof, autodep, apply, \
            easyprof --output-directory) \
            shows what it would write, as a unified diff, with --dry-run; genprof asks before \
            each change instead. Invoked by an upstream name (aa-logprof, aa-complain, ... as linked \
            in /usr/libexec/aaswift/aa-bin), aaswift runs that subcommand.
            """,
        version: VersionInfo.number,
        // `aaswift --help` lists them by what they are for.
        groupedSubcommands: [
            CommandGroup(name: "Profiling", subcommands: [
                EasyprofCommand.self, GenprofCommand.self, LogprofCommand.self, AutodepCommand.self, ApplyCommand.self,
                NotifyCommand.self,
            ]),
            CommandGroup(name: "Modes", subcommands: [
                ComplainCommand.self, EnforceCommand.self, AuditCommand.self, DisableCommand.self, ModeCommand.self,
            ]),
            CommandGroup(name: "Inspection", subcommands: [
                StatusCommand.self, UnconfinedCommand.self, ParseCommand.self, CheckCommand.self, LintCommand.self,
                LogCommand.self, DecodeLogCommand.self, DecodeCommand.self, ExplainCommand.self, DiffCommand.self,
            ]),
            CommandGroup(name: "Maintenance", subcommands: [
                CleanprofCommand.self, MergeprofCommand.self, FmtCommand.self,
            ]),
            CommandGroup(name: "Kernel", subcommands: [
                EnabledCommand.self, LoadCommand.self, UnloadCommand.self, ReplaceCommand.self,
                RemoveUnknownCommand.self, FeaturesAbiCommand.self, ExecCommand.self,
            ]),
        ]
    )

    /// Exit status: 0 success, 1 a failure the command reports (a profile fails a check...),
    /// 2 a usage error (as upstream's Python tools and apparmor_parser use it; 1 for the
    /// commands whose upstream tools exit 1, `UpstreamUsageStatus`), other codes as each
    /// command documents.
    static func main() {
        var arguments = Array(CommandLine.arguments.dropFirst())
        // Invoked as aa-logprof (a link in /usr/libexec/aaswift/aa-bin): the matching subcommand.
        if let name = UpstreamNames.subcommand(invokedAs: CommandLine.arguments.first) {
            arguments.insert(name, at: 0)
            // aa-decode with no argument filters standard input, as upstream's does
            // (`aaswift decode` wants an explicit '-').
            if arguments == ["decode"] { arguments.append("-") }
        }
        if arguments == ["--version"] {
            StandardStream.standardOutput.write(Data(VersionInfo.text().utf8))
            return
        }
        // A quick command's name is known without building every command's configuration
        // (which `misuse` reads: a tenth of `status`'s run time).
        if arguments.first.map({ quickCommand($0) == nil }) ?? true, let problem = misuse(arguments) {
            StandardStream.standardError.write(Data("Error: \(problem)\nUsage: \(usageString())\n  See 'aaswift --help' for more information.\n".utf8))
            Glibc.exit(2)
        }
        // Fastest path: a few commands read their plain options without the argument parser
        // (QuickArguments); anything else, or a command line that does not validate, goes on
        // to the argument parser, which reports it.
        if let name = arguments.first, let type = quickCommand(name) {
            do {
                if try type.runQuick(Array(arguments.dropFirst())) { return }
            } catch {
                finish(error, for: type.command, name: name)
            }
        }
        // Fast path: a subcommand named first is parsed on its own, so the argument parser does
        // not reflect over every other command (a third of the start-up time). Help and errors
        // still go through the root, so their text names `aaswift <subcommand>`.
        if let name = arguments.first,
           let sub = configuration.subcommands.first(where: { $0.configuration.commandName == name }),
           !arguments.contains(where: { $0 == "-h" || $0 == "--help" || $0 == "--version" }) {
            // A parse error falls through: the root reports it with its full usage text.
            if var command = try? sub.parseAsRoot(Array(arguments.dropFirst())) {
                do {
                    try command.run()
                    return
                } catch {
                    finish(error, for: sub, name: name)
                }
            }
        }
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            let sub = arguments.first.flatMap { name in configuration.subcommands.first { $0.configuration.commandName == name } }
            finish(error, for: AASwift.self, usageStatus: (sub as? UpstreamUsageStatus.Type)?.usageStatus)
        }
    }

    /// A command line that names no known subcommand (nothing at all, or an unknown name, even
    /// with `--help` after it): a usage error, not the root's help with status 0.
    static func misuse(_ arguments: [String]) -> String? {
        guard let first = arguments.first else { return "no subcommand given" }
        let known = Set(configuration.subcommands.map { $0.configuration.commandName ?? "" })
        if first == "help" {
            // `aaswift help [SUBCOMMAND...]`: the names after it must be known.
            if let name = arguments.dropFirst().first, !known.contains(name), !name.hasPrefix("-") {
                return "unknown subcommand '\(name)'"
            }
            return nil
        }
        if first.hasPrefix("-") || known.contains(first) { return nil }
        return "unknown subcommand '\(first)'"
    }

    /// The commands read without the argument parser (`QuickArguments`, which says why): those
    /// run most (scripts call `status`), measured whole-process against upstream (`check`,
    /// `logprof`, the mode commands) or given thousands of paths (`check`, the mode commands).
    static func quickCommand(_ name: String) -> (any QuickCommand.Type)? {
        switch name {
        case "check": CheckRun.self
        case "logprof": LogprofRun.self
        case "status": StatusRun.self
        case "complain": ComplainRun.self
        case "enforce": EnforceRun.self
        case "audit": AuditRun.self
        case "disable": DisableRun.self
        default: nil
        }
    }

    /// Usage errors exit 2 (or the command's `UpstreamUsageStatus`); everything else as the
    /// argument parser decides.
    static func finish(_ error: Error, for type: any ParsableCommand.Type, name: String? = nil, usageStatus: Int32? = nil) -> Never {
        // A command's own exit status (aa-status's codes...): no message, and none of the
        // argument parser's help machinery, which reflects over the whole command.
        if let code = error as? ExitCode { Glibc.exit(code.rawValue) }
        let code = type.exitCode(for: error)
        if code == .validationFailure {
            let message = name.map { "Error: \(error)\n  See 'aaswift \($0) --help' for more information." }
                ?? AASwift.fullMessage(for: error)
            StandardStream.standardError.write(Data((message.isEmpty ? "" : message + "\n").utf8))
            Glibc.exit(usageStatus ?? (type as? UpstreamUsageStatus.Type)?.usageStatus ?? 2)
        }
        type.exit(withError: error)
    }
}

/// A command whose usage errors exit as its upstream tool's do instead of 2: aa-enabled,
/// aa-exec and aa-features-abi (C programs) and aa-remove-unknown (a shell script) print their
/// usage and exit 1.
protocol UpstreamUsageStatus {
    static var usageStatus: Int32 { get }
}

extension UpstreamUsageStatus {
    static var usageStatus: Int32 { 1 }
}
