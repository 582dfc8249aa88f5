/// The sockets of the kernel's tables (/proc/net/tcp, udp, raw, packet and their v6
/// forms), and the processes that hold them (/proc/<pid>/fd), read directly: what
/// aa-unconfined asks ss(8) or netstat(8) for.
public struct NetworkSockets: Sendable {
    /// Which sockets count: as `ss -nlp` (listening, the default), `ss -nap` (all) or
    /// `ss -np` (connected).
    public enum Selection: String, Sendable, CaseIterable {
        case server, network, client
    }

    public struct Socket: Sendable, Equatable {
        public var table: String
        public var inode: UInt64
        /// The hex state of the tables (`0A` listen, `07` unconnected, `01` established...).
        public var state: String
    }

    public let root: SystemRoot

    public init(root: SystemRoot = .live) { self.root = root }

    public static let tables = ["tcp", "tcp6", "udp", "udp6", "raw", "raw6", "packet"]

    /// Every socket of the tables.
    public func sockets() -> [Socket] {
        var out: [Socket] = []
        for table in Self.tables {
            guard let text = root.readText("/proc/net/" + table) else { continue }
            out += Self.parse(text, table: table)
        }
        return out
    }

    /// One table's rows. The inet tables have `sl local rem st ... uid timeout inode`;
    /// packet has `sk RefCnt Type Proto Iface R Rmem User Inode`.
    public static func parse(_ text: String, table: String) -> [Socket] {
        var out: [Socket] = []
        for line in text.split(separator: "\n").dropFirst() {
            let f = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if table == "packet" {
                guard f.count >= 9, let inode = UInt64(f[8]) else { continue }
                out.append(Socket(table: table, inode: inode, state: "07"))
            } else {
                guard f.count >= 10, let inode = UInt64(f[9]) else { continue }
                out.append(Socket(table: table, inode: inode, state: String(f[3])))
            }
        }
        return out
    }

    /// Whether a socket is shown under a selection: listening (TCP LISTEN, or an unconnected
    /// UDP, raw or packet socket) for `server`, the others for `client`, all for `network`.
    public static func selected(_ s: Socket, _ selection: Selection) -> Bool {
        let listening = s.table.hasPrefix("tcp") ? s.state == "0A" : s.state == "07"
        switch selection {
        case .server: return listening
        case .client: return !listening
        case .network: return true
        }
    }

    /// The pids holding at least one selected socket, ascending.
    public func pids(_ selection: Selection) -> [Int32] {
        let inodes = Set(sockets().filter { Self.selected($0, selection) }.map(\.inode))
        guard !inodes.isEmpty, let names = root.list("/proc") else { return [] }
        var out: [Int32] = []
        for name in names {
            guard let pid = Int32(name), let fds = root.list("/proc/\(name)/fd") else { continue }
            for fd in fds {
                guard let target = root.readLink("/proc/\(name)/fd/\(fd)"), target.hasPrefix("socket:["),
                      let inode = UInt64(target.dropFirst(8).dropLast()) else { continue }
                if inodes.contains(inode) {
                    out.append(pid)
                    break
                }
            }
        }
        return out.sorted()
    }
}
