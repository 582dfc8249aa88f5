import ArgumentParser
import AuditLog
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif
import ProfileTools
import SystemAppArmor

struct NotifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify",
        abstract: "Show AppArmor denials as they happen, or count the recent ones.",
        discussion: """
        -p follows the kernel's records live and prints one line per denial (--json: one object \
        per event), and sends a desktop notification through notify-send when a session bus is \
        there (rate-limited: the first denial of a profile at once, then "N more denials for \
        PROFILE in 5 s"). Each notification offers 'aaswift logprof' for the record. -s DAYS and \
        -l count the denials since a time instead (-v lists them).

        Records come from the kernel's audit netlink socket when auditd does not own the audit \
        channel (needs CAP_AUDIT_READ), else auditd's log, the journal, syslog or the kernel's ring \
        buffer; --source picks one, -v says which. notify.conf (/etc/apparmor/notify.conf, then \
        ~/.apparmor/notify.conf or ~/.config/apparmor/notify.conf) is read as upstream's aa-notify \
        reads it: show_notifications, use_group (only its members may run notify), message_body, \
        message_footer and the filter.KEY patterns.
        """
    )

    @Flag(name: [.short, .long], help: "Follow the log and show each denial as it happens.")
    var poll = false
    @Option(name: [.customShort("s"), .customLong("since-days")], help: ArgumentHelp("Count the denials of the last NUM days (alone or with -p).", valueName: "NUM"))
    var sinceDays: Int?
    @Flag(name: [.customShort("l"), .customLong("since-last")], help: "Count the denials since your last login.")
    var sinceLast = false
    @Option(name: [.short, .long], help: "Read FILE instead of the system's log.")
    var file: String?
    @Option(name: .long, help: ArgumentHelp(ArgumentHelpText.source, valueName: "SOURCE"))
    var source: String?
    @Option(name: [.short, .long], help: "When run as root: the user to become once the log is open (desktop notifications go to their session).")
    var user: String?
    @Option(name: [.short, .long], help: ArgumentHelp("With -p: ignore what is logged in the first NUM seconds.", valueName: "NUM"))
    var wait: Int?
    @Flag(name: [.short, .long], help: "List the denials with the counts; say which source is read.")
    var verbose = false
    @Option(name: .long, help: "The X display for desktop notifications (sudo may reset DISPLAY).")
    var display: String?
    @Flag(name: .long, help: "One JSON object per event on standard output (no desktop notifications).")
    var json = false
    @Option(name: .customLong("profile"), help: "Only records of this profile (repeatable).")
    var profiles: [String] = []
    @Option(name: .customLong("operation"), help: "Only records of this operation (repeatable).")
    var operations: [String] = []
    @Option(name: .customLong("name"), help: ArgumentHelp("Only records whose name matches this extended regular expression.", valueName: "ERE"))
    var name: String?
    @Option(name: .long, help: "The folder holding notify.conf.")
    var configdir: String = "/etc/apparmor"

    func validate() throws {
        if !poll && sinceDays == nil && !sinceLast {
            throw ValidationError("nothing to do: give -p (follow), -s DAYS or -l (since last login)")
        }
        if let d = sinceDays, d < 0 { throw ValidationError("--since-days must be 0 or more") }
        if let w = wait, w < 0 { throw ValidationError("--wait must be 0 or more") }
        if wait != nil && !poll { throw ValidationError("--wait needs -p") }
        if file != nil && source != nil { throw ValidationError("--file and --source cannot be used together") }
    }

    func run() throws {
        let config = NotifyConfig.load(configDir: configdir)
        for k in config.unknownKeys { LiveRecords.warn("warning: unknown notify.conf key '\(k)'") }
        if let group = config.useGroup, !NotifyAccess.isMember(of: group) {
            throw CLIError("user \(NotifyAccess.userName()) is not a member of group '\(group)' (notify.conf's use_group)")
        }
        var filter = AuditRecordFilter()
        filter.profiles = profiles
        filter.operations = operations
        filter.keepsStatus = false
        filter.outcomes = [.denied]
        for (key, pattern) in config.filters where !filter.addPattern(key: key, pattern: pattern) {
            LiveRecords.warn("warning: notify.conf: filter.\(key): unknown key or bad pattern '\(pattern)'")
        }
        let nameRegex = try name.map { n -> PosixRegex in
            guard let m = PosixRegex(n, extended: true) else { throw ValidationError("--name: not a valid regular expression: \(n)") }
            return m
        }
        var out = OutputBuffer(fd: 1)
        let summarySince: Int?
        if sinceLast {
            let who = ProcessInfo.processInfo.environment["SUDO_USER"] ?? NotifyAccess.userName()
            guard let t = LastLogin.find(user: who) else { throw CLIError("could not find the last login of \(who) in /var/log/wtmp") }
            summarySince = t
        } else if let d = sinceDays {
            summarySince = Int(Date().timeIntervalSince1970) - d * 86_400
        } else {
            summarySince = nil
        }
        if let since = summarySince {
            var f = filter
            f.since = since
            let s = try LiveRecords.open(source, file: file, follow: false, verbose: verbose)
            var count = 0
            LiveRecords.read(s, { step in
                if case .record(let r, let context) = step, f.accepts(r), nameRegex?.matches(r.name) != false {
                    count += 1
                    if json { out.write(RecordJSON.render(r, line: count, context: context)); out.write("\n") }
                    else if verbose { out.write(RecordLine.render(r, context: context, color: Terminal.useColor(fd: 1)) + "\n") }
                }
                return true
            })
            if json {
                out.write(JSONOutput.dense(["denials": .integer(count), "since": .integer(since)]) + "\n")
            } else {
                out.write("AppArmor denials: \(count) (since \(RecordLine.timeText(since)))\n")
            }
            out.flush()
        }
        guard poll else { return }
        try follow(filter: filter, nameRegex: nameRegex, config: config)
    }

    private func follow(filter: AuditRecordFilter, nameRegex: PosixRegex?, config: NotifyConfig) throws {
        let s = try LiveRecords.open(source, file: file, follow: true, verbose: verbose)
        if let user { try NotifyAccess.become(user) }
        if let display { setenv("DISPLAY", display, 1) }
        let desktop = json ? nil : DesktopNotifier(config: config, logHint: file ?? LiveRecords.logHint(s))
        if verbose, desktop?.available == false { LiveRecords.warn("note: no session bus: no desktop notifications") }
        let color = Terminal.useColor(fd: 1)
        let quietUntil = Date().timeIntervalSince1970 + Double(wait ?? 0)
        var count = 0
        var out = OutputBuffer(fd: 1)
        LiveRecords.read(s, { step in
            let now = Date().timeIntervalSince1970
            switch step {
            case .record(let r, let context):
                guard now >= quietUntil, filter.accepts(r), nameRegex?.matches(r.name) != false else { break }
                count += 1
                if json { out.write(RecordJSON.render(r, line: count, context: context)); out.write("\n") }
                else { out.write(RecordLine.render(r, context: context, color: color) + "\n") }
                desktop?.denial(r, now: now)
            case .lost(let n, let why):
                LiveRecords.warn(LiveRecords.lostMessage(n, why))
                if json { out.write(JSONOutput.dense(["event": .string("LOST"), "lost": .integer(n), "reason": .string(why)]) + "\n") }
            case .idle:
                desktop?.tick(now: now)
            }
            out.flush()
            return true
        })
        out.flush()
    }
}
