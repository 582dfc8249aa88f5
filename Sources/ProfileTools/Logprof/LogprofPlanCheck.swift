import AppArmorEdit
import AppArmorPolicy
import AppArmorSyntax
import AuditLog
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// Why `apply` refuses a plan. Nothing is written when a plan is refused.
public struct PlanRefusal: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { "refusing the plan: \(message)" }
}

/// A plan is bound to what it was made for: absolute paths inside its profile folder, the
/// digest of every file it edits, and changes that are each one valid rule of their family,
/// a hat or child header, a safe include name, or a new profile that parses. A plan can come
/// from anyone (a shared file, a mail): anything else is refused.
extension LogprofPlan {
    /// The plan for `changes` made now: paths made absolute, and the digest of every file it
    /// writes (as `LogprofApply.plan` finds them now).
    public static func bound(profileDir: String, local: Bool, changes: [LogprofChange]) -> LogprofPlan {
        let dir = absolute(profileDir)
        let abs = changes.map { c -> LogprofChange in
            var c = c
            c.file = absolute(c.file)
            return c
        }
        var plan = LogprofPlan(profileDir: dir, local: local, changes: abs)
        let written = ((try? LogprofApply.plan(plan, checkLoads: false)) ?? []).map(\.path) + abs.map(\.file)
        plan.files = Dictionary(written.map { ($0, digest($0)) }, uniquingKeysWith: { a, _ in a })
        return plan
    }

    /// The SHA-256 of a file's bytes, or "absent".
    static func digest(_ path: String) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { return "absent" }
        return SHA256.hex(Array(data))
    }

    static func absolute(_ path: String) -> String {
        PathNames.standardized(path.hasPrefix("/") ? path : PathNames.appending(FileManager.default.currentDirectoryPath, path))
    }

    static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }

    /// Whether `path`'s folder is `realDir` or below it (links resolved).
    static func isInside(_ path: String, realDir: String) -> Bool {
        guard let parent = realPath(PathNames.parent(path)) else { return false }
        return parent == realDir || parent.hasPrefix(realDir + "/")
    }

    /// Checks everything but the digests (see `checkDigests`, done under the folder's lock).
    public func checked() throws(PlanRefusal) {
        guard version == Self.currentVersion else {
            throw PlanRefusal("unknown plan version \(version) (this aaswift reads version \(Self.currentVersion); make the plan again)")
        }
        guard profileDir.hasPrefix("/"), !Self.hasControl(profileDir), Self.absolute(profileDir) == profileDir else {
            throw PlanRefusal("profileDir '\(profileDir)' is not an absolute, normal path")
        }
        guard let realDir = Self.realPath(profileDir) else {
            throw PlanRefusal("profileDir '\(profileDir)' does not exist")
        }
        guard let files else { throw PlanRefusal("the plan names no file digests") }
        for f in files.keys where !f.hasPrefix("/") || Self.absolute(f) != f || !Self.isInside(f, realDir: realDir) {
            throw PlanRefusal("\(f) is outside the profile folder \(profileDir)")
        }
        for c in changes where files[c.file] == nil { throw PlanRefusal("no digest for \(c.file)") }
        for c in changes { try Self.check(c, dir: profileDir, realDir: realDir) }
    }

    /// Refuses a plan whose files changed since it was made, or that would write a file it
    /// holds no digest for. `planned`: what `LogprofApply.plan` makes of it now.
    public func checkDigests(_ planned: [PlannedFile]) throws(PlanRefusal) {
        for (f, d) in files ?? [:] where Self.digest(f) != d {
            throw PlanRefusal("\(f) changed since the plan was made (stale plan; make it again)")
        }
        for f in planned where files?[f.path] == nil {
            throw PlanRefusal("the plan would write \(f.path), which it holds no digest for")
        }
    }

    static func hasControl(_ s: String) -> Bool { s.utf8.contains { $0 < 0x20 || $0 == 0x7F } }

    static func check(_ c: LogprofChange, dir: String, realDir: String) throws(PlanRefusal) {
        let what = "change of \(c.profile.debugDescription) (\(c.family))"
        guard c.file.hasPrefix("/"), absolute(c.file) == c.file, !hasControl(c.file) else {
            throw PlanRefusal("\(what): file '\(c.file)' is not an absolute, normal path")
        }
        guard c.file.hasPrefix(dir + "/"), isInside(c.file, realDir: realDir) else {
            throw PlanRefusal("\(what): file '\(c.file)' is outside the profile folder \(dir)")
        }
        guard !c.profile.isEmpty, !hasControl(c.profile) else { throw PlanRefusal("\(what): bad profile name") }
        for flag in c.flags ?? [] where QuotedString.keyword(Array(flag.utf8)) == nil {
            throw PlanRefusal("\(what): bad profile flag \(flag.debugDescription)")
        }
        switch c.kind {
        case .include:
            guard c.family == .include, safeIncludeName(c.text) else {
                throw PlanRefusal("\(what): include <\(c.text)> is not a name inside the include folders")
            }
        case .newProfile:
            guard !FileManager.default.fileExists(atPath: c.file) else { throw PlanRefusal("\(what): \(c.file) exists already") }
            let r = Parser.parse(path: c.file, bytes: Array(c.text.utf8))
            if let d = r.diagnostics.first(where: { $0.severity == .error }) {
                throw PlanRefusal("\(what): the new profile does not parse: \(d.oneLine(in: r.source))")
            }
            for inc in includes(r.root) where inc.form != .magic || !safeIncludeName(inc.name(in: r)) {
                throw PlanRefusal("\(what): the new profile includes '\(inc.name(in: r))'")
            }
        case .rule:
            switch c.family {
            case .hat:
                guard let name = LogprofApply.hatName(c.text), let token = QuotedString.name(Array(name.utf8)),
                      c.text == LogprofApply.hatText(token) else { throw PlanRefusal("\(what): not a hat: \(c.text.debugDescription)") }
            case .child:
                guard c.text.hasPrefix("/"), !hasControl(c.text), ProfileWriter.headerName(Array(c.text.utf8)) != nil else {
                    throw PlanRefusal("\(what): not a child profile name: \(c.text.debugDescription)")
                }
            case .include, .profile:
                throw PlanRefusal("\(what): a rule change of family '\(c.family)'")
            case .rule(let kind):
                if let problem = RuleTextCheck.problem(c.text, kind: kind, variablesFrom: dir) {
                    throw PlanRefusal("\(what): \(c.text.debugDescription) is not one \(c.family) rule: \(problem)")
                }
            }
        }
    }

    /// An include name that stays inside the include folders: relative, no `..`, plain bytes.
    static func safeIncludeName(_ name: String) -> Bool {
        guard !name.isEmpty, !name.hasPrefix("/") else { return false }
        guard name.utf8.allSatisfy({ QuotedString.isBare($0) }) else { return false }
        return !name.split(separator: "/").contains { $0 == ".." || $0 == "." }
    }

    static func includes(_ n: SyntaxNode) -> [IncludeSyntax] {
        n.childNodes.flatMap { c -> [IncludeSyntax] in (IncludeSyntax(c).map { [$0] } ?? []) + includes(c) }
    }
}
