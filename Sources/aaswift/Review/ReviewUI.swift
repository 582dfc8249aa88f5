import ProfileTools

/// What a logprof front end does: show text, ask a prompt, a yes/no question or a string, and
/// show a diff. The TTY, the JSON dialog and --allow-all implement it.
protocol ReviewUI: AnyObject {
    func info(_ text: String)
    func important(_ text: String)
    /// The chosen command and the selected option.
    func ask(_ p: LogprofPrompt) -> (LogprofMenuCommand, Int)
    func yesNo(_ text: String, default yes: Bool) -> Bool
    func getString(_ text: String, default value: String) -> String
    func showChanges(_ diff: String)
}

/// --allow-all: takes (P)rofile (when the target has one), (I)nherit, (A)llow or (S)ave,
/// whichever the prompt offers first; answers no to yes/no questions.
final class AllowAllUI: ReviewUI {
    var out: (String) -> Void
    init(out: @escaping (String) -> Void) { self.out = out }

    func info(_ text: String) { out(text) }
    func important(_ text: String) { out(text) }
    func ask(_ p: LogprofPrompt) -> (LogprofMenuCommand, Int) {
        // The first choice of each prompt: hats and children are added (see aaswift-logprof(1)).
        for c: LogprofMenuCommand in [.profile, .inherit, .allow, .addHat, .save] where p.commands.contains(c) {
            if c == .profile && p.defaultCommand != .profile { continue }
            return (c, p.selected)
        }
        return (.ignore, p.selected)
    }
    func yesNo(_ text: String, default yes: Bool) -> Bool { false }
    func getString(_ text: String, default value: String) -> String { value }
    func showChanges(_ diff: String) {}
}
