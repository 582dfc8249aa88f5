import AppArmorEdit
import AppArmorSyntax
import FoundationEssentials
import AppArmorPolicy
#if canImport(Glibc)
import Glibc
#endif

/// The mode commands.
public enum ModeAction: Sendable, Equatable {
    case complain, enforce, disable
    /// Sets the `audit` flag, or clears it with `remove`.
    case audit(remove: Bool)
    /// `mode NAME`: any of AppArmor 4's modes (`Self.allModes`), the others removed.
    case mode(String)

    /// Every profile mode flag of AppArmor 4 (enforce is the absence of the others).
    public static let allModes = ["enforce", "complain", "kill", "unconfined", "prompt", "default_allow"]

    /// Mode flags that conflict with the mode being set.
    static let modeFlags = ["enforce", "kill", "unconfined", "prompt", "default_allow"]

    var flagsToAdd: [String] {
        switch self {
        case .complain: ["complain"]
        case .audit(let remove): remove ? [] : ["audit"]
        case .enforce, .disable: []
        case .mode(let m): m == "enforce" ? [] : [m]
        }
    }

    var flagsToRemove: [String] {
        switch self {
        case .complain: Self.modeFlags
        case .enforce: ["complain"] + Self.modeFlags
        case .audit(let remove): remove ? ["audit"] : []
        case .disable: []
        case .mode(let m): Self.allModes.filter { $0 != m }
        }
    }

    /// Complain and enforce leave `unconfined` profiles alone unless forced.
    var skipsUnconfined: Bool {
        switch self {
        case .complain, .enforce: true
        case .mode(let m): m != "unconfined"
        default: false
        }
    }

    public var message: String {
        switch self {
        case .complain: "to complain mode"
        case .enforce: "to enforce mode"
        case .audit(let remove): remove ? "to remove audit mode" : "to audit mode"
        case .disable: "to disabled"
        case .mode(let m): "to \(m) mode"
        }
    }
}

/// A symbolic link to make or remove in a special subfolder (`disable/`, `force-complain/`).
public struct ModeLink: Sendable, Equatable {
    public var link: String
    public var destination: String
}

/// What a mode command will do to one profile file.
public struct ModePlan: Sendable {
    public var target: ModeTarget
    public var action: ModeAction
    public var edited: EditedFile
    /// Full names (`a//b`) of the profiles whose header changes.
    public var changedProfiles: [String] = []
    /// Profiles left alone because they are `unconfined` (without --force).
    public var skippedUnconfined: [String] = []
    public var removeLinks: [String] = []
    public var createLink: ModeLink?
    public var warnings: [String] = []
}

public enum ModePlanner {
    /// Plans the change of one target: the header edits of every profile, hat and child
    /// profile it covers, and the links to make or remove.
    public static func plan(_ action: ModeAction, target: ModeTarget, folder: String, force: Bool) throws -> ModePlan {
        guard let data = FileManager.default.contents(atPath: target.file) else {
            throw ModeTargetError.noProfileFor(target.label)
        }
        return try plan(action, target: target, bytes: Array(data), folder: folder, force: force)
    }

    /// The same, on bytes already read (the file's links are still looked up).
    public static func plan(_ action: ModeAction, target: ModeTarget, bytes: [UInt8], folder: String, force: Bool) throws -> ModePlan {
        let r = Parser.parse(path: target.file, bytes: bytes)
        var plan = ModePlan(target: target, action: action, edited: EditedFile(r))
        for (p, fullName) in selectedProfiles(in: r, name: target.profileName) {
            let flags = p.flags(in: r).map(HeaderFlags.flagName)
            if action.skipsUnconfined, !force, flags.contains("unconfined") {
                plan.skippedUnconfined.append(fullName)
                continue
            }
            let before = plan.edited.edits.edits.count
            try plan.edited.changeFlags(of: p, adding: action.flagsToAdd, removing: action.flagsToRemove)
            if plan.edited.edits.edits.count > before { plan.changedProfiles.append(fullName) }
        }
        if target.profileName != nil, selectedProfiles(in: r, name: target.profileName).isEmpty {
            throw ModeTargetError.noProfileFor(target.label)
        }
        let links = links(for: target.file, folder: folder)
        switch action {
        case .complain:
            plan.removeLinks = [links.disable].filter(linkExists)
        case .enforce:
            plan.removeLinks = [links.forceComplain, links.disable].filter(linkExists)
        case .disable:
            if !linkExists(links.disable) { plan.createLink = ModeLink(link: links.disable, destination: target.file) }
        case .mode(let m):
            plan.removeLinks = (m == "complain" ? [links.disable] : [links.forceComplain, links.disable]).filter(linkExists)
        case .audit:
            if linkExists(links.disable) { plan.warnings.append("\(target.label) is disabled (\(links.disable) exists)") }
        }
        return plan
    }

    /// The profiles a target covers with their full names: every profile of the file for no
    /// name; else the named top-level profile, its hats and children at any depth, and the
    /// profiles written outside it as `NAME//child`.
    public static func selectedProfiles(in r: ParseResult, name: String?) -> [(ProfileSyntax, String)] {
        var out: [(ProfileSyntax, String)] = []
        func visit(_ p: ProfileSyntax, prefix: String?) {
            let full = prefix.map { $0 + "//" + p.name(in: r) } ?? p.name(in: r)
            if let name {
                if full == name || full.hasPrefix(name + "//") { out.append((p, full)) }
            } else {
                out.append((p, full))
            }
            for c in p.children { visit(c, prefix: full) }
        }
        for p in r.topLevelProfiles { visit(p, prefix: nil) }
        return out
    }

    /// `DIR/disable/REL` and `DIR/force-complain/REL` for a file at `DIR/REL`.
    static func links(for file: String, folder: String) -> (disable: String, forceComplain: String) {
        let rel = file.hasPrefix(folder + "/") ? String(file.dropFirst(folder.count + 1)) : PathNames.lastComponent(file)
        return (folder + "/disable/" + rel, folder + "/force-complain/" + rel)
    }

    static func linkExists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }
}
