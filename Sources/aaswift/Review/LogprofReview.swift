import AppArmorEdit
import AppArmorPolicy
import Dispatch
import FoundationEssentials
import AuditLog
import ProfileTools
import SystemAppArmor

/// One logprof pass over a log with a front end: read, ask, then save (or print the diff, or
/// write the plan). Shared by `logprof` and `genprof`.
struct LogprofReview {
    var profileDir: String
    var config: LogprofConfig
    var configDir: String
    var noAbstraction = false
    var local = false
    var outputDir: String?
    var noReload = false
    var dryRun = false
    var planOut: String?
    var tunableOptions = true
    /// The process ends after this run (logprof, not genprof's loop): the policy and its rule
    /// sets are left to the exit rather than freed one object at a time.
    var endsProcess = false
    /// Whether questions are shown (their Severity header): not with --allow-all, which then
    /// skips reading severity.db.
    var showsSeverity = true
    /// The parser and policy ABI the rules must fit.
    var target = RuleTargetOptions()
    /// `--allow-all` without `--allow-denied`: DENIED records (enforce mode) are left alone.
    var skipDenied = false

    /// `offset`: for a file source, the byte to start reading at.
    func run(ui: ReviewUI, source: LogprofSource, mark: String?, offset: Int = 0) throws {
        defer { ui.flush() }
        // A mistyped -d would otherwise read no profile and report "No changes".
        guard PosixFiles.kind(profileDir) == .directory else {
            let why = PosixFiles.kind(profileDir) == .missing ? "no such folder" : "not a folder"
            throw LogprofFailure(message: "can't find AppArmor profiles in \(profileDir): \(why)")
        }
        ui.info("Updating AppArmor profiles in \(profileDir).")
        ui.info("Reading log entries from \(source.description).")
        // The profiles and the abstractions load on two threads while the log is read; the
        // severity table and the glob table on a third.
        let loading = PolicyLoading(dir: profileDir, customIncludes: config.customIncludes, abstractions: !noAbstraction)
        let (config, configDir) = (config, configDir)
        let showsSeverity = showsSeverity
        let tables = Background {
            (showsSeverity ? SeverityDB.load(configDir: configDir) : SeverityDB(text: ""), LogprofGlobs(config: config))
        }
        // Requests of profiles the folder lacks are not kept, and their records not parsed
        // (UnknownProfileLines): the log is read once the folder's names are known. The wait
        // (the profiles' load, tens of ms) is one the review makes anyway before its first
        // question, and the abstractions go on loading meanwhile (busy-host log: 0.34 -> 0.32 s).
        var collector = LogprofEventCollector(known: loading.known)
        _ = loading.profileNames()
        do { try LogprofSources.read(source, mark: mark, from: offset, into: &collector) } catch {
            loading.prepareCoverage(for: [])
            throw LogprofFailure(message: "\(error)")
        }
        collector.dropUnknownProfiles(loading.profileNames())
        ui.flush()
        Self.reportSkipped(collector.refused)
        let items = collector.takeOrdered()
        loading.prepareCoverage(for: items.map(\.fullName))
        let (severity, globs) = tables.wait()
        let policy = loading.wait()
        policy.targets = RuleTargets(options: target, profileDir: profileDir)
        let session = LogprofSession(policy: policy, config: config, severity: severity, items: items, globs: globs)
        if endsProcess { _ = Unmanaged.passRetained(session) }
        session.noAbstraction = noAbstraction
        session.tunableOptions = tunableOptions
        session.skipDenied = skipDenied
        let driver = ReviewDriver(session: session, ui: ui)
        let outcome = driver.askAll()
        ui.flush()
        Self.reportSkipped(session.refused)
        if outcome == .aborted { return }
        if session.deniedSkipped > 0 {
            ui.info("Left \(session.deniedSkipped) request(s) that enforce-mode profiles denied (--allow-denied allows them).")
        }
        if session.unsupported > 0 {
            ui.info("Skipped \(session.unsupported) request(s) whose rules the installed apparmor_parser cannot read (see --parser-version).")
        }
        if session.changes.isEmpty {
            ui.info(Self.nothingMessage(collector.stats, session, unknown: collector.unknownProfiles, source: source.description, dir: profileDir))
            return
        }
        try save(session, ui: ui)
    }

    static func nothingMessage(_ s: LogStatistics, _ session: LogprofSession, unknown: Set<String> = [], source: String, dir: String) -> String {
        if s.appArmorRecords == 0 { return "No AppArmor records found in \(source): nothing to do." }
        if s.events == 0 { return "The AppArmor records in \(source) ask for no rules (status and audit records only)." }
        var parts: [String] = []
        if session.alreadyAllowed > 0 { parts.append("\(session.alreadyAllowed) request(s) already allowed by the profiles") }
        let unknownProfiles = session.unknownProfiles.union(unknown)
        if !unknownProfiles.isEmpty {
            parts.append("records for profiles not in \(dir): " + unknownProfiles.sorted().joined(separator: ", "))
        }
        if session.asked > 0 { parts.append("\(session.asked) question(s) answered without changes") }
        return "No changes: " + (parts.isEmpty ? "nothing to ask." : parts.joined(separator: "; ") + ".")
    }

    /// A request that gives no valid rule is skipped and said so; the others go on.
    static func reportSkipped(_ refused: [(profile: String, reason: RuleRefusal)]) {
        for r in refused {
            StandardStream.standardError.write(Data("aaswift logprof: skipped a request of \(r.profile.debugDescription): \(r.reason)\n".utf8))
        }
    }

    func save(_ session: LogprofSession, ui: ReviewUI) throws {
        func planned() throws -> [PlannedFile] {
            do {
                return try LogprofApply.plan(LogprofPlan(profileDir: profileDir, local: local, changes: session.changes), outputDir: outputDir,
                                             parserVersion: session.policy.targets.parser)
            } catch { throw LogprofFailure(message: "\(error)") }
        }
        if dryRun || planOut != nil {
            if let out = planOut {
                // The plan names absolute paths and the digest of each file it changes, and is
                // written like a profile (temporary file, flush, rename).
                let plan = LogprofPlan.bound(profileDir: profileDir, local: local, changes: session.changes)
                do { try AtomicWrite.write(Array(try plan.encoded()), to: out) } catch { throw LogprofFailure(message: "cannot write \(out): \(error)") }
            }
            if dryRun {
                ui.flush()
                // File by file: a long log's diff is never held twice.
                var out = OutputBuffer(fd: 1)
                for file in try planned() { out.write(file.diff()) }
                out.flush()
            }
            return
        }
        while true {
            let names = session.changedTopProfiles
            let prompt = LogprofPrompt(title: "Changed Local Profiles", headers: [],
                                       explanation: "The following local profiles were changed. Would you like to save them?",
                                       options: names, selected: 0,
                                       commands: [.save, .saveSelected, .viewChanges, .viewClean, .abort], defaultCommand: .viewChanges)
            let (cmd, sel) = ui.ask(prompt)
            switch cmd {
            case .save:
                try lockedWrite(session, ui: ui, planned)
                return
            case .saveSelected:
                guard sel >= 0 && sel < names.count else { continue }
                session.keepOnly([names[sel]])
                try lockedWrite(session, ui: ui, planned)
                return
            case .viewChanges, .viewClean:
                // Upstream's titles: (V)iew shows the profile with its comments, (C)lean without.
                ui.showChanges(try planned().map { $0.diff() }.joined(), header: cmd == .viewChanges ? "View Changes with comments" : "View Changes")
            case .abort: if ui.confirmAbort() { return }
            default: continue
            }
        }
    }

    /// Plans and writes holding the folder's lock: the edits are made on the bytes the files
    /// have now (another run's rules stay), and a file changed after that is not overwritten.
    func lockedWrite(_ session: LogprofSession, ui: ReviewUI, _ planned: () throws -> [PlannedFile]) throws {
        do {
            try FolderLock.withLock(outputDir ?? profileDir) { try write(session, ui: ui, files: planned()) }
        } catch let e as FolderLock.Failure { throw LogprofFailure(message: "\(e)") }
    }

    func write(_ session: LogprofSession, ui: ReviewUI, files: [PlannedFile]) throws {
        ui.flush()
        try LogprofWriter.write(files, reload: !noReload && outputDir == nil, folder: profileDir, info: ui.info)
        for name in session.changedTopProfiles { ui.info("Writing updated profile for \(name).") }
    }
}

/// Loads a profile folder on two threads (the profiles on one, the abstractions on the
/// other); `wait()` hands the result over.
final class PolicyLoading: @unchecked Sendable {
    private let itemsReady = DispatchSemaphore(value: 0)
    private let profilesLoaded = DispatchSemaphore(value: 0)
    private var names: [String] = []
    /// The folder's profile names, set once they are loaded.
    let known = KnownProfiles()
    private let policy: LogprofPolicy
    private var threads: [PosixThread] = []

    init(dir: String, customIncludes: [String], abstractions: Bool) {
        policy = LogprofPolicy(dir: dir, customIncludes: customIncludes, loadProfiles: false)
        // The profiles' rule sets are made on their thread too, once the log has named them.
        threads.append(PosixThread { [self] in
            policy.loadProfiles()
            known.set(Set(policy.profileNames))
            profilesLoaded.signal()
            itemsReady.wait()
            policy.prepareCoverage(for: names)
        })
        if abstractions { threads.append(PosixThread { [self] in policy.preloadAbstractions() }) }
    }

    /// The folder's top-level profile names (waits for them to load).
    func profileNames() -> Set<String> {
        profilesLoaded.wait()
        profilesLoaded.signal()
        return known.current ?? []
    }

    /// The profiles (and hats) the log names; call once, before `wait()`.
    func prepareCoverage(for fullNames: [String]) {
        names = fullNames
        itemsReady.signal()
    }

    func wait() -> LogprofPolicy {
        threads.forEach { $0.join() }
        return policy
    }
}

/// A value made on a thread of its own.
final class Background<T>: @unchecked Sendable {
    private var value: T?
    private var thread: PosixThread?

    init(_ make: @escaping @Sendable () -> T) {
        thread = PosixThread { [self] in value = make() }
    }

    func wait() -> T {
        thread?.join()
        return value!
    }
}
