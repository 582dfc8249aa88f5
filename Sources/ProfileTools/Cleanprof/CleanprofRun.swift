import AppArmorEdit
import FoundationEssentials

public struct CleanprofOptions: Sendable {
    public var noReload = false
    public var dryRun = false
    public init(noReload: Bool = false, dryRun: Bool = false) {
        self.noReload = noReload
        self.dryRun = dryRun
    }
}

/// What cleanprof found and did over its targets.
public struct CleanprofReport: Sendable {
    public var plans: [CleanprofPlan] = []
    public var errors: [String] = []
    public var succeeded: Bool { errors.isEmpty }

    public init(plans: [CleanprofPlan] = [], errors: [String] = []) {
        self.plans = plans
        self.errors = errors
    }
}

/// aa-cleanprof over command-line targets (programs, profile names, profile files), or every
/// profile file of the folder when none is given. Targets that name profiles of the same
/// file are cleaned together, in one edit of that file.
public struct CleanprofRunner: Sendable {
    public let folder: String
    public let reloader: ModeReloader
    public let writeOptions: AtomicWrite.Options

    public init(folder: String, reloader: ModeReloader, writeOptions: AtomicWrite.Options = AtomicWrite.Options()) {
        self.folder = folder
        self.reloader = reloader
        self.writeOptions = writeOptions
    }

    /// Plans every target; nothing is written.
    public func plan(_ targets: [ModeArgument]) -> CleanprofReport {
        var report = CleanprofReport()
        let resolver = ModeTargetResolver(folder: folder)
        var files: [String] = []
        var names: [String: [String]?] = [:]
        let resolved: [Result<ModeTarget, ModeTargetError>] = targets.isEmpty
            ? resolver.profileFiles().map { .success(ModeTarget(file: $0, profileName: nil, label: $0)) }
            : targets.map(resolver.resolve)
        for result in resolved {
            switch result {
            case .failure(let e): report.errors.append(e.description)
            case .success(let t):
                if names[t.file] == nil { files.append(t.file); names[t.file] = .some([]) }
                if let n = t.profileName, case .some(let list?) = names[t.file] { names[t.file] = .some(list + [n]) }
                else { names[t.file] = .some(nil) }
            }
        }
        for file in files {
            do {
                let list = names[file] ?? nil
                report.plans.append(try CleanprofPlanner.plan(file: file, profileNames: list, folder: resolver.folder))
            } catch {
                report.errors.append("\(file): \(error)")
            }
        }
        return report
    }

    /// Writes the plans that change something and reloads their files.
    public func apply(_ report: inout CleanprofReport, options: CleanprofOptions) {
        if !options.noReload, !reloader.isAppArmorEnabled, report.plans.contains(where: { $0.edited.hasChanges }) {
            report.errors.append(ModeRunner.notEnabledMessage)
            return
        }
        for plan in report.plans where plan.edited.hasChanges {
            do {
                try plan.edited.write(options: writeOptions)
            } catch {
                report.errors.append("\(plan.file): \(error)")
                continue
            }
            if !options.noReload, let failure = reloader.replace(file: plan.file, folder: folder) {
                report.errors.append(failure)
            }
        }
    }
}
