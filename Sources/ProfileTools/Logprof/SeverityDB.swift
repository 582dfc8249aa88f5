import AppArmorPolicy
import FoundationEssentials

/// A severity rank: 0-10, or unknown.
public enum Severity: Sendable, Equatable, CustomStringConvertible {
    case rank(Int)
    case unknown
    public var description: String {
        switch self {
        case .rank(let n): String(n)
        case .unknown: "unknown"
        }
    }
}

/// severity.db: ranks for capabilities and for paths by mode (`r`, `w`, `x`). Exact paths win;
/// otherwise the glob entries under the deepest matching folder decide (maximum over modes).
public struct SeverityDB: Sendable {
    struct GlobEntry: Sendable {
        var folder: [String]
        /// The rest of the path after the folder, as AARE with a trailing `**`: severity.db
        /// globs match a path's beginning.
        var matcher: AAREMatcher?
        var ranks: [Character: Int]
    }

    var capabilities: [String: Int] = [:]
    var files: [String: [Character: Int]] = [:]
    var globs: [GlobEntry] = []
    /// The glob entries by folder (`globKey`).
    var globsByFolder: [String: [Int]] = [:]

    /// The key of `globsByFolder`: the folder's depth and its parts (`rank` builds the same
    /// keys piece by piece).
    static func globKey(_ folder: ArraySlice<String>) -> String {
        String(folder.count) + "\u{0}" + folder.joined(separator: "/")
    }

    public init(text: String) {
        var globIndex: [String: Int] = [:]
        for raw in text.split(separator: "\n") {
            // Lines that start and end with a visible ASCII character need no trimming.
            let line: String
            if let f = raw.utf8.first, let l = raw.utf8.last, f > 0x20, f < 0x7F, l > 0x20, l < 0x7F {
                line = String(raw)
            } else {
                line = raw.trimmed()
            }
            if line.isEmpty || line.hasPrefix("#") { continue }
            let w = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            if line.hasPrefix("/"), w.count == 4, let r = Int(w[1]), let wr = Int(w[2]), let x = Int(w[3]) {
                let ranks: [Character: Int] = ["r": r, "w": wr, "x": x]
                let path = String(w[0].dropFirst())
                if !path.utf8.contains(UInt8(ascii: "*")) {
                    files[path] = ranks
                } else {
                    let pieces = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
                    let k = pieces.firstIndex(where: { $0.contains("*") })!
                    let entry = GlobEntry(folder: Array(pieces[..<k]), matcher: try? AAREMatcher(pieces[k...].joined(separator: "/") + "**"), ranks: ranks)
                    // As upstream's severity.py: a later line for the same glob replaces the
                    // earlier one (`/etc/shadow* 5 9 0` after `7 9 0` makes /etc/shadow 5).
                    if let i = globIndex[path] { globs[i] = entry } else {
                        globIndex[path] = globs.count
                        globs.append(entry)
                    }
                }
            } else if line.hasPrefix("CAP_"), w.count == 2, let n = Int(w[1]) {
                capabilities[w[0]] = n
            }
        }
        for (i, g) in globs.enumerated() { globsByFolder[Self.globKey(g.folder[...]), default: []].append(i) }
    }

    /// `/etc/apparmor/severity.db` (or `configDir`'s), else the built-in table.
    public static func load(configDir: String = "/etc/apparmor") -> SeverityDB {
        if let t = try? String(contentsOfFile: configDir + "/severity.db", encoding: .utf8) { return SeverityDB(text: t) }
        return SeverityDB(text: builtIn)
    }

    public func rank(capability name: String) -> Severity {
        capabilities["CAP_" + name.uppercased()].map(Severity.rank) ?? .unknown
    }

    /// The rank of a path: the highest of its `r`, `w` and `x` ranks among `modes` (other
    /// letters have no rank, as upstream).
    public func rank(path: String, modes: String) -> Severity {
        // An empty table (--allow-all shows no severity and reads none) ranks nothing.
        guard path.hasPrefix("/"), !files.isEmpty || !globs.isEmpty else { return .unknown }
        var keys: [Character] = []
        for m in modes.utf8 {
            switch m {
            case UInt8(ascii: "r"), UInt8(ascii: "w"), UInt8(ascii: "x"):
                let c = Character(UnicodeScalar(m))
                if !keys.contains(c) { keys.append(c) }
            default: break
            }
        }
        let rel = String(path.dropFirst())
        if let exact = files[rel] {
            return keys.compactMap { exact[$0] }.max().map(Severity.rank) ?? .unknown
        }
        let pieces = Array(rel.utf8).split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        var best: (depth: Int, rank: Int)? = nil
        // The entries whose folder is one of the path's leading folders (the best does not
        // depend on the order they are tried in).
        var candidates: [Int] = []
        var folder = ""   // pieces[..<k] joined, grown one piece at a time (globKey's form)
        for k in 0..<pieces.count {
            if k > 0 { folder += (k > 1 ? "/" : "") + pieces[k - 1] }
            candidates += globsByFolder[String(k) + "\u{0}" + folder] ?? []
        }
        for g in candidates.map({ globs[$0] }) {
            let rest = pieces[g.folder.count...].joined(separator: "/")
            guard let m = g.matcher, m.matches(rest) else { continue }
            guard let r = keys.compactMap({ g.ranks[$0] }).max() else { continue }
            if best == nil || g.folder.count > best!.depth || (g.folder.count == best!.depth && r > best!.rank) {
                best = (g.folder.count, r)
            }
        }
        return best.map { .rank($0.rank) } ?? .unknown
    }

    /// A short table used when no severity.db is installed.
    static let builtIn = """
    CAP_SYS_ADMIN 10
    CAP_SYS_MODULE 10
    CAP_SYS_PTRACE 10
    CAP_SYS_RAWIO 10
    CAP_MAC_ADMIN 10
    CAP_MAC_OVERRIDE 10
    CAP_SETUID 9
    CAP_SETGID 9
    CAP_DAC_OVERRIDE 9
    CAP_CHOWN 9
    CAP_NET_ADMIN 8
    CAP_NET_RAW 8
    CAP_KILL 8
    CAP_DAC_READ_SEARCH 7
    CAP_NET_BIND_SERVICE 8
    /etc/shadow 9 10 0
    /etc/passwd 4 10 0
    /etc/** 2 8 0
    /proc/** 6 9 0
    /dev/** 6 9 0
    /sys/** 4 8 0
    /boot/** 7 10 0
    /root/** 8 10 10
    /home/** 6 8 9
    /tmp/** 0 1 9
    /var/log/** 4 8 0
    /usr/lib/** 1 10 1
    /usr/bin/** 1 10 1
    /usr/sbin/** 1 10 1
    """
}
