import AuditLog

/// A menu command of logprof's prompts, with upstream's label and hot key.
public enum LogprofMenuCommand: String, Sendable, CaseIterable {
    case allow, deny, ignore, glob, globExt, new, auditOn, auditOff, ownerOn, ownerOff, abort, finish
    // exec prompt
    case inherit, child, profile, named, unconfined, ixOn, ixOff, profileInherit, childInherit, namedInherit, ignoreExec
    // hat prompt (mergeprof: a hat or child profile the installed profile lacks)
    case addHat, useDefaultHat, addSubprofile
    // save prompt
    case save, saveSelected, viewChanges, viewClean
    // genprof
    case scan

    public var label: String {
        switch self {
        case .allow: "(A)llow"
        case .deny: "(D)eny"
        case .ignore: "(I)gnore"
        case .glob: "(G)lob"
        case .globExt: "Glob with (E)xtension"
        case .new: "(N)ew"
        case .auditOn: "Audi(t)"
        case .auditOff: "Audi(t) off"
        case .ownerOn: "(O)wner permissions on"
        case .ownerOff: "(O)wner permissions off"
        case .abort: "Abo(r)t"
        case .finish: "(F)inish"
        case .inherit: "(I)nherit"
        case .ignoreExec: "I(g)nore"
        case .child: "(C)hild"
        case .profile: "(P)rofile"
        case .named: "(N)amed"
        case .unconfined: "(U)nconfined"
        case .ixOn: "(X) ix On"
        case .ixOff: "(X) ix Off"
        case .profileInherit: "(P)rofile Inherit"
        case .childInherit: "(C)hild Inherit"
        case .namedInherit: "(N)amed Inherit"
        case .addHat: "(A)dd Requested Hat"
        case .useDefaultHat: "(U)se Default Hat"
        case .addSubprofile: "(A)dd Requested Subprofile"
        case .save: "(S)ave Changes"
        case .saveSelected: "Save Selec(t)ed Profile"
        case .viewChanges: "(V)iew Changes"
        case .viewClean: "View Changes b/w (C)lean profiles"
        case .scan: "(S)can system log for AppArmor events"
        }
    }

    /// The letter in parentheses, lower case.
    public var key: Character {
        let l = Array(label)
        let open = l.firstIndex(of: "(")!
        return Character(l[open + 1].lowercased())
    }

    /// Keys also taken for this command, not shown: AppArmor 4's `In(h)erit`, so that hands
    /// (and JSON clients) used to either version get what they ask for. Upstream 3.0's exec
    /// prompt has `(I)nherit` and no Ignore; 4.x moved Inherit to `h` for `(I)gnore`; here `i` is
    /// Inherit as in 3.0 and Ignore, which 3.0 lacks, takes the unused `g`.
    public var aliases: [Character] {
        self == .inherit ? ["h"] : []
    }
}

/// A header value: text or a number (severity), as upstream's JSON dialog carries them.
public enum HeaderValue: Sendable, Equatable, CustomStringConvertible {
    case text(String)
    case number(Int)
    public var description: String {
        switch self {
        case .text(let s): s
        case .number(let n): String(n)
        }
    }
}

/// A prompt of any kind, as a front end shows it.
public struct LogprofPrompt: Sendable {
    public var title: String?
    public var headers: [(String, HeaderValue)]
    public var explanation: String?
    public var options: [String]
    public var selected: Int
    public var commands: [LogprofMenuCommand]
    public var defaultCommand: LogprofMenuCommand

    public init(title: String?, headers: [(String, HeaderValue)], explanation: String?, options: [String], selected: Int,
                commands: [LogprofMenuCommand], defaultCommand: LogprofMenuCommand) {
        self.title = title
        self.headers = headers
        self.explanation = explanation
        self.options = options
        self.selected = selected
        self.commands = commands
        self.defaultCommand = defaultCommand
    }

    /// Menu labels, the default one in brackets.
    public var menuItems: [String] {
        commands.map { $0 == defaultCommand ? "[" + $0.label + "]" : $0.label }
    }

    /// The command a key (any case) stands for in this prompt: a menu key, else an alias.
    public func command(forKey key: String) -> LogprofMenuCommand? {
        guard key.count == 1, let k = key.lowercased().first else { return nil }
        return commands.first { $0.key == k } ?? commands.first { $0.aliases.contains(k) }
    }
}

/// What logprof's rule questions (`RuleQuestion`) and mergeprof's (`MergeRuleQuestion`) share:
/// abstractions offered first, then the rule's forms (a file rule's path candidates), the audit
/// and owner toggles, upstream's menu for them, and the (G)lob and (N)ew moves.
public protocol ReviewRuleQuestion: Sendable {
    var includes: [String] { get }
    /// Path candidates (file rules that (G)lob and (N)ew apply to).
    var paths: [String] { get set }
    var selected: Int { get set }
    var audit: Bool { get set }
    var owner: Bool { get set }
    var canOwner: Bool { get }
    /// Whether (G)lob, Glob with (E)xtension and (N)ew apply (a file rule with a path).
    var canGlob: Bool { get }
    /// Whether (A)llow is offered (not for a `deny` rule of another file).
    var canAllow: Bool { get }
    /// What (N)ew checks an entered path against (the logged path, the rule's own path).
    var newPathOrigin: String? { get }
    var options: [String] { get }
    /// `options.count` and `options[i]`, without writing out every option.
    var optionCount: Int { get }
    func option(at i: Int) -> String
    func prompt() -> LogprofPrompt
}

extension ReviewRuleQuestion {
    /// The include name when option `i` is an include.
    public func include(at i: Int) -> String? { i < includes.count ? includes[i] : nil }

    public var commands: [LogprofMenuCommand] {
        var c: [LogprofMenuCommand] = canAllow ? [.allow, .deny, .ignore] : [.deny, .ignore]
        if canGlob { c += [.glob, .globExt, .new] }
        c.append(audit ? .auditOff : .auditOn)
        if canOwner { c.append(owner ? .ownerOff : .ownerOn) }
        return c + [.abort, .finish]
    }

    /// Deny, as upstream's rule prompts have it for every event and every merged rule (3.0 and
    /// 4.1 alike: its complain-mode Allow default is never reached), so that Enter adds nothing
    /// an event in complain mode did not need.
    public var defaultCommand: LogprofMenuCommand { .deny }

    public var optionCount: Int { options.count }
    public func option(at i: Int) -> String { options[i] }

    /// The prompt's menu and selection without its text (no headers, no options): what a front
    /// end that shows nothing (--allow-all) needs to answer.
    public func menu() -> LogprofPrompt {
        LogprofPrompt(title: nil, headers: [], explanation: nil, options: [], selected: selected,
                      commands: commands, defaultCommand: defaultCommand)
    }

    /// The prompt with these headers (a `Severity` header last when known).
    func prompt(headers: [(String, HeaderValue)], severity: Severity?) -> LogprofPrompt {
        var h = headers
        switch severity {
        case .rank(let n): h.append(("Severity", .number(n)))
        case .unknown: h.append(("Severity", .text("unknown")))
        case nil: break
        }
        return LogprofPrompt(title: nil, headers: h, explanation: nil, options: options, selected: selected,
                             commands: commands, defaultCommand: defaultCommand)
    }

    /// (G)lob or Glob with (E)xtension on the selected path: the result is appended (when
    /// new) and selected.
    public mutating func glob(extension ext: Bool) {
        guard canGlob, include(at: selected) == nil else { return }
        let path = paths[selected - includes.count]
        select(ext ? LogprofGlobs.globExtension(path) : LogprofGlobs.globPath(path))
    }

    /// Appends a path (when new) and selects it.
    public mutating func select(_ path: String) {
        if !paths.contains(path) { paths.append(path) }
        selected = includes.count + paths.firstIndex(of: path)!
    }

    /// (N)ew: whether an entered path can be a rule's path (it starts with `/` or a variable).
    static func isUsablePath(_ path: String) -> Bool { path.hasPrefix("/") || path.hasPrefix("@{") }
}

/// A question about one rule: its options (include suggestions, then path candidates) and its
/// toggles.
public struct RuleQuestion: ReviewRuleQuestion {
    public let item: LogprofItem
    public var includes: [String]
    /// File questions: path candidates in order; the raw path last.
    public var paths: [String]
    /// File questions: the permissions to grant (merged with what matching rules grant).
    public var perms: String
    public var oldPerms: String?
    /// Other questions: the rule texts without comma, broadest first (a network event's
    /// `network inet stream`, then its access list and addresses where the target reads them).
    public var ruleTexts: [String]
    public var owner: Bool
    public let canOwner: Bool
    public var audit: Bool
    public var selected: Int
    public var severity: Severity?
    /// Raw path as logged, for headers and (N)ew checks.
    public let rawPath: String?

    public var isFile: Bool { !paths.isEmpty }
    public var canGlob: Bool { isFile }
    public var canAllow: Bool { true }
    public var newPathOrigin: String? { rawPath }

    /// The options as shown: `include <x>` lines, then rules with their commas.
    public var options: [String] { (0..<optionCount).map(option(at:)) }
    public var optionCount: Int { includes.count + (isFile ? paths.count : ruleTexts.count) }

    public func option(at i: Int) -> String {
        if i < includes.count { return "include <\(includes[i])>" }
        return isFile ? fileRule(paths[i - includes.count]) : rule(ruleTexts[i - includes.count])
    }

    func prefix() -> String { (audit ? "audit " : "") }
    func fileRule(_ path: String) -> String { prefix() + (owner ? "owner " : "") + path + " " + perms + "," }
    func rule(_ text: String) -> String { prefix() + text + "," }

    public func prompt() -> LogprofPrompt {
        var h: [(String, HeaderValue)] = [("Profile", .text(item.promptName))]
        if let raw = rawPath {
            h.append(("Path", .text(raw)))
            if let old = oldPerms { h.append(("Old Mode", .text(old))) }
            h.append(("New Mode", .text((owner ? "owner " : "") + perms)))
        } else {
            h += LogprofHeaders.headers(for: item.kind)
        }
        return prompt(headers: h, severity: severity)
    }
}

extension LogprofItem {
    /// The profile as upstream's prompts name it: `profile^hat` for a hat or child.
    public var promptName: String { hat.map { profile + "^" + $0 } ?? profile }
}

/// Headers of non-file questions, after upstream's `logprof_header()`.
enum LogprofHeaders {
    static func t(_ b: LogBytes?) -> String { b.map { String(decoding: $0, as: UTF8.self) } ?? "ALL" }

    static func headers(for kind: EventKind) -> [(String, HeaderValue)] {
        switch kind {
        case .capability(let c): return [("Capability", .text(c))]
        case .network(let n):
            return [("Network Family", .text(t(n.family))), ("Socket Type", .text(t(n.sockType)))]
        case .signal(let access, let signals, let peer):
            return [("Access mode", .text(access.joined(separator: " "))), ("Signal", .text(signals.joined(separator: " "))), ("Peer", .text(t(peer)))]
        case .ptrace(let access, let peer):
            return [("Access mode", .text(access.joined(separator: " "))), ("Peer", .text(t(peer)))]
        case .dbus(let d):
            return [("Access mode", .text(d.access.joined(separator: " "))), ("Bus", .text(t(d.bus))), ("Path", .text(t(d.path))),
                    ("Name", .text(t(d.name))), ("Interface", .text(t(d.interface))), ("Member", .text(t(d.member))), ("Peer", .text(t(d.peerLabel)))]
        case .unix(let u):
            return [("Accesses", .text(u.access.joined(separator: " "))), ("Type", .text(t(u.sockType))), ("Local", .text(t(u.addr))), ("Peer", .text(t(u.peerAddr)))]
        case .userns(let a): return [("Access mode", .text(a.joined(separator: " ")))]
        case .mqueue(let a, let type, let name):
            return [("Access mode", .text(a.joined(separator: " "))), ("Type", .text(type)), ("Name", .text(t(name)))]
        default:
            return RuleText.proposal(for: kind).map { [("Rule", .text($0.text))] } ?? []
        }
    }
}
