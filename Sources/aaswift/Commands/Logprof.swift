import ArgumentParser
import Foundation
import ProfileTools

struct LogprofCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logprof",
        abstract: "Review AppArmor log records and add the rules they ask for to the profiles.",
        discussion: """
        Reads audit records (audit.log, syslog, journald), drops requests the profiles already \
        allow, and asks about the rest: on the terminal, through upstream's JSON dialog (--json), \
        or not at all (--allow-all). Changes are made as minimal edits of the profile files; \
        --dry-run prints them as a unified diff and --plan-out saves them for 'aaswift apply'.
        """
    )

    @Option(name: [.customShort("d"), .customLong("dir")], help: "The profile folder (default: /etc/apparmor.d).")
    var dir: String?
    @Option(name: [.customShort("f"), .customLong("file")], help: "The log file ('-' for standard input).")
    var file: String?
    @Flag(name: .long, help: "Read the systemd journal.")
    var journal = false
    @Option(name: .long, help: "With --journal: records since this time (journalctl --since).")
    var since: String?
    @Flag(name: .long, help: "With --journal: records of the current boot only.")
    var boot = false
    @Option(name: [.customShort("m"), .customLong("logmark")], help: "Start after the first line containing MARK.")
    var mark: String?
    @Flag(name: .long, help: "Do not suggest abstractions.")
    var noAbstraction = false
    @Option(name: [.customShort("o"), .customLong("output-dir")], help: "Write changed profiles to this folder instead.")
    var outputDir: String?
    @Flag(name: .long, help: "Put new rules in local/<profile> (adding its 'include if exists' when missing).")
    var local = false
    @Flag(name: .long, help: "Do not reload changed profiles.")
    var noReload = false
    @Option(name: .long, help: "The folder holding logprof.conf and severity.db (default: /etc/apparmor).")
    var configdir: String = "/etc/apparmor"
    @Flag(name: .long, help: "Speak upstream's JSON dialog (version 2.12) on stdin/stdout.")
    var json = false
    @Flag(name: .long, help: "Answer every question with its first choice (allow, inherit, save).")
    var allowAll = false
    @Flag(name: .long, help: "Print the unified diff of all changes instead of writing them.")
    var dryRun = false
    @Option(name: .long, help: "Write the accepted changes as a JSON plan instead of changing profiles.")
    var planOut: String?

    func validate() throws {
        if json && allowAll { throw ValidationError("--json and --allow-all cannot be used together") }
        if journal && file != nil { throw ValidationError("--journal and --file cannot be used together") }
    }

    func run() throws {
        let config = LogprofConfig.load(configDir: configdir)
        let profileDir = dir ?? config.profileDirs.first { FileManager.default.fileExists(atPath: $0) } ?? "/etc/apparmor.d"
        let ui: ReviewUI
        if json {
            ui = JSONReviewUI(write: { FileHandle.standardOutput.write(Data(($0 + "\n").utf8)) }, readLine: { Swift.readLine() })
        } else if allowAll || (dryRun || planOut != nil) && isatty(0) == 0 {
            ui = AllowAllUI(out: { FileHandle.standardOutput.write(Data(($0 + "\n").utf8)) })
        } else {
            ui = TTYReviewUI()
        }
        let source: LogprofSource
        do {
            if journal { source = .journal(since: since, boot: boot) } else if file == "-" { source = .standardInput } else if let f = file { source = .file(f) } else { source = try LogprofSources.defaultSource(config: config) }
        } catch { throw LogprofFailure(message: "\(error)") }

        ui.info("Updating AppArmor profiles in \(profileDir).")
        ui.info("Reading log entries from \(source.description).")
        var collector = LogprofEventCollector()
        do { try LogprofSources.read(source, mark: mark, into: &collector) } catch { throw LogprofFailure(message: "\(error)") }
        let policy = LogprofPolicy(dir: profileDir, customIncludes: config.customIncludes)
        let session = LogprofSession(policy: policy, config: config, severity: SeverityDB.load(configDir: configdir), items: collector.ordered())
        session.noAbstraction = noAbstraction
        session.tunableOptions = !json
        let driver = ReviewDriver(session: session, ui: ui)
        if driver.askAll() == .aborted { return }
        if session.changes.isEmpty {
            ui.info(Self.nothingMessage(collector.stats, session, source: source.description, dir: profileDir))
            return
        }
        try save(session, ui: ui, profileDir: profileDir)
    }

    static func nothingMessage(_ s: LogStatistics, _ session: LogprofSession, source: String, dir: String) -> String {
        if s.appArmorRecords == 0 { return "No AppArmor records found in \(source): nothing to do." }
        if s.events == 0 { return "The AppArmor records in \(source) ask for no rules (status and audit records only)." }
        var parts: [String] = []
        if session.alreadyAllowed > 0 { parts.append("\(session.alreadyAllowed) request(s) already allowed by the profiles") }
        if !session.unknownProfiles.isEmpty {
            parts.append("records for profiles not in \(dir): " + session.unknownProfiles.sorted().joined(separator: ", "))
        }
        if session.asked > 0 { parts.append("\(session.asked) question(s) answered without changes") }
        return "No changes: " + (parts.isEmpty ? "nothing to ask." : parts.joined(separator: "; ") + ".")
    }

    func save(_ session: LogprofSession, ui: ReviewUI, profileDir: String) throws {
        func planned() throws -> [PlannedFile] {
            do {
                return try LogprofApply.plan(LogprofPlan(profileDir: profileDir, local: local, changes: session.changes), outputDir: outputDir)
            } catch { throw LogprofFailure(message: "\(error)") }
        }
        if dryRun || planOut != nil {
            if let out = planOut {
                let plan = LogprofPlan(profileDir: profileDir, local: local, changes: session.changes)
                do { try plan.encoded().write(to: URL(fileURLWithPath: out)) } catch { throw LogprofFailure(message: "cannot write \(out): \(error.localizedDescription)") }
            }
            if dryRun { FileHandle.standardOutput.write(Data(try planned().map { $0.diff() }.joined().utf8)) }
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
                try write(session, ui: ui, profileDir: profileDir, files: planned())
                return
            case .saveSelected:
                guard sel >= 0 && sel < names.count else { continue }
                session.keepOnly([names[sel]])
                try write(session, ui: ui, profileDir: profileDir, files: planned())
                return
            case .viewChanges, .viewClean:
                ui.showChanges(try planned().map { $0.diff() }.joined())
            case .abort:
                if ui.yesNo("Are you sure you want to abandon this set of profile changes and exit?", default: false) {
                    ui.info("Abandoning all changes.")
                    return
                }
            default: continue
            }
        }
    }

    func write(_ session: LogprofSession, ui: ReviewUI, profileDir: String, files: [PlannedFile]) throws {
        try LogprofWriter.write(files, reload: !noReload && outputDir == nil, folder: profileDir, info: ui.info)
        for name in session.changedTopProfiles { ui.info("Writing updated profile for \(name).") }
    }
}

struct LogprofFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
