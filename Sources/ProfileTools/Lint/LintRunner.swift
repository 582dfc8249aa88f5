import AppArmorEdit
import AppArmorPolicy
import AppArmorSyntax
import FoundationEssentials
import PolicyAnalysis

/// The safe fixes of one file: the findings they settle and the edited file, checked.
public struct LintFixPlan: Sendable {
    public var file: String
    public var edited: EditedFile
    public var fixed: [LintFinding]
}

/// `aaswift lint` without its terminal: the checks of `PolicyAnalysis.Linter`, plus the
/// duplicate and redundant rules cleanprof's planner finds (the same engine, the same
/// lossless removals), and the safe fixes as checked edits.
public struct LintRunner {
    public let linter: Linter

    public init(options: LintOptions) {
        self.linter = Linter(options: options)
    }

    public var options: LintOptions { linter.options }

    /// Lints the files (nothing is written).
    public func lint(_ files: [String]) -> [LintFileResult] {
        let wantsRedundancy = options.runs(.duplicate) || options.runs(.redundant)
        return linter.lint(files) { file, parse, report in
            guard wantsRedundancy else { return [] }
            return redundancy(file: file, parse: parse, report: report)
        }
    }

    /// Cleanprof's removals as findings: duplicates (rules and includes) and covered rules.
    func redundancy(file: String, parse: ParseResult, report: CheckReport) -> [LintFinding] {
        guard let plan = try? CleanprofPlanner.plan(file: file, profileNames: nil, folder: options.folder, checker: linter.checker,
                                                    report: report, patterns: linter.matchers) else {
            return []
        }
        return plan.removals.map { r in
            let rule: LintRule = r.kind == .duplicate || r.kind == .duplicateInclude ? .duplicate : .redundant
            let text = r.text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            let message: String
            switch r.kind {
            case .duplicateInclude: message = "'\(text)' repeats the include of \(r.reason.replacing("duplicate of ", with: ""))"
            case .duplicate: message = "rule '\(text)' repeats \(r.reason.replacing("covered by ", with: ""))"
            case .covered: message = "rule '\(text)' is redundant: \(r.reason)"
            case .hatDeclaration: message = "'\(text)' is redundant: the \(r.reason)"
            }
            return LintFinding(rule, message, at: r.range, in: parse.source, fix: .removeStatement(r.range))
        }
    }

    /// The edits that settle the fixable findings of each file, each result parsed and
    /// checked again: a file whose edit would add a parse or check error is left out, with
    /// the reason in `refused`.
    public func fixPlans(_ results: [LintFileResult]) -> (plans: [LintFixPlan], refused: [String]) {
        var plans: [LintFixPlan] = []
        var refused: [String] = []
        for result in results {
            guard let parse = result.parse else { continue }
            let fixable = result.findings.filter { $0.fix != nil }
            guard !fixable.isEmpty else { continue }
            var edited = EditedFile(parse)
            var fixed: [LintFinding] = []
            for f in fixable {
                let edit: TextEdit
                switch f.fix! {
                case .removeStatement(let range): edit = StatementRemoval.edit(removing: range, in: parse.source.bytes)
                case .insert(let text, let at): edit = .insert(text, at: at)
                }
                // A second finding on the same statement (a rule both duplicate and covered)
                // is settled by the first edit.
                guard (try? edited.add(edit)) != nil else { continue }
                fixed.append(f)
            }
            do {
                try validate(edited)
                plans.append(LintFixPlan(file: result.path, edited: edited, fixed: fixed))
            } catch {
                refused.append("\(result.path): \(error)")
            }
        }
        return (plans, refused)
    }

    /// Refuses an edit whose result parses with new errors or checks with errors the file did
    /// not have.
    func validate(_ edited: EditedFile) throws {
        let reparsed = try edited.validatedResult()
        let fresh = PolicyChecker(options: linter.checker.options)
        let before = fresh.check(path: edited.path).errors.map(Self.key)
        let after = PolicyChecker(options: linter.checker.options).check(path: edited.path, bytes: reparsed.source.bytes).errors.map(Self.key)
        var budget: [String: Int] = [:]
        for k in before { budget[k, default: 0] += 1 }
        for k in after {
            if let n = budget[k], n > 0 { budget[k] = n - 1 } else { throw LintFixError.newCheckError(k) }
        }
    }

    static func key(_ d: PolicyDiagnostic) -> String { "\(d.diagnostic.id): \(d.diagnostic.message)" }

    /// Writes the plans, each atomically and only if the file did not change since it was
    /// read; the caller holds the folder's lock. Returns the errors.
    public func write(_ plans: [LintFixPlan], options: AtomicWrite.Options = AtomicWrite.Options()) -> [String] {
        var errors: [String] = []
        for plan in plans {
            do { try plan.edited.write(options: options) } catch { errors.append("\(plan.file): \(error)") }
        }
        return errors
    }
}

public enum LintFixError: Error, CustomStringConvertible, Equatable {
    case newCheckError(String)

    public var description: String {
        switch self {
        case .newCheckError(let e): "not fixed: the edited file would not check (\(e))"
        }
    }
}
