import ArgumentParser
import FoundationEssentials
import SystemAppArmor
#if canImport(Glibc)
import Glibc
#endif

/// `aaswift status`: aa-status. Reports the loaded policy and the confined processes.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Report the loaded AppArmor policy and the confined processes (aa-status).",
        discussion: """
            With no option, prints every loaded profile grouped by mode, then every confined \
            process. Filters are POSIX basic regular expressions matched anywhere in the value. \
            Exit status: 0 ok, 1 AppArmor not enabled, 2 no policy loaded, 3 no securityfs \
            control files, 4 no permission to read them, 42 internal error.
            """
    )

    @Flag(help: "Exit 0 when AppArmor is enabled, 1 when it is not; print nothing.")
    var enabled = false

    @Flag(help: "Print the number of loaded profiles.")
    var profiled = false
    @Flag(help: "Print the number of profiles in enforce mode.")
    var enforced = false
    @Flag(help: "Print the number of profiles in complain mode.")
    var complaining = false
    @Flag(help: "Print the number of profiles in kill mode.")
    var kill = false
    @Flag(help: "Print the number of profiles in prompt mode.")
    var prompt = false
    @Flag(help: "Print the number of profiles in the special unconfined mode.")
    var specialUnconfined = false
    @Flag(help: "Print the number of processes in mixed mode (stacked profiles of different modes).")
    var processMixed = false

    @Flag(help: "Machine-readable JSON on one line.")
    var json = false
    @Flag(help: "The same JSON, indented.")
    var prettyJson = false
    @Flag(name: [.customLong("verbose"), .customShort("v")], help: "Print the prose lines (the default).")
    var verbose = false
    @Flag(name: [.customLong("quiet"), .customShort("q")], help: "Print no error messages.")
    var quiet = false
    @Flag(help: "Print the number of entries instead of listing them.")
    var count = false

    @Option(help: ArgumentHelp("What to show.", valueName: "profiles|processes|all"))
    var show: String = "all"

    @Option(name: .customLong("filter.mode"), help: ArgumentHelp("Only these modes (enforce, complain, prompt, kill, unconfined, mixed).", valueName: "regex"))
    var filterMode: String = ".*"
    @Option(name: .customLong("filter.profiles"), help: ArgumentHelp("Only profiles whose name matches.", valueName: "regex"))
    var filterProfiles: String = ".*"
    @Option(name: .customLong("filter.pid"), help: ArgumentHelp("Only processes whose pid matches.", valueName: "regex"))
    var filterPid: String = ".*"
    @Option(name: .customLong("filter.exe"), help: ArgumentHelp("Only processes whose executable matches.", valueName: "regex"))
    var filterExe: String = ".*"

    @Option(name: .customLong("root"), help: .hidden)
    var root: String?

    /// What the command line asks for, as a plain value (the argument parser's property
    /// wrappers are not touched again).
    var options: StatusRun {
        StatusRun(enabled: enabled, profiled: profiled, enforced: enforced, complaining: complaining, kill: kill, prompt: prompt, specialUnconfined: specialUnconfined, processMixed: processMixed, json: json, prettyJson: prettyJson, verbose: verbose, quiet: quiet, count: count,
                  show: show, filterMode: filterMode, filterProfiles: filterProfiles, filterPid: filterPid, filterExe: filterExe, root: root)
    }

    func validate() throws { try options.validate() }

    func run() throws { try options.run() }
}

/// `aaswift status` once its command line is read: by the argument parser (`StatusCommand`)
/// or, for the plain forms, by `quick` without it (scripts call it often; the argument
/// parser's reflection would double its time).
struct StatusRun: QuickCommand, Equatable {
    static var command: any ParsableCommand.Type { StatusCommand.self }

    var enabled = false
    var profiled = false
    var enforced = false
    var complaining = false
    var kill = false
    var prompt = false
    var specialUnconfined = false
    var processMixed = false
    var json = false
    var prettyJson = false
    var verbose = false
    var quiet = false
    var count = false
    var show: String = "all"
    var filterMode: String = ".*"
    var filterProfiles: String = ".*"
    var filterPid: String = ".*"
    var filterExe: String = ".*"
    var root: String?

    static let table = QuickArguments.Table(positionals: false, [
        .flag("--enabled"), .flag("--profiled"), .flag("--enforced"), .flag("--complaining"), .flag("--kill"),
        .flag("--prompt"), .flag("--special-unconfined"), .flag("--process-mixed"), .flag("--json"),
        .flag("--pretty-json"), .flag("--verbose", "-v"), .flag("--quiet", "-q"), .flag("--count"), .option("--show"),
        .option("--filter.mode"), .option("--filter.profiles"), .option("--filter.pid"), .option("--filter.exe"),
        .option("--root"),
    ])

    /// The command line read without the argument parser's reflection (see `QuickArguments`),
    /// or nil when the argument parser must read it.
    static func quick(_ arguments: [String]) -> StatusRun? { QuickArguments(arguments, table).map(StatusRun.init) }

    /// `quick`, `validate` and `run` without an optional `StatusRun` (whose destruction goes
    /// through Optional's generic metadata, which the runtime would build at start for it
    /// alone: a sixth of the instructions of `status --enabled`, which scripts run often and
    /// which is measured against aa-status, a C program).
    static func runQuick(_ arguments: [String]) throws -> Bool {
        guard let a = QuickArguments(arguments, table) else { return false }
        let command = StatusRun(a)
        do { try command.validate() } catch { return false }
        // The exit status without an ExitCode error (the runtime would build its Error
        // conformance's witness table first).
        let status = command.report()
        if status != 0 { exit(status) }
        return true
    }

    static func parsed(_ arguments: [String]) throws -> StatusRun { try StatusCommand.parse(arguments).options }

    func validate() throws {
        let legacy = [profiled, enforced, complaining, kill, prompt, specialUnconfined, processMixed].filter { $0 }
        if legacy.count > 1 {
            throw ValidationError("Use only one of --profiled, --enforced, --complaining, --kill, --prompt, --special-unconfined, --process-mixed.")
        }
    }

    /// The options as a report query, with the legacy counting options' meaning.
    var query: StatusQuery {
        var q = StatusQuery()
        q.json = json || prettyJson
        q.prettyJSON = prettyJson
        q.quiet = quiet
        q.count = count
        q.showProfiles = show != "processes"
        q.showProcesses = show != "profiles"
        q.modeFilter = filterMode
        q.profileFilter = filterProfiles
        q.pidFilter = filterPid
        q.exeFilter = filterExe
        let legacyMode: String?? = profiled ? .some(nil)
            : enforced ? "enforce" : complaining ? "complain" : kill ? "kill"
            : prompt ? "prompt" : specialUnconfined ? "unconfined" : nil
        // As with aa-status's getopt loop, a --verbose after a counting option turns the prose back on.
        let args = CommandLine.arguments
        let lastVerbose = args.lastIndex { $0 == "--verbose" || $0 == "-v" } ?? -1
        let legacyNames = ["--profiled", "--enforced", "--complaining", "--kill", "--prompt",
                           "--special-unconfined", "--process-mixed"]
        let lastLegacy = args.lastIndex { legacyNames.contains($0) } ?? -1
        let verboseWins = verbose && lastVerbose > lastLegacy
        if let legacyMode {
            q.verbose = verboseWins
            q.count = true
            q.showProfiles = true
            q.showProcesses = false
            if let mode = legacyMode { q.modeFilter = mode }
        } else if processMixed {
            q.verbose = verboseWins
            q.count = true
            q.showProfiles = false
            q.showProcesses = true
            q.modeFilter = "mixed"
        }
        return q
    }

    func run() throws {
        let status = report()
        if status != 0 { throw ExitCode(status) }
    }

    /// The report written, and aa-status's exit status for it.
    func report() -> Int32 {
        let prefix = root ?? ProcessEnvironment.value("AASWIFT_ROOT") ?? "/"
        let reporter = StatusReporter(kernel: AppArmorKernel(root: SystemRoot(prefix)))
        if enabled { return reporter.enabledExitCode() }
        guard ["all", "profiles", "processes"].contains(show) else {
            // aa-status answers a bad --show with its usage and exit status 1.
            if !quiet {
                var err = OutputBuffer(fd: 2)
                err.write("Error: Invalid --show option '\(show)': use profiles, processes or all.\n")
                err.flush()
            }
            return 1
        }
        let output = reporter.report(query)
        var out = OutputBuffer(fd: 1)
        out.write(output.standardOutput)
        out.flush()
        var err = OutputBuffer(fd: 2)
        err.write(output.standardError)
        err.flush()
        return output.exitCode
    }
}

extension StatusRun {
    /// The options `QuickArguments` read (an extension: the memberwise initializer stays).
    fileprivate init(_ a: QuickArguments) {
        self.init(enabled: a.flag("--enabled"), profiled: a.flag("--profiled"), enforced: a.flag("--enforced"),
                  complaining: a.flag("--complaining"), kill: a.flag("--kill"), prompt: a.flag("--prompt"),
                  specialUnconfined: a.flag("--special-unconfined"), processMixed: a.flag("--process-mixed"),
                  json: a.flag("--json"), prettyJson: a.flag("--pretty-json"), verbose: a.flag("--verbose"),
                  quiet: a.flag("--quiet"), count: a.flag("--count"), show: a.value("--show") ?? "all",
                  filterMode: a.value("--filter.mode") ?? ".*", filterProfiles: a.value("--filter.profiles") ?? ".*",
                  filterPid: a.value("--filter.pid") ?? ".*", filterExe: a.value("--filter.exe") ?? ".*",
                  root: a.value("--root"))
    }
}
