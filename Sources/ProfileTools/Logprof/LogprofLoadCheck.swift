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
        var seen = Set<String>()
        let paths = profileFiles.filter { seen.insert($0).inserted }
        // The files are split between the processors (every n-th file to each), each with its
        // own two checkers; the checkers of either kind share the abstractions' parse trees.
        // The error reported is that of the first file in order, as one checker going through
        // them would find it.
        let afterParses = SharedParses(), beforeParses = SharedParses()
        let workers = max(1, min(Processors.available, paths.count / 2))
        let found = parallelMap(Array(0..<workers), workers: workers) { w -> [(index: Int, error: String)] in
            let before = PolicyChecker(options: options), after = PolicyChecker(options: options)
            before.cache.shared = beforeParses
            after.cache.shared = afterParses
            for f in files { after.cache.provide(path: f.path, bytes: f.new) }
            var out: [(index: Int, error: String)] = []
            for i in stride(from: w, to: paths.count, by: workers) {
                if let e = newError(in: paths[i], isNew: files.contains { $0.path == paths[i] && $0.isNew }, before: before, after: after) {
                    out.append((i, e))
                }
                // The abstractions stay parsed for the next file; the plan's own files (big
                // after a long log) are let go once checked, so memory holds one of them per
                // checker at a time.
                for f in files {
                    before.cache.release(f.path)
                    after.cache.release(f.path)
                }
            }
            return out
        }
        if let first = found.joined().min(by: { $0.index < $1.index }) {
            throw LogprofApplyError.wouldNotLoad(paths[first.index], first.error, parserVersion)
        }
    }

    /// The first error the edited file has that the file as it was did not (its one line).
    private static func newError(in path: String, isNew: Bool, before: PolicyChecker, after: PolicyChecker) -> String? {
        // The file as it was is read only to excuse errors it already had: an edited file
        // without errors needs no second check.
        let errors = after.check(path: path).errors.filter { !environmental.contains($0.diagnostic.id) }
        if errors.isEmpty { return nil }
        var budget: [String: Int] = [:]
        if !isNew {
            for e in before.check(path: path).errors { budget[key(e), default: 0] += 1 }
        }
        for e in errors {
            if let n = budget[key(e)], n > 0 { budget[key(e)] = n - 1; continue }
            return e.oneLine
        }
        return nil
    }

    static func key(_ e: PolicyDiagnostic) -> String { e.diagnostic.id.rawValue + " " + e.diagnostic.message }
}
