import ArgumentParser
import AuditLog
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif
import ProfileTools

struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Show AppArmor records one per line, coloured: the system's log found by itself.",
        discussion: """
        Reads auditd's log, else the journal, else syslog (/var/log/kern.log, syslog, messages), \
        else the kernel's ring buffer (/dev/kmsg); --source picks one and -v says which. With \
        PROFILE names, only their records (and their hats' and children's). -f keeps following \
        the log (rotation and truncation survived, as tail -F). Names from the log are printed \
        with control characters as \\xNN.

        Examples:
          aaswift log --denied -b              this boot's denials
          aaswift log firefox --since -1h      the last hour of firefox's records
          aaswift log -f --json                every new record as a JSON object
        """
    )

    @Argument(help: "Only records of these profiles.")
    var profiles: [String] = []
    @Flag(name: .long, help: "Only DENIED records.")
    var denied = false
    @Flag(name: .long, help: "Only ALLOWED records (complain mode).")
    var allowed = false
    @Option(name: .customLong("operation"), help: "Only records of this operation (open, exec, capable...; repeatable).")
    var operations: [String] = []
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Records from this time on: 'YYYY-MM-DD[ HH:MM[:SS]]', '@EPOCH', or '-N' with s, m, h or d ('-2h').", valueName: "TIME"))
    var since: String?
    @Flag(name: [.customShort("b"), .customLong("boot")], help: "Records of the current boot only.")
    var boot = false
    @Flag(name: [.customShort("f"), .customLong("follow")], help: "Keep following the log.")
    var follow = false
    @Flag(name: .long, help: "One JSON object per record.")
    var json = false
    @Option(name: .long, help: ArgumentHelp(ArgumentHelpText.source, valueName: "SOURCE"))
    var source: String?
    @Flag(name: [.short, .long], help: "Say which source is read.")
    var verbose = false
    /// For test fixtures: writes the audit socket's raw datagrams (4-byte little-endian length,
    /// then the bytes) to FILE until N were written.
    @Option(name: .customLong("capture-netlink"), help: .hidden)
    var captureNetlink: String?
    @Option(name: .customLong("capture-count"), help: .hidden)
    var captureCount: Int = 100

    func validate() throws {
        if let since, LogTime.parse(since, now: 0) == nil {
            throw ValidationError("--since: cannot read '\(since)' (use 'YYYY-MM-DD[ HH:MM[:SS]]', '@EPOCH' or '-2h')")
        }
        if source == "netlink" && !follow { throw ValidationError("--source netlink keeps no history: add -f") }
    }

    func run() throws {
        if let path = captureNetlink { return try NetlinkCapture.run(path: path, count: captureCount) }
        var filter = AuditRecordFilter()
        filter.profiles = profiles
        filter.operations = operations
        if denied { filter.outcomes.insert(.denied) }
        if allowed { filter.outcomes.insert(.allowed) }
        let now = Int(Date().timeIntervalSince1970)
        var starts: [Int] = []
        if let since, let t = LogTime.parse(since, now: now) { starts.append(t) }
        if boot, let t = LogTime.bootTime() { starts.append(t) }
        filter.since = starts.max()
        var journalArguments: [String] = []
        if boot { journalArguments.append("-b") }
        if let t = filter.since { journalArguments += ["--since", "@\(t)"] }
        let s = try LiveRecords.open(source, follow: follow, fromStart: true, journalArguments: journalArguments, verbose: verbose)
        let color = Terminal.useColor(fd: 1)
        var out = OutputBuffer(fd: 1)
        var count = 0
        LiveRecords.read(s) { step in
            switch step {
            case .record(let r, let context):
                guard filter.accepts(r) else { return true }
                count += 1
                if json { out.write(RecordJSON.render(r, line: count, context: context)); out.write("\n") }
                else { out.write(RecordLine.render(r, context: context, color: color) + "\n") }
                if follow { out.flush() }
            case .lost(let n, let why):
                out.flush()
                LiveRecords.warn(LiveRecords.lostMessage(n, why))
            case .idle:
                out.flush()
            }
            return true
        }
        out.flush()
    }
}

/// `--since` values and the boot time.
enum LogTime {
    static func parse(_ text: String, now: Int) -> Int? {
        let t = text.trimmed()
        if t.hasPrefix("@") { return Int(t.dropFirst()) }
        if t.hasPrefix("-"), let unit = t.last, let n = Int(t.dropFirst().dropLast()), n >= 0 {
            switch unit {
            case "s": return now - n
            case "m": return now - n * 60
            case "h": return now - n * 3600
            case "d": return now - n * 86_400
            default: return nil
            }
        }
        // YYYY-MM-DD[ HH:MM[:SS]], local time.
        let halves = t.split(separator: " ", omittingEmptySubsequences: true)
        guard halves.count <= 2 else { return nil }
        let date = halves[0].split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        let clock = halves.count == 2 ? halves[1].split(separator: ":", omittingEmptySubsequences: false).map { Int($0) } : []
        guard date.count == 3, halves[0].count == 10, (halves.count == 1 || (2...3).contains(clock.count)),
              let y = date[0], let mo = date[1], let d = date[2], (1...12).contains(mo), (1...31).contains(d) else { return nil }
        let hms = clock.compactMap { $0 }
        guard hms.count == clock.count, hms.allSatisfy({ (0...59).contains($0) }), (hms.first ?? 0) < 24 else { return nil }
        var parts = tm()
        parts.tm_year = Int32(y - 1900)
        parts.tm_mon = Int32(mo - 1)
        parts.tm_mday = Int32(d)
        parts.tm_hour = Int32(hms.count > 0 ? hms[0] : 0)
        parts.tm_min = Int32(hms.count > 1 ? hms[1] : 0)
        parts.tm_sec = Int32(hms.count > 2 ? hms[2] : 0)
        parts.tm_isdst = -1
        let epoch = mktime(&parts)
        return epoch == -1 ? nil : Int(epoch)
    }

    /// The boot time, from /proc/stat's btime.
    static func bootTime() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("btime ") {
            return Int(line.dropFirst(6).trimmed())
        }
        return nil
    }
}

/// `log --capture-netlink FILE`: raw datagrams for Tests/AuditLogTests/Fixtures/netlink.
enum NetlinkCapture {
    static func run(path: String, count: Int) throws {
        let socket: AuditNetlinkSocket
        do { socket = try AuditNetlinkSocket() } catch { throw CLIError("\(error)") }
        let out = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard out >= 0 else { throw CLIError("cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { close(out) }
        var file = OutputBuffer(fd: out)
        var written = 0
        while written < count {
            guard case .datagram(let d) = socket.read(timeoutMilliseconds: -1) else { continue }
            let n = UInt32(d.count)
            file.write([UInt8(n & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 24)] + d)
            file.flush()
            written += 1
        }
    }
}
