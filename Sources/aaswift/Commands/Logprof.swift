import ArgumentParser
import FoundationEssentials
import ProfileTools
#if canImport(Glibc)
import Glibc
#endif

struct LogprofCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logprof",
        abstract: "Review AppArmor log records and add the rules they ask for to the profiles.",
        discussion: """
        Reads audit records (audit.log, syslog, journald), drops requests the profiles already \
        allow, and asks about the rest: on the terminal, through upstream's JSON dialog (--json), \
        or not at all (--allow-all). Changes are made as minimal edits of the profile files; \
        --dry-run prints them as a unified diff and --plan-out saves them for 'aaswift apply'.

        Every proposed rule is one that the installed apparmor_parser and the profile's ABI \
        (its 'abi' statement, else the kernel's features; --abi, --features-file and \
        --parser-version override them) can load. A network event becomes 'network inet \
        stream,'; where both a 4.x parser and the ABI mediate inet sockets finely, its access \
        list and addresses follow as narrower choices, the finest selected.
        """
    )

    @Option(name: [.customShort("d"), .customLong("dir")], help: "The profile folder (default: /etc/apparmor.d).")
    var dir: String?
    @Option(name: [.customShort("f"), .customLong("file")], help: "The log file ('-' for standard input).")
    var file: String?
    @Flag(name: .long, help: "Read the systemd journal.")
    var journal = false
    @Option(name: .long, help: "With --journal: records since this time (journalctl --since).")
    var since: String?
    @Flag(name: .long, help: "With --journal: records of the current boot only.")
    var boot = false
    @Option(name: [.customShort("m"), .customLong("mark"), .customLong("logmark")], help: ArgumentHelp("Start after the first line containing MARK.", valueName: "MARK"))
    var mark: String?
    @Flag(name: .long, help: "Do not suggest abstractions.")
    var noAbstraction = false
    @Option(name: [.customShort("o"), .customLong("output-dir")], help: "Write changed profiles to this folder instead.")
    var outputDir: String?
    @Flag(name: .long, help: "Put new rules in local/<profile> (adding its 'include if exists' when missing).")
    var local = false
    @Flag(name: .long, help: "Do not reload changed profiles.")
    var noReload = false
    @Option(name: .long, help: "The folder holding logprof.conf and severity.db.")
    var configdir: String = "/etc/apparmor"
    @Flag(name: [.customShort("j"), .customLong("json")], help: "Speak upstream's JSON dialog (version 2.12) on stdin/stdout.")
    var json = false
    @Flag(name: [.customShort("a"), .customLong("allow-all")], help: "Answer every question: allow the selected rule, inherit execs, add requested hats, save. DENIED records of enforce-mode profiles are skipped (see --allow-denied).")
    var allowAll = false
    @Flag(name: .long, help: "Print the unified diff of all changes instead of writing them.")
    var dryRun = false
    @Option(name: .long, help: "Write the accepted changes as a JSON plan instead of changing profiles.")
    var planOut: String?
    @Flag(name: .long, help: "With --allow-all: also allow what enforce-mode profiles refused (DENIED records).")
    var allowDenied = false
    @OptionGroup var target: RuleTargetFlags
    @Flag(name: .long, help: "Keep reading new records as they arrive (see --source) and review each burst.")
    var follow = false
    @Option(name: .long, help: ArgumentHelp("With --follow: " + ArgumentHelpText.source, valueName: "SOURCE"))
    var source: String?

    /// What the command line asks for, as a plain value (the argument parser's property
    /// wrappers are not touched again).
    var options: LogprofRun {
        LogprofRun(dir: dir, file: file, journal: journal, since: since, boot: boot, mark: mark,
                   noAbstraction: noAbstraction, outputDir: outputDir, local: local, noReload: noReload,
                   configdir: configdir, json: json, allowAll: allowAll, dryRun: dryRun, planOut: planOut,
                   allowDenied: allowDenied, target: target.options,
                   follow: follow, source: source)
    }

    func validate() throws { try options.validate() }

    func run() throws { try options.run() }
}

/// `aaswift logprof` once its command line is read: by the argument parser (`LogprofCommand`)
/// or, for the plain forms, by `quick` without it.
struct LogprofRun: QuickCommand, Equatable {
    static var command: any ParsableCommand.Type { LogprofCommand.self }

    var dir: String?
    var file: String?
    var journal = false
    var since: String?
    var boot = false
    var mark: String?
    var noAbstraction = false
    var outputDir: String?
    var local = false
    var noReload = false
    var configdir = "/etc/apparmor"
    var json = false
    var allowAll = false
    var dryRun = false
    var planOut: String?
    var allowDenied = false
    var target = RuleTargetOptions()
    var follow = false
    var source: String?

    static let table = QuickArguments.Table(positionals: false, [
        .option("-d", "--dir"), .option("-f", "--file"), .flag("--journal"), .option("--since"), .flag("--boot"),
        .option("-m", "--mark", "--logmark"), .flag("--no-abstraction"), .option("-o", "--output-dir"), .flag("--local"),
        .flag("--no-reload"), .option("--configdir"), .flag("-j", "--json"), .flag("-a", "--allow-all"),
        .flag("--dry-run"), .option("--plan-out"), .flag("--allow-denied"), .option("--abi"), .option("--features-file"),
        .option("--parser-version"), .flag("--follow"), .option("--source"),
    ])

    /// The command line read without the argument parser's reflection (see `QuickArguments`),
    /// or nil when the argument parser must read it.
    static func quick(_ arguments: [String]) -> LogprofRun? {
        guard let a = QuickArguments(arguments, table) else { return nil }
        return LogprofRun(dir: a.value("--dir"), file: a.value("--file"), journal: a.flag("--journal"), since: a.value("--since"),
                          boot: a.flag("--boot"), mark: a.value("--mark"), noAbstraction: a.flag("--no-abstraction"),
                          outputDir: a.value("--output-dir"), local: a.flag("--local"), noReload: a.flag("--no-reload"),
                          configdir: a.value("--configdir") ?? "/etc/apparmor", json: a.flag("--json"),
                          allowAll: a.flag("--allow-all"), dryRun: a.flag("--dry-run"), planOut: a.value("--plan-out"),
                          allowDenied: a.flag("--allow-denied"),
                          target: RuleTargetOptions(abiFile: a.value("--abi"), featuresFile: a.value("--features-file"),
                                                    parserVersion: a.value("--parser-version")),
                          follow: a.flag("--follow"), source: a.value("--source"))
    }

    static func parsed(_ arguments: [String]) throws -> LogprofRun { try LogprofCommand.parse(arguments).options }

    func validate() throws {
        if json && allowAll { throw ValidationError("--json and --allow-all cannot be used together") }
        if journal && file != nil { throw ValidationError("--journal and --file cannot be used together") }
        if let p = target.problem() { throw ValidationError(p) }
        if follow && (journal || file != nil || mark != nil) { throw ValidationError("--follow reads live records: not with --file, --journal or --logmark") }
        if source != nil && !follow { throw ValidationError("--source needs --follow") }
    }

    func run() throws {
        let config = LogprofConfig.load(configDir: configdir)
        let profileDir = dir ?? config.profileDirs.first { FileManager.default.fileExists(atPath: $0) } ?? "/etc/apparmor.d"
        let ui: ReviewUI
        if json {
            ui = JSONReviewUI.standard()
        } else if allowAll || (dryRun || planOut != nil) && isatty(0) == 0 {
            ui = AllowAllUI.standardOutput(live: follow)
        } else {
            ui = TTYReviewUI()
        }
        let review = LogprofReview(profileDir: profileDir, config: config, configDir: configdir, noAbstraction: noAbstraction,
                                   local: local, outputDir: outputDir, noReload: noReload, dryRun: dryRun, planOut: planOut,
                                   tunableOptions: !json, endsProcess: true, showsSeverity: !(ui is AllowAllUI),
                                   target: target, skipDenied: allowAll && !allowDenied)
        if follow {
            var live = review
            live.endsProcess = false
            return try LogprofFollow.run(self, review: live, ui: ui)
        }
        let source: LogprofSource
        do {
            if journal { source = .journal(since: since, boot: boot) } else if file == "-" { source = .standardInput } else if let f = file { source = .file(f) } else { source = try LogprofSources.defaultSource(config: config) }
        } catch { throw LogprofFailure(message: "\(error)") }

        try review.run(ui: ui, source: source, mark: mark)
    }
}

struct LogprofFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
