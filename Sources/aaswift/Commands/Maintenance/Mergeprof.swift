import AppArmorEdit
import ArgumentParser
import FoundationEssentials
import ProfileTools

struct MergeprofCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mergeprof",
        abstract: "Merge the rules of other profile files into the installed profiles (aa-mergeprof).",
        discussion: """
            For each profile of each FILE, finds the installed profile of the same name in \
            the folder and offers every rule and include it lacks: those the installed \
            profile (with its includes) does not already cover, hats and child profiles \
            matched by name. Each offer is a yes/no question of logprof's review front ends: \
            the terminal, the JSON dialog (--json), or none (--allow-all takes every offer). \
            Accepted rules are inserted as written in FILE, where a careful person would put \
            them; every other byte of the installed file stays. --dry-run prints the diff of \
            taking every offer. Changed files are reloaded unless --no-reload.

            Example: aaswift mergeprof --allow-all --no-reload ./usr.bin.foo
            """
    )

    @Argument(help: "Profile files whose rules to merge.")
    var files: [String]

    @Option(name: [.short, .customLong("dir")], help: "The folder of the installed profiles.")
    var dir: String = "/etc/apparmor.d"

    @Flag(name: .customLong("allow-all"), help: "Take every offer without asking.")
    var allowAll = false

    @Flag(help: "Ask through logprof's JSON dialog on stdin/stdout.")
    var json = false

    @Flag(name: .customLong("no-reload"), help: "Change the files only; do not reload the profiles.")
    var noReload = false

    @Flag(name: .customLong("dry-run"), help: "Print the unified diff of taking every offer and write nothing.")
    var dryRun = false

    func run() throws {
        let plan = MergeprofPlanner.plan(files: files, folder: dir)
        for e in plan.errors { StandardStream.standardError.write(Data("aaswift mergeprof: \(e)\n".utf8)) }
        if !plan.errors.isEmpty { throw ExitCode(1) }
        let say: (String) -> Void = { text in
            StandardStream.standardError.write(Data((text + "\n").utf8))
        }
        for name in plan.unmatched { say("No installed profile named \(name) in \(dir); skipped (copy the file instead).") }
        for s in plan.skipped { say("Not offered: \(s)") }
        var accepted: [MergeProposal] = []
        if dryRun || allowAll {
            accepted = plan.proposals
        } else {
            let ui: ReviewUI = json
                ? JSONReviewUI(write: { StandardStream.standardOutput.write(Data(($0 + "\n").utf8)) }, readLine: { Swift.readLine() })
                : TTYReviewUI()
            for p in plan.proposals where ui.yesNo("Profile: \(p.profile)\nFrom: \(p.origin)\nAdd: \(p.rule.text)", default: true) {
                accepted.append(p)
            }
        }
        let edited = try MergeprofPlanner.edits(for: accepted)
        if dryRun {
            for e in edited { StandardStream.standardOutput.write(Data(try e.diff().utf8)) }
            return
        }
        let reloader = LoaderModeReloader()
        if !noReload, !edited.isEmpty, !reloader.isAppArmorEnabled { throw CLIError(ModeRunner.notEnabledMessage) }
        var failed = false
        for e in edited {
            try e.write()
            say("Wrote \(e.path).")
            if !noReload, let failure = reloader.replace(file: e.path, folder: dir) {
                say("aaswift mergeprof: \(failure)")
                failed = true
            }
        }
        if accepted.isEmpty { say("Nothing to merge.") }
        if failed { throw ExitCode(1) }
    }
}
