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
            the folder and asks about every rule and include it lacks (those the installed \
            profile, with its includes, does not already cover), about each hat or child \
            profile it lacks (then about that block's rules), and, as [preamble], about the \
            abi and includes of FILE's preamble that the installed file lacks. The questions are logprof's, \
            with aa-mergeprof's keys: (A)llow / [(D)eny] / (I)gnore / (G)lob / Glob with \
            (E)xtension / (N)ew / Audi(t) / (O)wner / Abo(r)t / (F)inish, abstractions that \
            also allow a rule offered beside it, then each profile's save prompt ((S)ave \
            Changes / [(V)iew Changes] / Abo(r)t / (I)gnore). They are asked on the terminal, \
            through logprof's JSON dialog (--json), or not at all (--allow-all: every rule as \
            written, every hat and child). Accepted rules are inserted as FILE writes them, \
            where a careful person would put them; every other byte of the installed file \
            stays, and a change that would keep the file from loading is refused. --dry-run \
            prints the diff of --allow-all. Saved profiles are reloaded unless --no-reload.

            Example: aaswift mergeprof --allow-all --no-reload ./usr.bin.foo
            """
    )

    @Argument(help: "Profile files whose rules to merge.")
    var files: [String]

    @Option(name: [.short, .customLong("dir")], help: "The folder of the installed profiles.")
    var dir: String = "/etc/apparmor.d"

    @Option(name: .long, help: "The folder holding logprof.conf and severity.db.")
    var configdir: String = "/etc/apparmor"

    @Flag(name: [.short, .customLong("allow-all")], help: "Take every offer without asking.")
    var allowAll = false

    @Flag(name: [.short, .customLong("json")], help: "Ask through logprof's JSON dialog (version 2.12) on stdin/stdout.")
    var json = false

    @Flag(name: .customLong("no-abstraction"), help: "Do not offer abstractions.")
    var noAbstraction = false

    @Flag(name: .customLong("no-reload"), help: "Change the files only; do not reload the profiles.")
    var noReload = false

    @Flag(name: .customLong("dry-run"), help: "Print the unified diff of taking every offer and write nothing.")
    var dryRun = false

    func validate() throws {
        if json && allowAll { throw ValidationError("--json and --allow-all are mutually exclusive") }
    }

    func run() throws {
        let plan = MergeprofPlanner.plan(files: files, folder: dir)
        for e in plan.errors { StandardStream.standardError.write(Data("aaswift mergeprof: \(e)\n".utf8)) }
        if !plan.errors.isEmpty { throw ExitCode(1) }
        let say: (String) -> Void = { StandardStream.standardError.write(Data(($0 + "\n").utf8)) }
        for name in plan.unmatched { say("No installed profile named \(name) in \(dir); skipped (copy the file instead).") }
        for s in plan.skipped { say("Not offered: \(s)") }
        let quiet = dryRun || allowAll
        let ui: ReviewUI
        if json {
            ui = JSONReviewUI.standard(tool: "mergeprof")
        } else if quiet {
            ui = AllowAllUI(out: dryRun ? { _ in } : { StandardStream.standardOutput.write(Data(($0 + "\n").utf8)) })
        } else {
            ui = TTYReviewUI()
        }
        let config = LogprofConfig.load(configDir: configdir)
        let policy = LogprofPolicy(dir: dir, customIncludes: config.customIncludes)
        let severity = quiet ? SeverityDB(text: "") : SeverityDB.load(configDir: configdir)
        let session = MergeprofSession(plan: plan, policy: policy, severity: severity)
        session.noAbstraction = noAbstraction || dryRun || allowAll
        let review = MergeReview(session: session, ui: ui, folder: dir, noReload: noReload, dryRun: dryRun, allowAll: quiet)
        do {
            guard try review.run() else { return }
        } catch let e as LogprofFailure {
            throw CLIError(e.message)
        }
        if session.changes.isEmpty, !dryRun { say("Nothing to merge.") }
    }
}
