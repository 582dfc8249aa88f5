import FoundationEssentials
import ProfileTools
#if canImport(Glibc)
import Glibc
#endif

/// What a logprof front end does: show text, ask a prompt, a yes/no question or a string, and
/// show a diff. The TTY, the JSON dialog and --allow-all implement it.
protocol ReviewUI: AnyObject {
    func info(_ text: String)
    func important(_ text: String)
    /// The chosen command and the selected option.
    func ask(_ p: LogprofPrompt) -> (LogprofMenuCommand, Int)
    func yesNo(_ text: String, default yes: Bool) -> Bool
    func getString(_ text: String, default value: String) -> String
    /// `header`: upstream's title for the dialog ("View Changes with comments", "View Changes").
    func showChanges(_ diff: String, header: String)
    /// Whether the front end shows a prompt's text; one that does not (--allow-all) is asked
    /// with the menu alone, so that no question's headers and options are written out for it.
    var showsPrompts: Bool { get }
    /// Writes out what the front end holds back (--allow-all into a pipe or a file): called
    /// before anything else is written to standard output or error, and at the end.
    func flush()
}

/// --allow-all: takes (P)rofile (when the target has one), (I)nherit, (A)llow, (A)dd the hat or
/// child, or (S)ave, whichever the prompt offers first; answers no to yes/no questions.
final class AllowAllUI: ReviewUI {
    var out: (String) -> Void
    /// Lines for standard output when it is not a terminal: written 64 KiB at a time, not one
    /// system call per line (a busy log's review says "Adding ..." thousands of times).
    private var pending: OutputBuffer?
    init(out: @escaping (String) -> Void) { self.out = out }

    /// Standard output: each line at once on a terminal or when `live` (a review that waits
    /// for records), else in blocks.
    static func standardOutput(live: Bool = false) -> AllowAllUI {
        guard isatty(1) == 0, !live else { return AllowAllUI(out: { StandardStream.standardOutput.write(Data(($0 + "\n").utf8)) }) }
        let ui = AllowAllUI(out: { _ in })
        ui.pending = OutputBuffer(fd: 1)
        return ui
    }

    func info(_ text: String) { emit(text) }
    func important(_ text: String) { emit(text) }
    func flush() { pending?.flush() }

    private func emit(_ text: String) {
        guard pending != nil else { return out(text) }
        pending!.write(text)
        pending!.write("\n")
    }

    func ask(_ p: LogprofPrompt) -> (LogprofMenuCommand, Int) {
        // The first choice of each prompt: hats and children are added (see aaswift-logprof(1)).
        for c: LogprofMenuCommand in [.profile, .inherit, .allow, .addHat, .addSubprofile, .save] where p.commands.contains(c) {
            if c == .profile && p.defaultCommand != .profile { continue }
            return (c, p.selected)
        }
        return (.ignore, p.selected)
    }
    func yesNo(_ text: String, default yes: Bool) -> Bool { false }
    func getString(_ text: String, default value: String) -> String { value }
    func showChanges(_ diff: String, header: String) {}
    var showsPrompts: Bool { false }
}

/// Where a review goes after a question.
enum ReviewStep { case next, finish, abort }

extension ReviewUI {
    var showsPrompts: Bool { true }
    func flush() {}

    /// Upstream's confirmation of Abo(r)t; says so when confirmed.
    func confirmAbort() -> Bool {
        if yesNo("Are you sure you want to abandon this set of profile changes and exit?", default: false) {
            info("Abandoning all changes.")
            return true
        }
        return false
    }

    /// One rule question (logprof's or mergeprof's), asked until it is answered: (A)llow and
    /// (D)eny through `answer` (the message to show; nil when refused, a deny of an include),
    /// (I)gnore, (F)inish, Abo(r)t once confirmed; (G)lob, Glob with (E)xtension, Audi(t) and
    /// (O)wner change the question, and so does (N)ew, whose path `checkNewPath` judges and
    /// `addNewPath` takes.
    func askRule<Q: ReviewRuleQuestion>(_ start: Q, answer: (Q, Bool) -> String?,
                                        checkNewPath: (Q, String) -> (valid: Bool, matches: Bool),
                                        addNewPath: (inout Q, String) -> Void) -> ReviewStep {
        var q = start
        while true {
            let (cmd, sel) = ask(showsPrompts ? q.prompt() : q.menu())
            if sel != q.selected, sel >= 0, sel < q.optionCount { q.selected = sel }
            switch cmd {
            case .allow, .deny:
                if let msg = answer(q, cmd == .deny) {
                    info(msg)
                    return .next
                }
                important("Denying via an include file isn't supported by the AppArmor tools")
            case .ignore: return .next
            case .finish: return .finish
            case .abort: if confirmAbort() { return .abort }
            case .glob, .globExt: q.glob(extension: cmd == .globExt)
            case .auditOn, .auditOff: q.audit = cmd == .auditOn
            case .ownerOn, .ownerOff: q.owner = cmd == .ownerOn
            case .new:
                guard q.canGlob, q.include(at: q.selected) == nil, let origin = q.newPathOrigin else { continue }
                let entered = getString("Enter new path: ", default: q.paths[q.selected - q.includes.count])
                if entered.isEmpty { continue }
                let check = checkNewPath(q, entered)
                if !check.valid {
                    important("The path you entered is invalid (not starting with / or a variable)!")
                    continue
                }
                if !check.matches {
                    let text = "The specified path does not match this log entry:\n\n  Log Entry: \(origin)\n  Entered Path:  \(entered)\nDo you really want to use this path?"
                    if !yesNo(text, default: false) { continue }
                }
                addNewPath(&q, entered)
            default: continue
            }
        }
    }
}
