import AppArmorPolicy
import ArgumentParser
import AuditLog
import FoundationEssentials
import ProfileTools
#if canImport(Glibc)
import Glibc
#endif
import SystemAppArmor

struct DecodeLogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode-log",
        abstract: "Decode AppArmor audit records from audit.log, syslog, dmesg or journald output.",
        discussion: """
        Reads FILE (or standard input for '-') as a stream. Formats: test-multi (libapparmor's \
        test_multi layout), json (one object per record), profile (the profiles logprof would \
        write, every exec answered inherit), summary (counts per event type and profile).
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case testMulti = "test-multi", json, profile, summary
    }

    @Option(name: .long, help: "Output format: test-multi, json, profile or summary.")
    var format: Format = .summary

    @Flag(name: .long, help: "Read the journal by running 'journalctl -o json' (kernel and audit entries).")
    var journal = false

    @OptionGroup var target: RuleTargetFlags
    @Option(name: [.customShort("d"), .customLong("dir")], help: "With --format profile: the profile folder whose abi/ files --abi names (default: /etc/apparmor.d).")
    var dir: String = "/etc/apparmor.d"

    @Argument(help: "The log file, or '-' for standard input.")
    var file: String?

    func validate() throws {
        if journal == (file != nil) {
            throw ValidationError("give either a log FILE (or '-') or --journal")
        }
    }

    func run() throws {
        let source: LineSource
        var journalctl: Subprocess.Running? = nil
        let file = self.file ?? "journal"
        if journal {
            let started = try Subprocess.reading(SystemPrograms.first(["/usr/bin/journalctl", "/bin/journalctl"]) ?? "/usr/bin/journalctl", ["-o", "json", "--no-pager", "_TRANSPORT=kernel", "+", "_TRANSPORT=audit"])
            journalctl = started.child
            source = LineSource(fd: started.output)
        } else if file == "-" {
            source = LineSource(fd: 0)
        } else {
            if PosixFiles.kind(file) == .directory { throw DecodeLogError.isFolder(file) }
            guard let s = LineSource(path: file) else {
                throw DecodeLogError.cannotOpen(file)
            }
            source = s
        }
        var out = OutputBuffer(fd: 1)
        let label = file == "-" ? "-" : String(file.split(separator: "/").last ?? Substring(file))
        switch format {
        case .testMulti:
            AuditLogReader(source: source).forEachRecord { record, _ in
                out.write(TestMultiFormat.render(record, file: label))
            }
        case .json:
            AuditLogReader(source: source, onlyAppArmor: true).forEachRecord { record, line in
                out.write(RecordJSON.render(record, line: line))
                out.write([0x0A])
            }
        case .summary:
            // A regular file is read in parts at once (counts add up in any order).
            var st = stat()
            let summary = !journal && file != "-" && fstat(source.fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
                ? LogSummary.of(fd: source.fd, size: Int(st.st_size), threads: min(Processors.available, 8))
                : LogSummary.read(source)
            out.write(Array(summary.render().utf8))
        case .profile:
            var builder = ProfileProposalBuilder(target: RuleTargets(options: target.options, profileDir: dir).target(abi: nil))
            AuditLogReader(source: source, onlyAppArmor: true).forEachRecord { record, line in
                let before = builder.refused.count
                builder.add(record)
                for r in builder.refused[before...] {
                    // A record that gives no valid rule is left out, and said so; the rest goes on.
                    StandardStream.standardError.write(Data("aaswift decode-log: \(label):\(line): skipped a record of \(String(decoding: r.profile, as: UTF8.self)): \(r.reason)\n".utf8))
                }
            }
            out.write(builder.renderProfiles())
        }
        out.flush()
        _ = journalctl?.wait()
    }
}

enum DecodeLogError: Error, CustomStringConvertible {
    case cannotOpen(String)
    case isFolder(String)
    var description: String {
        switch self {
        case .isFolder(let f): return "\(f) is a folder: give a log file"
        case .cannotOpen(let f): return "cannot open \(f): \(String(cString: strerror(errno)))"
        }
    }
}

