import AppArmorEdit
import ArgumentParser
import FoundationEssentials
import ProfileTools
import AppArmorPolicy
#if canImport(Glibc)
import Glibc
#endif

struct GenprofCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "genprof",
        abstract: "Profile a program interactively.",
        discussion: """
        Creates a profile for PROGRAM when it has none, puts it in complain mode, and then loops: \
        run the program in another terminal, press S to review what it did since genprof started, \
        F to finish, which puts the profile back in enforce mode.

        Records are collected live from the moment genprof starts: from the kernel's audit \
        netlink socket when auditd does not own the audit channel (so a machine without auditd \
        works), else auditd's log, the journal, syslog or the kernel's ring buffer. --source \
        picks one; -f reads a log file instead.
        """
    )

    @Option(name: [.customShort("d"), .customLong("dir")], help: "The profile folder (default: /etc/apparmor.d).")
    var dir: String?
    @Option(name: [.customShort("f"), .customLong("file")], help: "The log file to watch.")
    var file: String?
    @Flag(name: [.customShort("j"), .customLong("json")], help: "Speak upstream's JSON dialog (version 2.12) on stdin/stdout.")
    var json = false
    @Flag(name: .long, help: "Do not suggest abstractions.")
    var noAbstraction = false
    @Option(name: [.customShort("o"), .customLong("output-dir")], help: "Write changed profiles to this folder instead.")
    var outputDir: String?
    @Flag(name: .long, help: "Do not reload changed profiles.")
    var noReload = false
    @Option(name: .long, help: "The folder holding logprof.conf and severity.db.")
    var configdir: String = "/etc/apparmor"
    @OptionGroup var ruleTarget: RuleTargetFlags
    @Option(name: .long, help: ArgumentHelp(ArgumentHelpText.source, valueName: "SOURCE"))
    var source: String?
    @Flag(name: [.short, .long], help: "Say where records are read from.")
    var verbose = false
    @Argument(help: "The program to profile.")
    var program: String

    func run() throws {
        let config = LogprofConfig.load(configDir: configdir)
        let profileDir = dir ?? config.profileDirs.first { FileManager.default.fileExists(atPath: $0) } ?? "/etc/apparmor.d"
        let path: String
        do { path = try GenprofSetup.resolveProgram(program) } catch { throw LogprofFailure(message: "\(error)") }
        let runner = ModeRunner(folder: profileDir, reloader: LoaderModeReloader())
        let options = ModeRunOptions(noReload: noReload)
        if !noReload && !LoaderModeReloader().isAppArmorEnabled { throw LogprofFailure(message: ModeRunner.notEnabledMessage) }
        let ui: ReviewUI = json ? JSONReviewUI.standard() : TTYReviewUI()

        var target = LogprofPolicy(dir: profileDir).profileName(forProgram: path)
        if target == nil {
            do {
                let p = try GenprofSetup.autodep(program: path, dir: profileDir, flags: ["complain"], target: ruleTarget.options)
                ui.info("Writing profile for \(path) to \(PathNames.appending(profileDir, p.fileName)).")
                target = p.name
            } catch { throw LogprofFailure(message: "\(error)") }
        }
        let setComplain = runner.run(.complain, arguments: [path], options: options)
        for line in setComplain.info { ui.info(line) }
        for e in setComplain.errors { ui.important(e) }

        let (source, capture) = try LiveCaptureSource.start(file: file, source: self.source, verbose: verbose, ui: ui)
        defer { capture?.stop() }
        var offset = LogprofSources.size(of: source)
        let started = Self.journalTime()
        ui.info("""

        Please start the application to be profiled in another window and exercise its functionality now.

        Once completed, select the "Scan" option below in order to scan the system logs for AppArmor events.

        For each AppArmor event, you will be given the opportunity to choose whether the access should be allowed or denied.
        """)
        let review = LogprofReview(profileDir: profileDir, config: config, configDir: configdir, noAbstraction: noAbstraction,
                                   outputDir: outputDir, noReload: noReload, tunableOptions: !json, target: ruleTarget.options)
        while true {
            let prompt = LogprofPrompt(title: nil, headers: [("Profiling", .text(path))], explanation: nil, options: [], selected: 0,
                                       commands: [.scan, .finish], defaultCommand: .scan)
            let (cmd, _) = ui.ask(prompt)
            if cmd == .scan {
                LiveCaptureSource.reportLoss(capture, ui: ui)
                let now = LogprofSources.size(of: source)
                var s = source
                if case .journal = source { s = .journal(since: started, boot: false) }
                try review.run(ui: ui, source: s, mark: nil, offset: offset)
                offset = now
            } else if cmd == .finish || cmd == .abort {
                break
            }
        }
        let enforce = runner.run(.enforce, arguments: [path], options: options)
        for line in enforce.info { ui.info(line) }
        for e in enforce.errors { ui.important(e) }
        ui.info("Finished generating profile for \(path).")
    }

    static func journalTime() -> String {
        // strftime, not DateFormatter (which needs ICU): local time, as journalctl --since reads it.
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        let n = strftime(&buffer, buffer.count, "%Y-%m-%d %H:%M:%S", &parts)
        return String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
