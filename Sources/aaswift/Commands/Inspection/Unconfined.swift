import ArgumentParser
import FoundationEssentials
import SystemAppArmor

struct UnconfinedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unconfined",
        abstract: "List network-facing processes and whether a profile confines them (aa-unconfined).",
        discussion: """
            Lists the processes that hold a listening TCP or UDP socket (--show=server, the \
            default), any network socket (--show=network), or a connected one (--show=client), \
            or every process (--paranoid, --show=all), one line each: 'PID PROGRAM not \
            confined' or 'PID PROGRAM confined by 'LABEL (MODE)''. Interpreters (sh, bash, \
            perl, python) show their command line. The socket tables (/proc/net/tcp, udp, raw, \
            packet and their v6 forms) and each process's fd links are read directly: no ss \
            or netstat runs, so --with-ss and --with-netstat are accepted and change nothing; \
            --configdir is accepted too. Names are escaped as upstream escapes them. A process \
            in prompt mode counts as confined (upstream lists it as not confined). Run it as \
            root to see every process's sockets. Without AppArmor, or with --paranoid and \
            another --show, or an unknown --show, it fails (exit 1) with upstream's message.

            Example: aaswift unconfined --short   # only the unconfined ones
            """
    )

    @Flag(help: "Every process, not only those with sockets (same as --show=all).")
    var paranoid = false

    @Option(help: "Which processes: server (listening sockets, the default), network (any socket), client (connected sockets), all.")
    var show: String?

    @Flag(name: .customLong("with-ss"), help: "Accepted for upstream's command line; the tables are read directly.")
    var withSs = false

    @Flag(name: .customLong("with-netstat"), help: "Accepted for upstream's command line; the tables are read directly.")
    var withNetstat = false

    @Flag(help: "List only the processes no profile confines.")
    var short = false

    @Flag(help: "Print the list as JSON.")
    var json = false

    @Option(name: .long, help: "Accepted for upstream's command line (unconfined reads no configuration).")
    var configdir: String?

    func validate() throws {
        if withSs && withNetstat { throw ValidationError("--with-ss and --with-netstat are mutually exclusive") }
    }

    /// The processes to list (upstream's checks and messages, exit 1), else the error.
    static func selection(paranoid: Bool, show: String?) -> Result<String, CLIError> {
        if paranoid, let show, show != "all" { return .failure(CLIError("Arguments --paranoid and --show=\(show) conflict")) }
        let chosen = show ?? (paranoid ? "all" : "server")
        guard chosen == "all" || NetworkSockets.Selection(rawValue: chosen) != nil else {
            return .failure(CLIError("Argument --show invalid value '\(chosen)'"))
        }
        return .success(chosen)
    }

    func run() throws {
        let kernel = AppArmorKernel(useLibAppArmor: false)
        var problem: CLIError?
        var show = "server"
        switch Self.selection(paranoid: paranoid, show: self.show) {
        case .success(let s): show = s
        case .failure(let e): problem = e
        }
        if problem == nil, kernel.mountPoint == nil {
            problem = CLIError("It seems AppArmor was not started. Please enable AppArmor and try again.")
        }
        if let problem {
            // As upstream's tools report an AppArmorException.
            StandardStream.standardError.write(Data("\nERROR: \(problem)\n".utf8))
            throw ExitCode(1)
        }
        let pids: [Int32]
        if show == "all" {
            pids = kernel.pids() ?? []
        } else {
            pids = NetworkSockets(root: kernel.root).pids(NetworkSockets.Selection(rawValue: show)!)
        }
        let entries = kernel.unconfinedEntries(pids: pids).filter { !short || $0.confinedBy == nil }
        if json {
            print(JSONOutput.array(entries.map { e in
                .object([("pid", .integer(Int(e.pid))), ("program", .string(e.program)), ("command_line", .string(e.commandLine)),
                         ("confined", .bool(e.confinedBy != nil)), ("label", e.confinedBy.map(JSONOutput.string) ?? .null)])
            }).dense)
            return
        }
        var out = OutputBuffer(fd: 1)
        for e in entries { out.write(e.line + "\n") }
        out.flush()
    }
}
