import AppArmorEdit
import AuditLog
import AppArmorSyntax
import Foundation

/// One file a plan changes: its bytes before and after.
public struct PlannedFile: Sendable {
    public var path: String
    public var old: [UInt8]
    public var new: [UInt8]
    public var isNew: Bool { old.isEmpty }

    public func diff() -> String {
        String(decoding: UnifiedDiff(oldLabel: isNew ? "/dev/null" : path, newLabel: path).diff(old: old, new: new), as: UTF8.self)
    }
}

public enum LogprofApplyError: Error, CustomStringConvertible {
    case unreadable(String)
    case noProfile(String, String)
    case edit(String)

    public var description: String {
        switch self {
        case .unreadable(let p): "cannot read \(p)"
        case .noProfile(let p, let f): "profile '\(p)' is not in \(f)"
        case .edit(let m): m
        }
    }
}

/// Turns accepted changes into edits of the profile files through the edit engine: every byte
/// not touched by a change stays as it was. With `local`, rules go to `local/<file>` and the
/// profile gets its `include if exists <local/...>` when it lacks one.
public enum LogprofApply {
    public static func plan(_ plan: LogprofPlan, outputDir: String? = nil) throws -> [PlannedFile] {
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
        var out: [PlannedFile] = []
        for file in order {
            let changes = byFile[file]!
            if plan.local {
                out += try localFiles(file, changes)
            } else {
                guard let bytes = FileManager.default.contents(atPath: file) else { throw LogprofApplyError.unreadable(file) }
                let new = try edited(file, Array(bytes), changes)
                out.append(PlannedFile(path: file, old: Array(bytes), new: new))
            }
        }
        out += created
        if let dir = outputDir {
            out = out.map { f in
                var g = f
                g.path = (dir as NSString).appendingPathComponent((f.path as NSString).lastPathComponent)
                return g
            }
        }
        return out
    }

    /// Applies the changes of one profile file.
    static func edited(_ path: String, _ bytes: [UInt8], _ changes: [LogprofChange]) throws -> [UInt8] {
        var file = EditedFile(path: path, bytes: bytes)
        let r = file.original
        var newHats: [String: [String]] = [:]   // "profile//hat" -> rule lines
        var hatOrder: [String] = []
        var childProfiles = Set<String>()          // keys of newHats that are `profile NAME {` children
        for c in changes {
            if c.family == "hat" || c.family == "child" {
                let parent = c.profile
                guard let hat = c.family == "child" ? c.text : hatName(c.text) else {
                    throw LogprofApplyError.edit("not a hat: \(c.text)")
                }
                let key = parent + "//" + hat
                if newHats[key] == nil { newHats[key] = []; hatOrder.append(key) }
                if c.family == "child" { childProfiles.insert(key) }
                continue
            }
            if newHats[c.profile] != nil {
                newHats[c.profile]!.append(c.kind == .include ? "include <\(c.text)>" : c.text)
                continue
            }
            guard let p = findProfile(c.profile, in: r) else { throw LogprofApplyError.noProfile(c.profile, path) }
            do {
                if c.kind == .include {
                    try file.add(includeEdit("include <\(c.text)>", into: p, in: r))
                } else {
                    try file.addRule(PrintedRule(kind: syntaxKind(c.family), text: c.text), to: p)
                }
            } catch { throw LogprofApplyError.edit("\(error)") }
        }
        for key in hatOrder {
            let parts = key.components(separatedBy: "//")
            let parentName = parts.dropLast().joined(separator: "//")
            guard let p = findProfile(parentName, in: r) else { throw LogprofApplyError.noProfile(parentName, path) }
            let ind = itemIndent(p, in: r)
            let rules = newHats[key]!.map { ind + "  " + $0 }.joined(separator: "\n")
            let name = parts.last!
            guard let header = hatHeader(name, child: childProfiles.contains(key)) else {
                throw LogprofApplyError.edit("a hat or child named '\(name)' cannot be written")
            }
            let text = header + " {" + (rules.isEmpty ? "" : "\n" + rules) + "\n" + ind + "}"
            do { try file.addRule(PrintedRule(kind: .hat, text: text), to: p) } catch { throw LogprofApplyError.edit("\(error)") }
        }
        do {
            return try file.validatedResult().source.bytes
        } catch { throw LogprofApplyError.edit("\(error)") }
    }

    /// `--local`: the rules go to `local/<name>` next to the profile file.
    static func localFiles(_ path: String, _ changes: [LogprofChange]) throws -> [PlannedFile] {
        let dir = (path as NSString).deletingLastPathComponent
        let base = (path as NSString).lastPathComponent
        let localPath = dir + "/local/" + base
        let old = FileManager.default.contents(atPath: localPath).map(Array.init) ?? []
        var text = String(decoding: old, as: UTF8.self)
        if !text.isEmpty && !text.hasSuffix("\n") { text += "\n" }
        for c in changes { text += (c.kind == .include ? "include <\(c.text)>" : c.text) + "\n" }
        var out = [PlannedFile(path: localPath, old: old, new: Array(text.utf8))]
        guard let bytes = FileManager.default.contents(atPath: path) else { throw LogprofApplyError.unreadable(path) }
        let r = Parser.parse(path: path, bytes: Array(bytes))
        var file = EditedFile(r)
        var seen = Set<String>()
        for c in changes {
            let top = c.profile.components(separatedBy: "//")[0]
            guard seen.insert(top).inserted, let p = findProfile(top, in: r) else { continue }
            let has = p.items.contains { n in
                guard let inc = IncludeSyntax(n) else { return false }
                return inc.name(in: r) == "local/" + base
            }
            if !has {
                do { try file.addRule(PrintedRule(kind: .include, text: "include if exists <local/\(base)>"), to: p) } catch {
                    throw LogprofApplyError.edit("\(error)")
                }
            }
        }
        if file.hasChanges {
            let new = try file.resultBytes()
            out.append(PlannedFile(path: path, old: Array(bytes), new: new))
        }
        return out
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

    /// The indentation of a profile's items: its last item's, else its header's plus two.
    static func itemIndent(_ p: ProfileSyntax, in r: ParseResult) -> String {
        let b = r.source.bytes
        func lineIndent(_ offset: Int) -> String {
            var i = offset
            while i > 0, b[i - 1] == 0x20 || b[i - 1] == 0x09 { i -= 1 }
            return String(decoding: b[i..<offset], as: UTF8.self)
        }
        if let last = p.items.last { return lineIndent(Int(last.textRange.lowerBound)) }
        var start = Int(p.node.textRange.lowerBound)
        while start > 0, b[start - 1] != 0x0A { start -= 1 }
        var end = start
        while end < b.count, b[end] == 0x20 || b[end] == 0x09 { end += 1 }
        return String(decoding: b[start..<end], as: UTF8.self) + "  "
    }

    /// The name of the hat a `^NAME {` change adds (NAME quoted as `QuotedString.name` writes it).
    static func hatName(_ text: String) -> String? {
        let r = Parser.parse(path: "<hat>", bytes: Array(text.utf8))
        guard !r.hasErrors, r.profiles.count == 1, let p = r.profiles.first, p.node.kind == .hat || r.text(p.node).hasPrefix("^") else {
            return nil
        }
        let name = p.name(in: r)
        return name.hasPrefix("^") ? String(name.dropFirst()) : name
    }

    /// `^NAME` for a hat, `profile NAME [ATTACHMENT]` for a child; nil when the name cannot be
    /// written (see `QuotedString.name`).
    static func hatHeader(_ name: String, child: Bool) -> String? {
        let bytes = Array(name.utf8)
        if !child { return QuotedString.name(bytes).map { "^" + $0 } }
        guard let h = ProfileWriter.headerName(bytes) else { return nil }
        return h.hasPrefix("profile ") ? h : "profile " + h
    }

    static func syntaxKind(_ family: String) -> SyntaxKind {
        if family == "hat" { return .hat }
        if family == "include" { return .include }
        return SyntaxKind.ruleKind(forKeyword: family) ?? .fileRule
    }

    /// A profile, hat or child by full name in a parsed file.
    static func findProfile(_ fullName: String, in r: ParseResult) -> ProfileSyntax? {
        let parts = fullName.components(separatedBy: "//")
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
