import AppArmorPolicy
import AppArmorSyntax

/// The last check before logprof, genprof or apply write: every profile file, as it would be
/// saved (with the local files and new profiles of the same plan), is loaded by the policy
/// model as the target apparmor_parser would load it, with that version's semantics (exec
/// conflicts, `priority`, `deny file`...). Each added rule was checked on its own; this finds
/// what only the whole file shows, such as an `ix` rule that conflicts with a `px` glob already
/// there. An edit that brings an error the file did not have is refused, and nothing is written.
public enum LogprofLoadCheck {
    /// Throws `LogprofApplyError.wouldNotLoad` for the first new error. `profileFiles`: the
    /// profile files the plan edits or creates (their local files are checked through them).
    /// An include or abi file that is missing from the folder (a test folder, a partial copy)
    /// says nothing about the edit: such errors are left to apparmor_parser.
    static let environmental: Set<DiagnosticID> = [.includeNotFound, .includeUnreadable, .abiNotFound]

    public static func check(_ files: [PlannedFile], profileFiles: [String], profileDir: String, parserVersion: ParserVersion?) throws {
        let options = CheckOptions(searchPath: IncludeSearchPath(base: profileDir), parserVersion: parserVersion)
        let before = PolicyChecker(options: options)
        let after = PolicyChecker(options: options)
        for f in files { after.cache.provide(path: f.path, bytes: f.new) }
        var seen = Set<String>()
        for path in profileFiles where seen.insert(path).inserted {
            // The abstractions stay parsed for the next file; the plan's own files (big after
            // a long log) are let go once checked, so memory holds one of them at a time.
            defer {
                for f in files {
                    before.cache.release(f.path)
                    after.cache.release(f.path)
                }
            }
            // The file as it was is read only to excuse errors it already had: an edited file
            // without errors needs no second check.
            let errors = after.check(path: path).errors.filter { !environmental.contains($0.diagnostic.id) }
            if errors.isEmpty { continue }
            let isNew = files.contains { $0.path == path && $0.isNew }
            var budget: [String: Int] = [:]
            if !isNew {
                for e in before.check(path: path).errors { budget[key(e), default: 0] += 1 }
            }
            for e in errors {
                if let n = budget[key(e)], n > 0 { budget[key(e)] = n - 1; continue }
                throw LogprofApplyError.wouldNotLoad(path, e.oneLine, parserVersion)
            }
        }
    }

    static func key(_ e: PolicyDiagnostic) -> String { e.diagnostic.id.rawValue + " " + e.diagnostic.message }
}
