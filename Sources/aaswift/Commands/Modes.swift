import AppArmorEdit
import ArgumentParser
import FoundationEssentials
import ProfileTools

/// The options the four mode commands share (aa-complain's command line).
struct ModeCommandOptions: ParsableArguments {
    @Option(name: [.short, .customLong("dir")], help: "The profile folder.")
    var dir: String = "/etc/apparmor.d"

    @Flag(name: .customLong("no-reload"), help: "Change the files only; do not load or unload profiles.")
    var noReload = false

    @Flag(name: .customLong("dry-run"), help: "Print the unified diff of the change and write nothing.")
    var dryRun = false

    @Option(name: .customLong("profile"), help: "A profile, by name.")
    var profiles: [String] = []

    @Option(name: .customLong("profile-file"), help: "A profile file.")
    var profileFiles: [String] = []

    @Option(name: .customLong("executable-file"), help: "A program, matched against the profiles' attachments.")
    var executables: [String] = []

    @Argument(help: "Programs, profile names or profile files.")
    var programs: [String] = []

    var targets: [ModeArgument] {
        programs.filter { !$0.isEmpty }.map(ModeArgument.guess) + profiles.map(ModeArgument.profile)
            + profileFiles.map(ModeArgument.profileFile) + executables.map(ModeArgument.executable)
    }

    /// Runs the action and presents the report; exits 1 when anything failed.
    func run(_ action: ModeAction, force: Bool) throws {
        guard !targets.isEmpty else { throw ValidationError("give at least one program, profile name or profile file") }
        let runner = ModeRunner(folder: dir, reloader: LoaderModeReloader())
        let report = runner.run(action, targets: targets, options: ModeRunOptions(noReload: noReload, dryRun: dryRun, force: force))
        // In a dry run stdout carries only the diff, so that it can go to patch(1).
        let infoHandle = dryRun ? StandardStream.standardError : StandardStream.standardOutput
        if !report.info.isEmpty { infoHandle.write(Data((report.info.joined(separator: "\n") + "\n").utf8)) }
        if !report.diff.isEmpty { StandardStream.standardOutput.write(Data(report.diff.utf8)) }
        for e in report.errors { StandardStream.standardError.write(Data("aaswift: \(e)\n".utf8)) }
        if !report.succeeded { throw ExitCode(1) }
    }
}

struct ComplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "complain",
        abstract: "Set profiles to complain mode.",
        discussion: """
            Adds the complain flag to every profile, hat and child profile of each target, \
            removes conflicting mode flags (enforce, kill, unconfined, prompt, default_allow) \
            and the disable/ link, then reloads the file with apparmor_parser -r. Only the \
            header lines change. A target is a profile file under the folder, a program (matched \
            against the profiles' attachments), or a profile name.
            """
    )

    @OptionGroup var options: ModeCommandOptions

    @Flag(help: "Also change profiles with the unconfined flag.")
    var force = false

    func run() throws { try options.run(.complain, force: force) }
}

struct EnforceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enforce",
        abstract: "Set profiles to enforce mode.",
        discussion: """
            Removes the complain flag and conflicting mode flags from every profile, hat and \
            child profile of each target, removes the force-complain/ and disable/ links, then \
            reloads the file with apparmor_parser -r.
            """
    )

    @OptionGroup var options: ModeCommandOptions

    @Flag(help: "Also change profiles with the unconfined flag.")
    var force = false

    func run() throws { try options.run(.enforce, force: force) }
}

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Set or remove the audit flag on profiles.",
        discussion: """
            Adds the audit flag (or removes it with --remove) on every profile, hat and child \
            profile of each target, then reloads the file with apparmor_parser -r.
            """
    )

    @OptionGroup var options: ModeCommandOptions

    @Flag(name: [.short, .long], help: "Remove the audit flag instead of setting it.")
    var remove = false

    func run() throws { try options.run(.audit(remove: remove), force: false) }
}

struct DisableCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disable",
        abstract: "Disable profiles.",
        discussion: """
            Links each target's profile file into the folder's disable/ subfolder, so that it \
            is not loaded at boot, and unloads it with apparmor_parser -R. The file itself is \
            not changed.
            """
    )

    @OptionGroup var options: ModeCommandOptions

    func run() throws { try options.run(.disable, force: false) }
}

struct ModeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mode",
        abstract: "Set any AppArmor 4 profile mode: enforce, complain, kill, unconfined, prompt, default_allow.",
        discussion: """
            Sets the mode flag on every profile, hat and child profile of each target and \
            removes the other mode flags (as 4.1's aa-complain does), then reloads the file \
            with apparmor_parser -r. enforce is the absence of a mode flag. A target written \
            'profile//child' changes that hat or child profile alone (and its own children). \
            Profiles with the unconfined flag are skipped unless --force or the mode is \
            unconfined.

            Examples:
              aaswift mode kill /usr/bin/foo
              aaswift mode complain 'usr.bin.foo//helper' --dry-run
            """
    )

    @Argument(help: "The mode: enforce, complain, kill, unconfined, prompt or default_allow.")
    var mode: String

    @OptionGroup var options: ModeCommandOptions

    @Flag(help: "Also change profiles with the unconfined flag.")
    var force = false

    func validate() throws {
        guard ModeAction.allModes.contains(mode) else {
            throw ValidationError("unknown mode '\(mode)': give one of \(ModeAction.allModes.joined(separator: ", "))")
        }
    }

    func run() throws { try options.run(.mode(mode), force: force) }
}

/// The four mode commands read without the argument parser (see `QuickArguments`): its reading
/// of positional arguments takes time quadratic in their number (20,000 targets took over 20 s).
struct ModeRun: Equatable {
    enum ExtraFlag { case force, remove }

    var options = ModeCommandOptions()
    var force = false
    var remove = false

    /// `ModeCommandOptions`, and the command's extra flag.
    static func table(_ extra: ExtraFlag?) -> QuickArguments.Table {
        var specs: [QuickArguments.Spec] = [
            .option("-d", "--dir"), .flag("--no-reload"), .flag("--dry-run"), .repeatable("--profile"),
            .repeatable("--profile-file"), .repeatable("--executable-file"),
        ]
        switch extra {
        case .force: specs.append(.flag("--force"))
        case .remove: specs.append(.flag("-r", "--remove"))
        case nil: break
        }
        return QuickArguments.Table(positionals: true, specs)
    }

    static func read(_ arguments: [String], _ extra: ExtraFlag?) -> ModeRun? {
        guard let a = QuickArguments(arguments, table(extra)) else { return nil }
        var r = ModeRun(force: extra == .force && a.flag("--force"), remove: extra == .remove && a.flag("--remove"))
        // Every property is set: a ParsableArguments value made by init() holds no values yet.
        r.options.dir = a.value("--dir") ?? "/etc/apparmor.d"
        r.options.noReload = a.flag("--no-reload")
        r.options.dryRun = a.flag("--dry-run")
        r.options.profiles = a.list("--profile")
        r.options.profileFiles = a.list("--profile-file")
        r.options.executables = a.list("--executable-file")
        r.options.programs = a.positionals
        return r
    }

    /// No target: left to the argument parser, which reports it with the usage text.
    func validate() throws {
        if options.targets.isEmpty { throw ValidationError("give at least one program, profile name or profile file") }
    }

    static func == (a: ModeRun, b: ModeRun) -> Bool {
        a.force == b.force && a.remove == b.remove && a.options.dir == b.options.dir
            && a.options.noReload == b.options.noReload && a.options.dryRun == b.options.dryRun
            && a.options.profiles == b.options.profiles && a.options.profileFiles == b.options.profileFiles
            && a.options.executables == b.options.executables && a.options.programs == b.options.programs
    }
}

/// A mode command read by `ModeRun`: each says its command, its action and its extra flag.
protocol ModeCommandRun: QuickCommand {
    associatedtype Command: ParsableCommand
    init(mode: ModeRun)
    var mode: ModeRun { get }
    /// Which of `--force` and `--remove` the command takes.
    static var extraFlag: ModeRun.ExtraFlag? { get }
    var action: ModeAction { get }
    /// The options of the command as the argument parser read them.
    static func mode(of command: Command) -> ModeRun
}

extension ModeCommandRun {
    static var command: any ParsableCommand.Type { Command.self }
    static var table: QuickArguments.Table { ModeRun.table(extraFlag) }
    static func quick(_ arguments: [String]) -> Self? { ModeRun.read(arguments, extraFlag).map(Self.init(mode:)) }
    static func parsed(_ arguments: [String]) throws -> Self { Self(mode: mode(of: try Command.parse(arguments))) }
    func validate() throws { try mode.validate() }
    func run() throws { try mode.options.run(action, force: mode.force) }
}

struct ComplainRun: ModeCommandRun {
    var mode: ModeRun
    static let extraFlag: ModeRun.ExtraFlag? = .force
    var action: ModeAction { .complain }
    static func mode(of c: ComplainCommand) -> ModeRun { ModeRun(options: c.options, force: c.force) }
}

struct EnforceRun: ModeCommandRun {
    var mode: ModeRun
    static let extraFlag: ModeRun.ExtraFlag? = .force
    var action: ModeAction { .enforce }
    static func mode(of c: EnforceCommand) -> ModeRun { ModeRun(options: c.options, force: c.force) }
}

struct AuditRun: ModeCommandRun {
    var mode: ModeRun
    static let extraFlag: ModeRun.ExtraFlag? = .remove
    var action: ModeAction { .audit(remove: mode.remove) }
    static func mode(of c: AuditCommand) -> ModeRun { ModeRun(options: c.options, remove: c.remove) }
}

struct DisableRun: ModeCommandRun {
    var mode: ModeRun
    static let extraFlag: ModeRun.ExtraFlag? = nil
    var action: ModeAction { .disable }
    static func mode(of c: DisableCommand) -> ModeRun { ModeRun(options: c.options) }
}
