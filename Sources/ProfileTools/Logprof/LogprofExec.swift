import AppArmorPolicy
import PolicyAnalysis
import AppArmorSyntax
import AuditLog
import FoundationEssentials

/// A question about an exec request: how the program runs (inherit, child, profile, named,
/// unconfined), with the `ix` fallback toggle.
public struct ExecQuestion: Sendable {
    public let item: LogprofItem
    public let target: String
    /// Exec letters offered (`i`, `p`, `c`, `n`, `u`) from logprof.conf `[qualifiers]`.
    public let letters: String
    public var fallbackInherit = false
    public let targetHasProfile: Bool
    public let severity: Severity

    /// Upstream's `build_x_functions`: with the ix fallback on, the inheriting transitions
    /// (only when inherit is offered) and (X) ix Off before (U)nconfined; else Inherit, Child,
    /// Profile, Named, Unconfined, then (X) ix On when a transition can fall back. A hat gets no
    /// Child. Then Deny, Abort, Ignore (not in 3.0's exec prompt: an unused key), Finish.
    public var commands: [LogprofMenuCommand] {
        let l = letters.filter { $0 != "c" || item.hat == nil }
        var c: [LogprofMenuCommand] = []
        if fallbackInherit {
            if l.contains("i") {
                c.append(.inherit)
                let fallbacks = [("p", LogprofMenuCommand.profileInherit), ("c", .childInherit), ("n", .namedInherit)].filter { l.contains($0.0) }
                c += fallbacks.map(\.1)
                if !fallbacks.isEmpty { c.append(.ixOff) }
            }
            if l.contains("u") { c.append(.unconfined) }
        } else {
            for (letter, cmd) in [("i", LogprofMenuCommand.inherit), ("c", .child), ("p", .profile), ("n", .named), ("u", .unconfined)] where l.contains(letter) {
                c.append(cmd)
            }
            if l.contains(where: { "cpn".contains($0) }) { c.append(.ixOn) }
        }
        return c + [.deny, .abort, .ignoreExec, .finish]
    }

    /// (P)rofile when the target has a profile, else (I)nherit, (C)hild, (N)amed, (D)eny.
    public var defaultCommand: LogprofMenuCommand {
        let c = commands
        for k: LogprofMenuCommand in (targetHasProfile ? [.profile, .profileInherit] : []) + [.inherit, .child, .childInherit, .named, .namedInherit] where c.contains(k) {
            return k
        }
        return .deny
    }

    public func prompt() -> LogprofPrompt {
        var h: [(String, HeaderValue)] = [("Profile", .text(item.promptName)), ("Execute", .text(target))]
        switch severity {
        case .rank(let n): h.append(("Severity", .number(n)))
        case .unknown: h.append(("Severity", .text("unknown")))
        }
        return LogprofPrompt(title: nil, headers: h, explanation: nil, options: [], selected: 0, commands: commands, defaultCommand: defaultCommand)
    }

    /// Whether this choice asks the secure-execution question (profile and child transitions).
    public static func asksSecureExec(_ c: LogprofMenuCommand) -> Bool {
        [.profile, .profileInherit, .child, .childInherit, .named, .namedInherit].contains(c)
    }
}

/// A request for a hat or child profile the profile does not have.
public struct HatQuestion: Sendable {
    public let item: LogprofItem
    public let hat: String
    public let defaultHat: String?

    public var commands: [LogprofMenuCommand] {
        (defaultHat != nil ? [.addHat, .useDefaultHat] : [.addHat]) + [.deny, .abort, .finish]
    }

    public func prompt() -> LogprofPrompt {
        var h: [(String, HeaderValue)] = [("Profile", .text(item.profile))]
        if let d = defaultHat { h.append(("Default Hat", .text(d))) }
        h.append(("Requested Hat", .text(hat)))
        // Upstream: Add for a complain-mode request, else Deny.
        return LogprofPrompt(title: nil, headers: h, explanation: nil, options: [], selected: 0, commands: commands,
                             defaultCommand: item.mode == .allowed ? .addHat : .deny)
    }
}

extension LogprofSession {
    func execQuestion(_ item: LogprofItem, path: String) -> ExecQuestion {
        ExecQuestion(item: item, target: path, letters: config.execQualifiers(for: path),
                     targetHasProfile: policy.profileName(forProgram: path) != nil,
                     severity: severityDB.rank(path: path, modes: "x"))
    }

    /// Applies an exec answer: the rule it adds (`ix` also brings `mr`), with `safe` upper-casing
    /// the mode (secure execution or a scrubbed environment) and `named` the `-> target`.
    @discardableResult
    public func answerExec(_ q: ExecQuestion, _ c: LogprofMenuCommand, safe: Bool = false, named: String? = nil) -> String? {
        var mode: String
        switch c {
        case .inherit: mode = "ix"
        case .profile: mode = "px"
        case .profileInherit: mode = "pix"
        case .child: mode = "cx"
        case .childInherit: mode = "cix"
        case .named: mode = "px"
        case .namedInherit: mode = "pix"
        case .unconfined: mode = "ux"
        case .deny: mode = "x"
        default: return nil
        }
        if safe, mode != "ix", mode != "x" { mode = mode.prefix(1).uppercased() + mode.dropFirst() }
        guard let file = policy.file(of: q.item.profile) else { return nil }
        let path = QuotedString.literal(Array(q.target.utf8))
        var text: String
        if c == .deny {
            text = "deny \(path) x,"
        } else {
            text = "\(path) \(c == .inherit ? "mrix" : mode)"
            if let n = named, [.named, .namedInherit].contains(c) { text += " -> " + QuotedString.quoteIfNeeded(Array(n.utf8)) }
            text += ","
        }
        record(LogprofChange(kind: .rule, file: file, profile: q.item.fullName, text: text, family: .rule(.fileRule))) { set in
            set.addFile(pattern: q.target, perms: c == .inherit ? [.mmap, .read, .exec] : [.exec], owner: false, deny: c == .deny)
        }
        if c == .inherit || q.fallbackInherit && c != .deny && c != .unconfined { inheritedChildren.insert(q.item.fullName + "//" + q.target) }
        var message = "Adding \(text) to profile \(q.item.fullName)."
        if c == .child || c == .childInherit, let child = createChildProfile(in: q.item.fullName, for: q.target, file: file) {
            message += "\n" + child
        }
        return message
    }

    /// `cx` needs a child profile named after the program: a new one gets the base abstraction
    /// and the program itself, as upstream creates it (later runs in complain mode fill it in).
    func createChildProfile(in parent: String, for program: String, file: String) -> String? {
        let full = parent + "//" + program
        guard !policy.hasProfile(full), addedHats.insert(full).inserted else { return nil }
        record(LogprofChange(kind: .rule, file: file, profile: parent, text: program, family: .child, flags: modeFlags(of: parent))) { _ in }
        record(LogprofChange(kind: .include, file: file, profile: full, text: "abstractions/base", family: .include)) { _ in }
        noteInclude("abstractions/base", in: full)
        let rule = QuotedString.literal(Array(program.utf8)) + " mr,"
        record(LogprofChange(kind: .rule, file: file, profile: full, text: rule, family: .rule(.fileRule))) { set in
            set.addFile(pattern: program, perms: [.mmap, .read], owner: false, deny: false)
        }
        return "Adding child profile \(program) to profile \(parent)."
    }

    /// The mode flags a new hat or child takes from its parent (`complain`, `kill`...), as
    /// upstream copies them: a child of a complain-mode profile must not enforce.
    func modeFlags(of parent: String) -> [String]? {
        let modes: Set<String> = ["complain", "enforce", "kill", "unconfined", "prompt", "default_allow"]
        let f = policy.find(parent)?.flags.filter(modes.contains) ?? []
        return f.isEmpty ? nil : f
    }

    /// Skips every request of a hat the user refused.
    public func denyHat(_ q: HatQuestion) {
        skippedHats.insert(q.item.profile + "//" + q.hat)
    }

    /// Adds the hat (or child) a request asked for, as an empty block in the profile.
    @discardableResult
    public func addHat(_ q: HatQuestion, name: String? = nil) -> String? {
        guard let file = policy.file(of: q.item.profile) else { return nil }
        let hat = name ?? q.hat
        guard let token = QuotedString.name(Array(hat.utf8)) else { return nil }
        addedHats.insert(q.item.profile + "//" + hat)
        if hat != q.hat { skippedHats.insert(q.item.fullName) }
        record(LogprofChange(kind: .rule, file: file, profile: q.item.profile, text: LogprofApply.hatText(token), family: .hat,
                             flags: modeFlags(of: q.item.profile))) { _ in }
        return "Adding hat \(hat) to profile \(q.item.profile)."
    }
}
