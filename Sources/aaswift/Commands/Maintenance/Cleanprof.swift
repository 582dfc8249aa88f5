import AppArmorEdit
import ArgumentParser
import FoundationEssentials
import ProfileTools
import SystemAppArmor

struct CleanprofCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cleanprof",
        abstract: "Remove rules a profile already has through another rule or an include.",
        discussion: """
            For each target (a program, a profile name or a profile file; every profile file \
            of the folder when none is given), removes the rules of its profile, hats and \
            child profiles that another rule of the same profile, or a rule of an include it \
            loads, already covers (`change_profile -> /bin/foo,` beside `change_profile,`; a \
            locale rule that abstractions/base grants), duplicate includes, and `^hat,` \
            declarations beside the hat itself. A rule that carries `audit`, a priority or a \
            prompt mode the covering rule lacks stays. Rules inside `if` blocks stay.

            Unlike upstream's aa-cleanprof, the file is not re-printed: each removal deletes \
            the rule's own lines (with a comment on the same line), and every other byte \
            stays as it was. Two `set rlimit` rules of one resource are both kept (the last \
            one is the one in force; upstream removes it).

            Without --silent each changed file's removals are listed ("Deleted N rules.") and \
            aa-cleanprof's prompt asks: (S)ave Changes / [(V)iew Changes] (the diff, through \
            the pager) / Abo(r)t. --silent saves without asking; --dry-run prints only the \
            diff (stdout) and writes nothing. Saved files are reloaded with apparmor_parser -r \
            unless --no-reload. --configdir is accepted as upstream's is (cleanprof reads no \
            configuration).

            Examples:
              aaswift cleanprof -s /usr/bin/foo
              aaswift cleanprof --dry-run -d ./profiles usr.bin.foo | less
            """
    )

    @Argument(help: "Programs, profile names or profile files (default: every profile of the folder).")
    var targets: [String] = []

    @Option(name: [.short, .customLong("dir")], help: "The profile folder.")
    var dir: String = "/etc/apparmor.d"

    @Flag(name: [.short, .long], help: "Save without showing the changes or asking.")
    var silent = false

    @Flag(name: .customLong("no-reload"), help: "Change the files only; do not reload the profiles.")
    var noReload = false

    @Flag(name: .customLong("dry-run"), help: "Print the unified diff of the change and write nothing.")
    var dryRun = false

    @Flag(help: "Print the removals as JSON; writes only with --silent.")
    var json = false

    @Option(name: .long, help: "Accepted for upstream's command line (cleanprof reads no configuration).")
    var configdir: String?

    func run() throws {
        let runner = CleanprofRunner(folder: dir, reloader: LoaderModeReloader())
        var report = runner.plan(targets.filter { !$0.isEmpty }.map(ModeArgument.guess))
        let changed = report.plans.filter(\.edited.hasChanges)
        if json {
            print(Self.json(report))
            // --json writes only with --silent.
            if silent, !changed.isEmpty { save(&report, runner: runner) }
        } else if dryRun {
            for plan in changed { StandardStream.standardOutput.write(Data(((try? plan.edited.diff()) ?? "").utf8)) }
        } else if silent {
            for plan in changed { StandardStream.standardOutput.write(Data("\nDeleted \(plan.removals.count) rules.\n".utf8)) }
            if !changed.isEmpty { save(&report, runner: runner) }
        } else {
            let ui = TTYReviewUI()
            for plan in changed {
                // Through the front end, so that its prompts and these lines stay in order.
                ui.info("\(plan.file):")
                for r in plan.removals { ui.info("  line \(r.line): \(r.text.split(separator: "\n").first ?? "")  (\(r.reason))") }
                ui.info("\nDeleted \(plan.removals.count) rules.")
                guard ask(plan, ui: ui) else { break }
                var one = CleanprofReport(plans: [plan])
                save(&one, runner: runner)
                report.errors += one.errors
            }
        }
        if changed.isEmpty, !json, !dryRun, report.succeeded { print("Nothing to clean.") }
        for e in report.errors { StandardStream.standardError.write(Data("aaswift cleanprof: \(e)\n".utf8)) }
        if !report.succeeded { throw ExitCode(1) }
    }

    /// The profiles a plan cleans, as its messages name them.
    static func label(_ plan: CleanprofPlan) -> String { plan.profileNames?.joined(separator: ", ") ?? plan.file }

    /// Writes the report's changed files holding the folder's lock (a file changed since it
    /// was read is refused), then says so as upstream does.
    func save(_ report: inout CleanprofReport, runner: CleanprofRunner) {
        let lock = try? FolderLock(folder: dir)
        runner.apply(&report, options: CleanprofOptions(noReload: noReload))
        withExtendedLifetime(lock) {}
        if report.succeeded, !json {
            var out = OutputBuffer(fd: 1)
            for plan in report.plans where plan.edited.hasChanges { out.write("Writing updated profile for \(Self.label(plan)).\n") }
            out.flush()
        }
    }

    /// aa-cleanprof's prompt for one file; false when the user abandons the run.
    func ask(_ plan: CleanprofPlan, ui: ReviewUI) -> Bool {
        let prompt = LogprofPrompt(
            title: "Changed Local Profiles", headers: [],
            explanation: "The local profile for \(Self.label(plan)) in file \(plan.file) was changed. Would you like to save it?",
            options: [], selected: 0, commands: [.save, .viewChanges, .abort], defaultCommand: .viewChanges)
        while true {
            switch ui.ask(prompt).0 {
            case .save: return true
            case .viewChanges: ui.showChanges((try? plan.edited.diff()) ?? "", header: "View Changes with comments")
            case .abort: if ui.confirmAbort() { return false }
            default: continue
            }
        }
    }

    static func json(_ report: CleanprofReport) -> String {
        JSONOutput.dense([
            "files": .array(report.plans.map { plan in
                .object([
                    ("file", .string(plan.file)),
                    ("removed", .array(plan.removals.map { r in
                        .object([("line", .integer(r.line)), ("text", .string(r.text)), ("reason", .string(r.reason)),
                                 ("profile", r.profile.map(JSONOutput.string) ?? .null)])
                    })),
                ])
            }),
            "errors": .array(report.errors.map(JSONOutput.string)),
        ])
    }
}
