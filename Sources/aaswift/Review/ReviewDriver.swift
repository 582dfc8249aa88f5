import ProfileTools

/// Runs a logprof session through a front end: the rule, exec and hat questions, then the
/// save prompt. Returns false when the user finished early or aborted.
struct ReviewDriver {
    let session: LogprofSession
    let ui: ReviewUI

    enum Outcome { case done, aborted }

    /// Asks every question; `.aborted` when the user abandoned the changes. Each question is
    /// under its mode's header ("Complain-mode changes:" or "Enforce-mode changes:"), printed
    /// when the mode changes: never a header with nothing under it.
    func askAll() -> Outcome {
        var shownComplain: Bool?
        while let q = session.next() {
            let item: LogprofItem
            switch q {
            case .rule(let r): item = r.item
            case .exec(let e): item = e.item
            case .hat(let h): item = h.item
            }
            let complain = item.mode == .allowed
            if shownComplain != complain {
                ui.info(complain ? "Complain-mode changes:" : "Enforce-mode changes:")
                shownComplain = complain
            }
            let step: Step
            switch q {
            case .rule(let r): step = askRule(r)
            case .exec(let e): step = askExec(e)
            case .hat(let h): step = askHat(h)
            }
            switch step {
            case .next: continue
            case .finish: return .done
            case .abort: return .aborted
            }
        }
        return .done
    }

    typealias Step = ReviewStep

    func confirmAbort() -> Bool { ui.confirmAbort() }

    func askRule(_ q: RuleQuestion) -> Step {
        ui.askRule(q, answer: { session.answer($0, deny: $1) }, checkNewPath: session.checkNewPath,
                   addNewPath: session.addNewPath)
    }

    func askExec(_ start: ExecQuestion) -> Step {
        var q = start
        while true {
            let (cmd, _) = ui.ask(q.prompt())
            switch cmd {
            case .ixOn, .ixOff: q.fallbackInherit = cmd == .ixOn
            case .ignore, .ignoreExec: return .next
            case .finish: return .finish
            case .abort: if confirmAbort() { return .abort }
            case .deny:
                ui.info(session.answerExec(q, .deny) ?? "")
                return .next
            case .unconfined:
                let warn = "Launching processes in an unconfined state is a very dangerous operation and can cause serious security holes.\n\nAre you absolutely certain you wish to remove all AppArmor protection when executing \(q.target) ?"
                guard ui.yesNo(warn, default: false) else { continue }
                let scrub = ui.yesNo("Should AppArmor sanitise the environment when running this program unconfined?\n\nNot sanitising the environment when unconfining a program opens up significant security holes and should be avoided if at all possible.", default: true)
                ui.info(session.answerExec(q, .unconfined, safe: scrub) ?? "")
                return .next
            case .inherit, .profile, .profileInherit, .child, .childInherit, .named, .namedInherit:
                var named: String?
                if cmd == .named || cmd == .namedInherit {
                    let n = ui.getString("Enter profile name to transition to: ", default: "")
                    if n.isEmpty { continue }
                    named = n
                }
                var safe = false
                if ExecQuestion.asksSecureExec(cmd) {
                    safe = ui.yesNo("Should AppArmor enable secure-execution mode when switching profiles?\n\nSecure-execution mode clears environment variables such as LD_PRELOAD and LD_LIBRARY_PATH that could be used to influence the new program.", default: true)
                }
                ui.info(session.answerExec(q, cmd, safe: safe, named: named) ?? "")
                if (cmd == .profile || cmd == .profileInherit), named == nil, !q.targetHasProfile {
                    if ui.yesNo("A profile for \(q.target) does not exist.\nDo you want to create one?", default: false),
                       let msg = session.createProfile(for: q.target) {
                        ui.info(msg)
                    }
                }
                return .next
            default: continue
            }
        }
    }

    func askHat(_ q: HatQuestion) -> Step {
        while true {
            let (cmd, _) = ui.ask(q.prompt())
            switch cmd {
            case .addHat: if let m = session.addHat(q) { ui.info(m) }; return .next
            case .useDefaultHat: if let m = session.addHat(q, name: q.defaultHat) { ui.info(m) }; return .next
            case .finish: return .finish
            case .abort: if confirmAbort() { return .abort }
            case .deny, .ignore: session.denyHat(q); return .next
            default: continue
            }
        }
    }
}
