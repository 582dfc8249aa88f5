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
            or netstat runs, so --with-ss and --with-netstat are accepted and change nothing. \
            Run it as root to see every process's sockets.

            Example: aaswift unconfined --short   # only the unconfined ones
            """
    )

    @Flag(help: "Every process, not only those with sockets (same as --show=all).")
    var paranoid = false

    @Option(help: "Which processes: server (listening sockets), network (any socket), client (connected sockets), all.")
    var show: String = "server"

    @Flag(name: .customLong("with-ss"), help: "Accepted for upstream's command line; the tables are read directly.")
    var withSs = false

    @Flag(name: .customLong("with-netstat"), help: "Accepted for upstream's command line; the tables are read directly.")
    var withNetstat = false

    @Flag(help: "List only the processes no profile confines.")
    var short = false

    @Flag(help: "Print the list as JSON.")
    var json = false

    func validate() throws {
        guard show == "all" || NetworkSockets.Selection(rawValue: show) != nil else {
            throw ValidationError("--show must be all, server, network or client")
        }
        if withSs && withNetstat { throw ValidationError("--with-ss and --with-netstat are mutually exclusive") }
    }

    func run() throws {
        let kernel = AppArmorKernel(useLibAppArmor: false)
        let pids: [Int32]
        if paranoid || show == "all" {
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
