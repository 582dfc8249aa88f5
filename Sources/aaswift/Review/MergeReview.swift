import AppArmorEdit
import FoundationEssentials
import ProfileTools

/// aa-mergeprof's dialog through a review front end, profile by profile as upstream's: "Merging
/// profile for NAME", a question per rule, include, hat or child the installed profile lacks
/// (logprof's keys: (A)llow / [(D)eny] / (I)gnore / (G)lob / Glob with (E)xtension / (N)ew /
/// Audi(t) / (O)wner / Abo(r)t / (F)inish), then the save prompt of that profile ((S)ave
/// Changes / [(V)iew Changes] / Abo(r)t / (I)gnore). (F)inish ends the profile's questions;
/// Abo(r)t, once confirmed, ends the run and writes nothing more.
struct MergeReview {
    let session: MergeprofSession
    let ui: ReviewUI
    var folder: String
    var noReload = false
    /// --dry-run: the diff of the accepted changes on standard output, nothing written.
    var dryRun = false
    /// --allow-all: `Adding RULE to profile NAME.` instead of `... to profile.`, and a `deny`
    /// rule of the other file (whose question has no (A)llow) is taken as written too.
    var allowAll = false

    typealias Step = ReviewStep

    /// Asks, saves each profile's changes; false when the user aborted.
    func run() throws -> Bool {
        var diffs = ""
        for top in session.topProfiles {
            ui.info("\n\nMerging profile for \(top)")
            ask: while let q = session.next(in: top) {
                let step: Step
                switch q {
                case .rule(let r): step = askRule(r)
                case .block(let b): step = askBlock(b)
                }
                switch step {
                case .next: continue
                case .finish:
                    session.finish(top)
                    break ask
                case .abort: return false
                }
            }
            if session.changes(of: top).isEmpty { continue }
            if dryRun {
                diffs += try planned(top).map { $0.diff() }.joined()
                continue
            }
            if try !save(top) { return false }
        }
        if dryRun { StandardStream.standardOutput.write(Data(diffs.utf8)) }
        return true
    }

    func askRule(_ q: MergeRuleQuestion) -> Step {
        let name = MergeprofSession.promptName(q.proposal.profile)
        let message = { (text: String) in allowAll ? "Adding \(text) to profile \(name)." : "Adding \(text) to profile." }
        if allowAll, !q.canAllow, let text = session.answer(q, deny: true) {
            ui.info(message(text))
            return .next
        }
        return ui.askRule(q, answer: { session.answer($0, deny: $1).map(message) }, checkNewPath: session.checkNewPath,
                          addNewPath: { $0.select($1) })
    }

    func askBlock(_ q: MergeBlockQuestion) -> Step {
        while true {
            let (cmd, _) = ui.ask(q.prompt())
            switch cmd {
            case .addHat, .addSubprofile:
                session.answerBlock(q, add: true)
                return .next
            case .deny:
                session.answerBlock(q, add: false)
                return .next
            case .finish: return .finish
            case .abort: if ui.confirmAbort() { return .abort }
            default: continue
            }
        }
    }

    /// The files one profile's changes make (checked to load as the installed apparmor_parser
    /// reads them).
    func planned(_ top: String) throws -> [PlannedFile] {
        do {
            return try LogprofApply.plan(LogprofPlan(profileDir: folder, changes: session.changes(of: top)),
                                         parserVersion: RuleTargets(profileDir: folder).parser)
        } catch { throw LogprofFailure(message: "\(error)") }
    }

    /// Upstream mergeprof's save prompt for one profile; false when the user aborted.
    func save(_ top: String) throws -> Bool {
        let prompt = LogprofPrompt(title: "Changed Local Profiles", headers: [],
                                   explanation: "The following local profiles were changed. Would you like to save them?",
                                   options: [top], selected: 0, commands: [.save, .viewChanges, .abort, .ignore], defaultCommand: .viewChanges)
        while true {
            let (cmd, _) = ui.ask(prompt)
            switch cmd {
            case .save:
                do {
                    try FolderLock.withLock(folder) {
                        try LogprofWriter.write(try planned(top), reload: !noReload, folder: folder, info: ui.info)
                    }
                } catch let e as FolderLock.Failure { throw LogprofFailure(message: "\(e)") }
                ui.info("Writing updated profile for \(top).")
                return true
            case .viewChanges:
                ui.showChanges(try planned(top).map { $0.diff() }.joined(), header: "View Changes with comments")
            case .ignore:
                session.drop(top)
                return true
            case .abort:
                if ui.confirmAbort() { return false }
            default: continue
            }
        }
    }
}
