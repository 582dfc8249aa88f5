import AppArmorEdit
import AuditLog
import AppArmorSyntax
import FoundationEssentials
import AppArmorPolicy

/// One file a plan changes: its bytes before and after.
public struct PlannedFile: Sendable {
    public var path: String
    public var old: [UInt8]
    public var new: [UInt8]
    /// Whether `path` is the file `old` was read from (false when written to an output folder).
    public var overwrites = true
    public var isNew: Bool { old.isEmpty }

    public func diff() -> String {
        String(decoding: UnifiedDiff(oldLabel: isNew ? "/dev/null" : path, newLabel: path).diff(old: old, new: new), as: UTF8.self)
    }
}

public enum LogprofApplyError: Error, CustomStringConvertible {
    case unreadable(String)
    case noProfile(String, String)
    case edit(String)
    case noLocalInclude(String, String)
    case wouldNotLoad(String, String, ParserVersion?)

    public var description: String {
        switch self {
        case .unreadable(let p): "cannot read \(p)"
        case .noProfile(let p, let f): "profile '\(p)' is not in \(f)"
        case .edit(let m): m
        case .noLocalInclude(let p, let f):
            "--local: '\(p)' in \(f) includes no local file of its own, and a rule in the parent's local file would land in the parent; add 'include if exists <local/...>' inside its block, or run without --local"
        case .wouldNotLoad(let f, let why, let v):
            "nothing written: \(f) would not load" + (v.map { " with apparmor_parser \($0)" } ?? "") + " after these changes: \(why)"
        }
    }
}

/// Turns accepted changes into edits of the profile files through the edit engine: every byte
/// not touched by a change stays as it was. With `local`, each rule goes to the local file that
/// its block includes (`include if exists <local/...>`); a top-level profile without one gets
/// `include if exists <local/<file>>`, a hat or child without one is refused.
public enum LogprofApply {
    /// The files the plan changes, before and after. With `checkLoads`, every edited profile
    /// file must still load as apparmor_parser `parserVersion` would load it (`LogprofLoadCheck`).
    public static func plan(_ plan: LogprofPlan, outputDir: String? = nil, checkLoads: Bool = true,
                            parserVersion: ParserVersion? = nil) throws -> [PlannedFile] {
        var byFile: [String: [LogprofChange]] = [:]
        var order: [String] = []
        var created: [PlannedFile] = []
        for c in plan.changes {
            if c.kind == .newProfile {
                created.append(PlannedFile(path: c.file, old: [], new: Array(c.text.utf8)))
                continue
            }
            if byFile[c.file] == nil { order.append(c.file) }
            byFile[c.file, default: []].append(c)
        }
        // Each file is edited on its own (a long log changes many profiles): on every processor.
        let (local, profileDir) = (plan.local, plan.profileDir)
        let jobs = order.map { ($0, byFile[$0]!) }
        let planned = parallelMap(jobs) { (file, changes) -> Result<[PlannedFile], Error> in
            Result {
                guard let bytes = FileManager.default.contents(atPath: file) else { throw LogprofApplyError.unreadable(file) }
                if local { return try localFiles(file, Array(bytes), changes, profileDir: profileDir) }
                return [PlannedFile(path: file, old: Array(bytes), new: try edited(file, Array(bytes), changes))]
            }
        }
        var out: [PlannedFile] = []
        for p in planned { out += try p.get() }
        out += created
        if checkLoads { try LogprofLoadCheck.check(out, profileFiles: order + created.map(\.path), profileDir: plan.profileDir, parserVersion: parserVersion) }
        if let dir = outputDir {
            out = out.map { f in
                var g = f
                g.path = PathNames.appending(dir, PathNames.lastComponent(f.path))
                g.overwrites = false
                return g
            }
        }
        return out
    }

    /// The changes of one file, split into those for blocks the file has and the hats and
    /// children the changes create (with their rules, nested as they nest).
    struct Sorted {
        var existing: [LogprofChange] = []
        /// New blocks whose parent the file has: (parent full name, the block).
        var blocks: [(parent: String, block: NewProfile)] = []

        init(_ changes: [LogprofChange]) throws {
            var new: [String: NewProfile] = [:]
            var keys: [String] = []
            for c in changes {
                if c.family == .hat || c.family == .child {
                    let isHat = c.family == .hat
                    guard let name = isHat ? LogprofApply.hatName(c.text) : c.text,
                          let token = LogprofApply.nameToken(name, isHat: isHat) else {
                        throw LogprofApplyError.edit("a \(c.family) named \(c.text.debugDescription) cannot be written")
                    }
                    let key = c.profile + "//" + name
                    if new[key] == nil {
                        new[key] = NewProfile(name: name, nameToken: token, flags: c.flags ?? [], isHat: isHat, isChild: !isHat)
                        keys.append(key)
                    }
                } else if new[c.profile] != nil {
                    if c.kind == .include { new[c.profile]!.includes.append(c.text) } else {
                        new[c.profile]!.rules.append(PrintedRule(kind: c.family.syntaxKind, text: c.text))
                    }
                } else {
                    existing.append(c)
                }
            }
            func parent(_ key: String) -> String { key.profileNameParts.dropLast().joined(separator: "//") }
            func build(_ key: String) -> NewProfile {
                var p = new[key]!
                p.children = keys.filter { parent($0) == key }.map(build)
                return p
            }
            blocks = keys.filter { new[parent($0)] == nil }.map { (parent($0), build($0)) }
        }
    }

    /// Applies the changes of one profile file.
    static func edited(_ path: String, _ bytes: [UInt8], _ changes: [LogprofChange]) throws -> [UInt8] {
        var file = EditedFile(path: path, bytes: bytes)
        let r = file.original
        let sorted = try Sorted(changes)
        do {
            // Includes first (they go after the block's includes, where a first capability
            // rule may go too), then each block's rules together.
            var profiles: [String] = []
            var rules: [String: [PrintedRule]] = [:]
            // A change with no profile goes to the file's preamble (mergeprof's `abi` and
            // includes of tunables).
            let preamble = sorted.existing.filter { $0.profile.isEmpty }.map { PrintedRule(kind: $0.family.syntaxKind, text: $0.text) }
            if !preamble.filter({ $0.kind != .abi }).isEmpty { try file.addTopLevelRules(preamble.filter { $0.kind != .abi }) }
            // An abi goes first, on the line of the file's first statement (comments above stay).
            if case let abi = preamble.filter({ $0.kind == .abi }), !abi.isEmpty, let first = r.root.childNodes.first {
                var at = Int(first.textRange.lowerBound)
                while at > 0, r.source.bytes[at - 1] != 0x0A { at -= 1 }
                try file.add(.insert(abi.map { $0.text + "\n" }.joined(), at: at))
            }
            // Each profile found once, however many of its changes there are.
            var found: [String: ProfileSyntax] = [:]
            for c in sorted.existing where !c.profile.isEmpty {
                guard let p = found[c.profile] ?? findProfile(c.profile, in: r) else { throw LogprofApplyError.noProfile(c.profile, path) }
                found[c.profile] = p
                if c.kind == .include {
                    try file.add(includeEdit("include <\(c.text)>", into: p, in: r))
                } else {
                    if rules[c.profile] == nil { profiles.append(c.profile) }
                    rules[c.profile, default: []].append(PrintedRule(kind: c.family.syntaxKind, text: c.text))
                }
            }
            for name in profiles { try file.addRules(rules[name]!, to: found[name]!) }
            for (parent, block) in sorted.blocks {
                guard let p = findProfile(parent, in: r) else { throw LogprofApplyError.noProfile(parent, path) }
                try file.addProfile(inheritingFlags(block, from: p, in: r), to: p)
            }
            return try file.validatedResult().source.bytes
        } catch let e as LogprofApplyError { throw e } catch { throw LogprofApplyError.edit("\(error)") }
    }

    /// `--local`: each rule goes to the local file its block includes; a new hat or child goes,
    /// whole, to its parent's local file.
    static func localFiles(_ path: String, _ bytes: [UInt8], _ changes: [LogprofChange], profileDir: String) throws -> [PlannedFile] {
        let r = Parser.parse(path: path, bytes: bytes)
        var file = EditedFile(r)
        var locals: [String: (old: [UInt8], rules: [PrintedRule], blocks: [NewProfile])] = [:]
        var localOrder: [String] = []
        var added = Set<String>()
        let base = PathNames.lastComponent(path)

        /// The local file a block includes, adding the include to a top-level profile.
        func localFile(of name: String) throws -> String {
            guard let p = findProfile(name, in: r) else { throw LogprofApplyError.noProfile(name, path) }
            var include = p.items.lazy.compactMap(IncludeSyntax.init).map { $0.name(in: r) }.first { $0.hasPrefix("local/") || $0.contains("/local/") }
            if include == nil {
                guard !name.contains("//") else { throw LogprofApplyError.noLocalInclude(name, path) }
                include = "local/" + base
                if added.insert(name).inserted {
                    do { try file.addRule(PrintedRule(kind: .include, text: "include if exists <local/\(base)>"), to: p) } catch {
                        throw LogprofApplyError.edit("\(error)")
                    }
                }
            }
            let local = include!.hasPrefix("/") ? include! : PathNames.appending(profileDir, include!)
            if locals[local] == nil {
                locals[local] = (FileManager.default.contents(atPath: local).map(Array.init) ?? [], [], [])
                localOrder.append(local)
            }
            return local
        }

        let sorted = try Sorted(changes)
        for c in sorted.existing {
            let local = try localFile(of: c.profile)
            locals[local]!.rules.append(c.kind == .include ? PrintedRule(kind: .include, text: "include <\(c.text)>")
                                                             : PrintedRule(kind: c.family.syntaxKind, text: c.text))
        }
        for (parent, block) in sorted.blocks {
            let local = try localFile(of: parent)
            locals[local]!.blocks.append(inheritingFlags(block, from: findProfile(parent, in: r)!, in: r))
        }
        var out: [PlannedFile] = []
        do {
            // Each local file is edited like a block: its rules grouped by kind, file rules in
            // path order, new hats last.
            for local in localOrder {
                var bytes = locals[local]!.old
                if let last = bytes.last, last != 0x0A { bytes.append(0x0A) }
                var edited = EditedFile(path: local, bytes: bytes)
                try edited.addTopLevelRules(locals[local]!.rules)
                for block in locals[local]!.blocks { try edited.addTopLevelProfile(block) }
                out.append(PlannedFile(path: local, old: locals[local]!.old, new: try edited.validatedResult().source.bytes))
            }
            if file.hasChanges {
                out.append(PlannedFile(path: path, old: bytes, new: try file.validatedResult().source.bytes))
            }
        } catch { throw LogprofApplyError.edit("\(error)") }
        return out
    }

    /// A new hat or child without flags of its own takes its parent's, as upstream's
    /// `ask_addhat` does: a hat of a complain-mode profile learns in complain mode too.
    static func inheritingFlags(_ block: NewProfile, from parent: ProfileSyntax, in r: ParseResult) -> NewProfile {
        var b = block
        if b.flags.isEmpty { b.flags = parent.flags(in: r) }
        b.children = b.children.map { c in
            var c = c
            if c.flags.isEmpty { c.flags = b.flags }
            return c
        }
        return b
    }

    /// The edit that adds an include after the profile's last include other than its local
    /// one, else at the top of its block.
    static func includeEdit(_ text: String, into p: ProfileSyntax, in r: ParseResult) throws -> TextEdit {
        let items = p.items
        let includes = items.filter { n in
            guard let inc = IncludeSyntax(n) else { return false }
            return !inc.name(in: r).hasPrefix("local/")
        }
        if let last = includes.last {
            let b = r.source.bytes
            var i = Int(last.textRange.lowerBound)
            while i > 0, b[i - 1] == 0x20 || b[i - 1] == 0x09 { i -= 1 }
            let indent = String(decoding: b[i..<Int(last.textRange.lowerBound)], as: UTF8.self)
            let end = Int(last.fullRange.upperBound)
            if end > 0, b[end - 1] == 0x0A { return .insert(indent + text + "\n", at: end) }
            return .insert("\n" + indent + text, at: end)
        }
        guard let e = RuleInsertion.edit(adding: text, kind: .include, to: p, in: r) else {
            throw LogprofApplyError.edit("profile has no block")
        }
        return e
    }

    /// The name of the hat a `^NAME {` change adds (NAME quoted as `QuotedString.name` writes it).
    static func hatName(_ text: String) -> String? {
        let r = Parser.parse(path: "<hat>", bytes: Array(("profile parent {\n" + text + "\n}\n").utf8))
        guard !r.hasErrors, r.root.childNodes.count == 1, let parent = ProfileSyntax(r.root.childNodes[0]),
              parent.items.count == 1, parent.children.count == 1,
              let p = parent.children.first, r.text(p.node).hasPrefix("^") else { return nil }
        let name = p.name(in: r)
        return name.hasPrefix("^") ? String(name.dropFirst()) : name
    }

    /// The header token of a new hat (`QuotedString.name`) or child (its name, and its path as
    /// a literal attachment when the name holds AARE characters); nil when no token names it.
    /// A hat change's text in a plan: the empty hat block as the printer writes it (`^name {`
    /// and its closing brace).
    static func hatText(_ token: String) -> String {
        CanonicalPrinter.header(NewProfile(name: token, nameToken: token, isHat: true)) + "\n}"
    }

    static func nameToken(_ name: String, isHat: Bool) -> String? {
        let bytes = Array(name.utf8)
        if isHat { return QuotedString.name(bytes) }
        guard let h = ProfileWriter.headerName(bytes) else { return nil }
        return h.hasPrefix("profile ") ? String(h.dropFirst("profile ".count)) : h
    }

    /// A profile, hat or child by full name in a parsed file.
    static func findProfile(_ fullName: String, in r: ParseResult) -> ProfileSyntax? {
        let parts = fullName.profileNameParts
        var level = topProfiles(r.root.childNodes)
        var found: ProfileSyntax?
        for part in parts {
            guard let p = level.first(where: { $0.name(in: r) == part || $0.name(in: r) == "^" + part }) else { return nil }
            found = p
            level = p.children
        }
        return found
    }

    static func topProfiles(_ nodes: [SyntaxNode]) -> [ProfileSyntax] {
        var out: [ProfileSyntax] = []
        for n in nodes {
            if let p = ProfileSyntax(n) { out.append(p) } else if n.kind == .conditional {
                for c in n.childNodes where c.kind == .block { out += topProfiles(c.childNodes) }
            }
        }
        return out
    }
}
