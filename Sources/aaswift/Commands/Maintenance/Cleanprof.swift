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

            Without --silent the removals and their diff are shown and the change is saved \
            after a yes; --dry-run prints only the diff (stdout) and writes nothing. Saved \
            files are reloaded with apparmor_parser -r unless --no-reload.

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

    func run() throws {
        let runner = CleanprofRunner(folder: dir, reloader: LoaderModeReloader())
        var report = runner.plan(targets.filter { !$0.isEmpty }.map(ModeArgument.guess))
        let changed = report.plans.filter(\.edited.hasChanges)
        if json {
            print(Self.json(report))
        } else if dryRun {
            for plan in changed { StandardStream.standardOutput.write(Data(((try? plan.edited.diff()) ?? "").utf8)) }
        } else if !silent {
            for plan in changed {
                print("\(plan.file):")
                for r in plan.removals { print("  line \(r.line): \(r.text.split(separator: "\n").first ?? "")  (\(r.reason))") }
                print((try? plan.edited.diff()) ?? "", terminator: "")
            }
        }
        // --json without --silent only reports, as --dry-run does.
        if !dryRun, !changed.isEmpty, silent || !json {
            if silent || Self.confirm() {
                // Written holding the folder's lock; a file changed since it was read is refused.
                let lock = try? FolderLock(folder: dir)
                runner.apply(&report, options: CleanprofOptions(noReload: noReload))
                withExtendedLifetime(lock) {}
                if !json { for plan in changed where report.succeeded { print("Wrote \(plan.file) (\(plan.removals.count) removed).") } }
            } else {
                print("Changes not saved.")
            }
        } else if changed.isEmpty, !json, !dryRun, report.succeeded {
            print("Nothing to clean.")
        }
        for e in report.errors { StandardStream.standardError.write(Data("aaswift cleanprof: \(e)\n".utf8)) }
        if !report.succeeded { throw ExitCode(1) }
    }

    /// Asks on the terminal (or reads a line of standard input): `y`/`s` saves.
    static func confirm() -> Bool {
        StandardStream.standardError.write(Data("Save changes? [y/N] ".utf8))
        guard let line = readLine() else { return false }
        return ["y", "yes", "s", "save"].contains(line.trimmed().lowercased())
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
