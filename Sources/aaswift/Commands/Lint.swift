import AppArmorEdit
import AppArmorPolicy
import AppArmorSyntax
import ArgumentParser
import FoundationEssentials
import PolicyAnalysis
import ProfileTools
import SystemAppArmor
#if canImport(Glibc)
import Glibc
#endif

struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Find redundant, dead, overly broad and risky rules in profiles; fix the safe ones.",
        discussion: """
            Loads each profile file as 'aaswift check' does (includes, variables, conditionals) \
            and reports what is legal but likely wrong: duplicate and redundant rules \
            (cleanprof's coverage), allow rules a deny refuses, broad grants in confined \
            profiles (/** w, capability, mount, ptrace, ux, @{HOME}/** w, /proc/*/mem, \
            sys_admin), write together with exec or mmap on one path, a missing abi or \
            local/ include, unused or undefined variables, overlapping attachments, rules the \
            profile's abi cannot enforce. Every check has a stable ID (AA4001...) and a \
            severity; the list, with each check's rationale, is in aaswift-lint(8). Profiles \
            with flags=(unconfined), or an 'allow all,' rule, are not judged for broad \
            grants or W^X.

            Each PATH is a file, a folder (a policy tree: its top-level profiles), or a \
            profile name or program whose file is found in --dir as complain finds it; with \
            no PATH, the profiles of --dir. Includes are found over the -I folders, then \
            --base (default --dir); abi/ and local/ in --dir. The policy is judged for \
            --parser-version (default: the installed apparmor_parser's). Output: text (file:line:col: severity: message \
            [AA4xxx]), json (one object), or sarif (SARIF 2.1.0, for GitHub code scanning).

            --fix applies the safe fixes only: removes duplicate and redundant rules (the \
            statement's own lines, every other byte kept) and adds an abi statement (abi/3.0 \
            when the folder's or the system's abi/ has it). Each edited file is parsed and \
            checked again before it is written atomically under the folder's lock; an edit \
            that would add an error is refused. With --dry-run the unified diff is printed \
            and nothing is written. The findings that remain are reported afterwards.

            Exit status: 0 no finding at warning or error (notes do not count), 1 such a \
            finding (or a fix that could not be written), 2 a usage error.

            Examples:
              aaswift lint -d ./apparmor.d
              aaswift lint --rule AA4001 --rule redundant --fix --dry-run usr.bin.foo
              aaswift lint --format sarif ./apparmor.d > lint.sarif
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, sarif }

    @Argument(help: "Profile files, folders or profile names (default: the profiles of --dir).")
    var paths: [String] = []

    @OptionGroup var folder: PolicyFolderOptions

    @OptionGroup var version: ParserVersionFlag

    @Option(name: .long, help: "Output format: text, json or sarif.")
    var format: Format = .text

    @Flag(name: .long, help: "Apply the safe fixes (remove duplicate and redundant rules, add an abi statement).")
    var fix = false

    @Flag(name: .customLong("dry-run"), help: "With --fix: print the unified diff and write nothing.")
    var dryRun = false

    @Option(name: .customLong("rule"), help: ArgumentHelp("Run only this check (ID such as AA4001, or name such as duplicate); repeatable.", valueName: "ID"))
    var rules: [String] = []

    func validate() throws {
        if dryRun && !fix { throw ValidationError("--dry-run goes with --fix") }
        for r in selectedRuleNames where LintRule.named(r) == nil {
            throw ValidationError("unknown check '\(r)' (see aaswift-lint(8) for the IDs)")
        }
    }

    var selectedRuleNames: [String] { rules.flatMap { $0.split(separator: ",").map(String.init) } }

    func run() throws {
        let policy = folder.folder
        let files = try policy.files(paths.isEmpty ? [policy.profileFolder] : paths)
        let selected = selectedRuleNames.compactMap(LintRule.named).map(\.id)
        let runner = LintRunner(options: LintOptions(
            folder: policy.profileFolder, includeDirs: policy.includeDirs, base: policy.base,
            parserVersion: try ParserVersionFlag.resolve(version.parserVersion), rules: selected.isEmpty ? nil : Set(selected)))
        var results = runner.lint(files)
        var errors: [String] = []
        if fix {
            let (plans, refused) = runner.fixPlans(results)
            errors += refused
            if dryRun {
                var out = OutputBuffer(fd: 1)
                for plan in plans { out.write((try? plan.edited.diff()) ?? "") }
                out.flush()
                report(errors)
                // Nothing is written: the findings stand.
                throw ExitCode(results.contains { $0.findings.contains(where: \.fails) } || !errors.isEmpty ? 1 : 0)
            }
            errors += write(plans, runner: runner)
            let written = Set(plans.map(\.file))
            for plan in plans where errors.allSatisfy({ !$0.hasPrefix(plan.file + ":") }) {
                StandardStream.standardError.write(Data("aaswift lint: \(plan.file): fixed \(plan.fixed.count) finding\(plan.fixed.count == 1 ? "" : "s")\n".utf8))
            }
            // What remains, read again from the written files.
            if !written.isEmpty {
                let again = LintRunner(options: runner.options).lint(files)
                results = again
            }
        }
        let findings = results.flatMap(\.findings)
        var out = OutputBuffer(fd: 1)
        switch format {
        case .text:
            for f in findings { out.write(f.oneLine + "\n") }
        case .json:
            out.write(Self.json(findings, files: results.count) + "\n")
        case .sarif:
            out.write(try SARIFLog(findings: findings, toolVersion: VersionInfo.number).encoded() + "\n")
        }
        out.flush()
        if format == .text, !findings.isEmpty {
            let counts = [AppArmorSyntax.Severity.error, .warning, .note].map { s in (s, findings.filter { $0.rule.severity == s }.count) }
            let summary = counts.filter { $0.1 > 0 }.map { "\($0.1) \($0.0.rawValue)\($0.1 == 1 ? "" : "s")" }.joined(separator: ", ")
            StandardStream.standardError.write(Data("\(summary) in \(results.count) file\(results.count == 1 ? "" : "s")\n".utf8))
        }
        report(errors)
        // Everything is written: exit now rather than free the loaded policy and the compiled
        // patterns piece by piece (as check does; a tenth of a lint of /etc/apparmor.d).
        Glibc.exit(findings.contains(where: \.fails) || !errors.isEmpty ? 1 : 0)
    }

    /// Writes each plan under the lock of its file's folder.
    func write(_ plans: [LintFixPlan], runner: LintRunner) -> [String] {
        var errors: [String] = []
        let byFolder = Dictionary(grouping: plans) { p -> String in
            let parent = PathNames.parent(p.file)
            return parent.isEmpty ? "." : parent
        }
        for folder in byFolder.keys.sorted() {
            do {
                try FolderLock.withLock(folder) { errors += runner.write(byFolder[folder] ?? []) }
            } catch {
                errors.append("\(error)")
            }
        }
        return errors
    }

    func report(_ errors: [String]) {
        for e in errors { StandardStream.standardError.write(Data("aaswift lint: \(e)\n".utf8)) }
    }

    static func json(_ findings: [LintFinding], files: Int) -> String {
        JSONOutput.dense([
            "files": .integer(files),
            "findings": .array(findings.map { f in
                .object([
                    ("id", .string(f.rule.id)), ("name", .string(f.rule.name)), ("severity", .string(f.rule.severity.rawValue)),
                    ("file", .string(f.file)), ("line", .integer(f.line)), ("column", .integer(f.column)),
                    ("message", .string(f.message)), ("fixable", .bool(f.fix != nil)),
                ])
            }),
        ])
    }
}
