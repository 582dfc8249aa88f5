import AppArmorEdit
import ArgumentParser
import FoundationEssentials
import ProfileTools
import SystemAppArmor

struct ApplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Apply a plan written by 'aaswift logprof --plan-out'.",
        discussion: "Edits the profile files the plan names (only the lines it adds change), then reloads them."
    )

    @Argument(help: "The plan file (JSON).")
    var plan: String
    @Flag(name: .long, help: "Print the unified diff instead of writing.")
    var dryRun = false
    @Flag(name: .long, help: "Do not reload changed profiles.")
    var noReload = false
    @OptionGroup var target: RuleTargetFlags

    func run() throws {
        guard let data = FileManager.default.contents(atPath: plan) else { throw LogprofFailure(message: "cannot read \(plan)") }
        let p: LogprofPlan
        do {
            p = try LogprofPlan.decode(data)
        } catch DecodingError.dataCorrupted(let context) where !context.codingPath.isEmpty {
            // A plan of the right shape with a value it may not hold (an unknown rule family).
            let at = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined()
            throw LogprofFailure(message: "\(plan): refusing the plan: \(at.drop { $0 == "." }): \(context.debugDescription)")
        } catch {
            throw LogprofFailure(message: "\(plan): not a logprof plan (\(describeError(error)))")
        }
        // A plan can come from anywhere: it must be bound to this folder's files as they are.
        do { try p.checked() } catch { throw LogprofFailure(message: "\(plan): \(error)") }
        let targets = RuleTargets(options: target.options, profileDir: p.profileDir)
        let problems = targets.problems(in: p)
        if !problems.isEmpty {
            throw LogprofFailure(message: "the plan has rules this system cannot load:\n" + problems.joined(separator: "\n"))
        }
        if let applied = Self.alreadyApplied(p) { throw LogprofFailure(message: "\(plan) looks applied already: \(applied)") }
        func planned() throws -> [PlannedFile] {
            let files: [PlannedFile]
            do { files = try LogprofApply.plan(p, parserVersion: targets.parser) } catch { throw LogprofFailure(message: "\(error)") }
            do { try p.checkDigests(files) } catch { throw LogprofFailure(message: "\(plan): \(error)") }
            return files
        }
        if dryRun {
            StandardStream.standardOutput.write(Data(try planned().map { $0.diff() }.joined().utf8))
            return
        }
        let files: [PlannedFile]
        do {
            files = try FolderLock.withLock(p.profileDir) {
                let files = try planned()
                do { try LogprofWriter.write(files, reload: !noReload, folder: p.profileDir) { print($0) } } catch { throw LogprofFailure(message: "\(error)") }
                return files
            }
        } catch let e as FolderLock.Failure { throw LogprofFailure(message: "\(e)") }
        for f in files { print("Wrote \(f.path).") }
    }

    /// The first rule of the plan already present in its file (as a whole line), if every rule is.
    static func alreadyApplied(_ p: LogprofPlan) -> String? {
        var first: String?
        for c in p.changes where c.kind == .rule {
            guard let text = try? String(contentsOfFile: c.file, encoding: .utf8) else { return nil }
            let lines = Set(text.split(separator: "\n").map { $0.trimmed() })
            guard lines.contains(c.text) else { return nil }
            first = first ?? c.text
        }
        return first
    }
}
