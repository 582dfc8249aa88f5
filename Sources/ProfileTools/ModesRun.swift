import AppArmorEdit
import FoundationEssentials
import AppArmorPolicy

public struct ModeRunOptions: Sendable {
    public var noReload = false
    public var dryRun = false
    public var force = false
    public init(noReload: Bool = false, dryRun: Bool = false, force: Bool = false) {
        self.noReload = noReload
        self.dryRun = dryRun
        self.force = force
    }
}

/// What a mode command did: lines for the user (`info` on stdout, `errors` on stderr), the
/// diff of a dry run, and whether everything succeeded.
public struct ModeRunReport: Sendable {
    public var info: [String] = []
    public var errors: [String] = []
    public var diff = ""
    public var plans: [ModePlan] = []
    public var succeeded: Bool { errors.isEmpty }
}

/// Runs complain, enforce, audit or disable over command-line arguments.
public struct ModeRunner: Sendable {
    public let folder: String
    public let reloader: ModeReloader
    /// How files are replaced (tests inject failures through `beforeRename`).
    public let writeOptions: AtomicWrite.Options

    public init(folder: String, reloader: ModeReloader, writeOptions: AtomicWrite.Options = AtomicWrite.Options()) {
        self.folder = folder
        self.reloader = reloader
        self.writeOptions = writeOptions
    }

    public static let notEnabledMessage =
        "AppArmor is not enabled on this system, so the profiles cannot be reloaded; nothing was changed. Use --no-reload to change the files only."

    public func run(_ action: ModeAction, arguments: [String], options: ModeRunOptions) -> ModeRunReport {
        run(action, targets: arguments.filter { !$0.isEmpty }.map(ModeArgument.guess), options: options)
    }

    public func run(_ action: ModeAction, targets: [ModeArgument], options: ModeRunOptions) -> ModeRunReport {
        var report = ModeRunReport()
        if !options.noReload, !options.dryRun, !reloader.isAppArmorEnabled {
            report.errors.append(Self.notEnabledMessage)
            return report
        }
        // Edits are made and written holding the folder's lock (another aaswift run waits);
        // a folder that cannot hold the lock file (read-only) gets its errors from the writes.
        let lock = options.dryRun ? nil : try? FolderLock(folder: folder)
        defer { withExtendedLifetime(lock) {} }
        let resolver = ModeTargetResolver(folder: folder)
        for arg in targets {
            switch resolver.resolve(arg) {
            case .failure(let e):
                report.errors.append(e.description)
            case .success(let target):
                do {
                    let plan = try ModePlanner.plan(action, target: target, folder: resolver.folder, force: options.force)
                    try carryOut(plan, options: options, into: &report)
                    report.plans.append(plan)
                } catch {
                    report.errors.append("\(target.label): \(error)")
                }
            }
        }
        return report
    }

    func carryOut(_ plan: ModePlan, options: ModeRunOptions, into report: inout ModeRunReport) throws {
        let label = plan.target.label
        report.info.append(plan.action == .disable ? "Disabling \(label)." : "Setting \(label) \(plan.action.message).")
        for name in plan.skippedUnconfined {
            report.info.append("Profile \(name) is unconfined, skipping (use --force to change it anyway).")
        }
        report.info += plan.warnings.map { "Warning: \($0)" }
        if options.dryRun {
            report.diff += try plan.edited.diff(oldLabel: plan.target.file, newLabel: plan.target.file)
            for link in plan.removeLinks { report.info.append("Would remove \(link).") }
            if let l = plan.createLink { report.info.append("Would link \(l.link) -> \(l.destination).") }
            return
        }
        try plan.edited.write(options: writeOptions)
        let fm = FileManager.default
        for link in plan.removeLinks { try fm.removeItem(atPath: link) }
        if let l = plan.createLink {
            try fm.createDirectory(atPath: PathNames.parent(l.link), withIntermediateDirectories: true)
            try fm.createSymbolicLink(atPath: l.link, withDestinationPath: l.destination)
        }
        guard !options.noReload else { return }
        let failure = plan.action == .disable
            ? reloader.remove(file: plan.target.file, folder: folder)
            : reloader.replace(file: plan.target.file, folder: folder)
        if let failure { report.errors.append(failure) }
    }
}
