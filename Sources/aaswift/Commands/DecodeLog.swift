import AppArmorPolicy
import ArgumentParser
import AuditLog
import Foundation
#if canImport(Glibc)
import Glibc
#endif

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

    @Argument(help: "The log file, or '-' for standard input.")
    var file: String?

    func validate() throws {
        if journal == (file != nil) {
            throw ValidationError("give either a log FILE (or '-') or --journal")
        }
    }

    func run() throws {
        let source: LineSource
        var journalctl: Process? = nil
        let file = self.file ?? "journal"
        if journal {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/journalctl")
            p.arguments = ["-o", "json", "--no-pager", "_TRANSPORT=kernel", "+", "_TRANSPORT=audit"]
            let pipe = Pipe()
            p.standardOutput = pipe
            try p.run()
            journalctl = p
            source = LineSource(fd: pipe.fileHandleForReading.fileDescriptor)
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
            var summary = LogSummary()
            AuditLogReader(source: source, onlyAppArmor: true).forEachRecord { record, _ in
                summary.add(record)
            }
            out.write(Array(summary.render().utf8))
        case .profile:
            var builder = ProfileProposalBuilder()
            AuditLogReader(source: source, onlyAppArmor: true).forEachRecord { record, _ in
                builder.add(record)
            }
            out.write(builder.renderProfiles())
        }
        out.flush()
        journalctl?.waitUntilExit()
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

