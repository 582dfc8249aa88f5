// The keys of an AppArmor record's key list, what kind of value each takes, and which field it
// sets. Follows libapparmor's grammar (label/peer_label are synonyms of profile/peer_profile,
// exe/comm share a field, capname and target set name and name2, ...).

/// How a value is written after `key=`.
enum ValueKind: Sendable {
    case quoted          // "text"
    case safe            // "text" or an upper-case hex string
    case digits          // 123
    case errorCode       // 13 or -13 (the sign is dropped, as upstream does)
    case proto           // "tcp" or a protocol number
    case address         // a bare address token (IPv4/IPv6) or "text"
    case identifier      // a bare word (signal=term)
    case apparmor        // "DENIED", "ALLOWED", ...
    case auditType       // type=1503 inside a key list
    case optionalSafe    // ? or "text" or hex (hostname=, terminal=)
    case unixAddress     // none, ? or "text"
    case userMessage     // msg='...' of a USER_AVC record
}

/// The record field a key sets.
enum RecordField: Sendable {
    case operation, name, name2, namespace, profile, peerProfile, comm, deniedMask, requestedMask
    case attribute, task, parent, magicToken, info, peerInfo, peer, pid, peerPid, family, sockType
    case proto, errorCode, fsuid, ouid, localAddr, foreignAddr, localPort, foreignPort, dbusBus
    case dbusPath, dbusInterface, dbusMember, signal, fsType, flags, srcName, recordClass, execpath
    case netAddr, peerAddr, ignored, event, userMessage
}

struct KeySpec: Sendable {
    let kind: ValueKind
    let field: RecordField
}

/// A key packed into two words and a length, for a cheap dictionary lookup.
struct KeyCode: Hashable, Sendable {
    var a: UInt64 = 0
    var b: UInt64 = 0
    var count: Int = 0

    init() {}

    /// Puts the byte at `k` (0-based) of a key in its place (bytes past 16 are left out; such a
    /// key has no code).
    @inline(__always) mutating func add(_ byte: UInt8, at k: Int) {
        if k < 8 { a |= UInt64(byte) &<< UInt64(k &* 8) } else if k < 16 { b |= UInt64(byte) &<< UInt64((k &- 8) &* 8) }
    }

    /// The code of a table key (16 bytes at most).
    init(_ s: StaticString) {
        precondition(s.utf8CodeUnitCount <= 16, "a table key has at most 16 bytes")
        for k in 0..<s.utf8CodeUnitCount { add(s.utf8Start[k], at: k) }
        count = s.utf8CodeUnitCount
    }
}

/// An open-addressing table from key codes to specs, probed with a multiplicative hash: cheaper
/// than a Dictionary's seeded hashing on the parser's hot path.
struct KeyTable: Sendable {
    private var codes: [KeyCode?]
    private var specs: [KeySpec?]
    private let mask: Int

    init(_ entries: [KeyCode: KeySpec]) {
        let size = 256
        mask = size - 1
        codes = Array(repeating: nil, count: size)
        specs = Array(repeating: nil, count: size)
        for (code, spec) in entries {
            var slot = Self.slot(code, mask)
            while codes[slot] != nil { slot = (slot + 1) & mask }
            codes[slot] = code
            specs[slot] = spec
        }
    }

    @inline(__always) static func slot(_ c: KeyCode, _ mask: Int) -> Int {
        let h = (c.a &* 0x9E37_79B9_7F4A_7C15) ^ (c.b &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(c.count)
        return Int(truncatingIfNeeded: h >> 40) & mask
    }

    @inline(__always) subscript(_ c: KeyCode) -> KeySpec? {
        var slot = Self.slot(c, mask)
        while let code = codes[slot] {
            if code == c { return specs[slot] }
            slot = (slot + 1) & mask
        }
        return nil
    }
}

enum RecordKeys {
    static let table = KeyTable(entries)

    static let entries: [KeyCode: KeySpec] = {
        let entries: [(StaticString, ValueKind, RecordField)] = [
            ("operation", .quoted, .operation),
            ("name", .safe, .name),
            ("name2", .safe, .name2),
            ("namespace", .safe, .namespace),
            ("profile", .safe, .profile),
            ("label", .safe, .profile),
            ("peer_profile", .safe, .peerProfile),
            ("peer_label", .safe, .peerProfile),
            ("comm", .safe, .comm),
            ("exe", .safe, .comm),
            ("target", .quoted, .name2),
            ("mask", .quoted, .deniedMask),
            ("denied_mask", .quoted, .deniedMask),
            ("denied", .quoted, .deniedMask),
            ("requested_mask", .quoted, .requestedMask),
            ("requested", .quoted, .requestedMask),
            ("attribute", .quoted, .attribute),
            ("task", .digits, .task),
            ("parent", .digits, .parent),
            ("magic_token", .digits, .magicToken),
            ("info", .quoted, .info),
            ("peer_info", .quoted, .peerInfo),
            ("peer", .quoted, .peer),
            ("pid", .digits, .pid),
            ("peer_pid", .digits, .peerPid),
            ("family", .quoted, .family),
            ("sock_type", .quoted, .sockType),
            ("protocol", .proto, .proto),
            ("type", .auditType, .event),
            ("error", .errorCode, .errorCode),
            ("fsuid", .digits, .fsuid),
            ("ouid", .digits, .ouid),
            ("FSUID", .quoted, .ignored),
            ("OUID", .quoted, .ignored),
            ("sauid", .digits, .ignored),
            ("hostname", .optionalSafe, .ignored),
            ("terminal", .optionalSafe, .ignored),
            ("addr", .unixAddress, .netAddr),
            ("peer_addr", .unixAddress, .peerAddr),
            ("apparmor", .apparmor, .event),
            ("capability", .digits, .ignored),
            ("capname", .quoted, .name),
            ("offset", .digits, .ignored),
            ("laddr", .address, .localAddr),
            ("saddr", .address, .localAddr),
            ("faddr", .address, .foreignAddr),
            ("daddr", .address, .foreignAddr),
            ("lport", .digits, .localPort),
            ("src", .digits, .localPort),
            ("fport", .digits, .foreignPort),
            ("dest", .digits, .foreignPort),
            ("bus", .quoted, .dbusBus),
            ("path", .quoted, .dbusPath),
            ("interface", .quoted, .dbusInterface),
            ("member", .quoted, .dbusMember),
            ("method", .quoted, .dbusMember),
            ("signal", .identifier, .signal),
            ("fstype", .quoted, .fsType),
            ("flags", .quoted, .flags),
            ("srcname", .quoted, .srcName),
            ("class", .quoted, .recordClass),
            ("execpath", .safe, .execpath),
            ("tcontext", .safe, .peerProfile),
            ("msg", .userMessage, .userMessage),
        ]
        var t: [KeyCode: KeySpec] = [:]
        for (k, kind, field) in entries { t[KeyCode(k)] = KeySpec(kind: kind, field: field) }
        return t
    }()

    /// Protocol numbers as libapparmor names them (`ip` for 0, `unknown(N)` for the rest).
    static func protocolName(_ n: Int) -> String {
        switch n {
        case 0: return "ip"
        case 1: return "icmp"
        case 2: return "igmp"
        case 4: return "ipip"
        case 6: return "tcp"
        case 8: return "egp"
        case 12: return "pup"
        case 17: return "udp"
        case 22: return "idp"
        case 29: return "tp"
        case 33: return "dccp"
        case 41: return "ipv6"
        case 46: return "rsvp"
        case 47: return "gre"
        case 50: return "esp"
        case 51: return "ah"
        case 58: return "icmpv6"
        case 92: return "mtp"
        case 94: return "beetph"
        case 98: return "encap"
        case 103: return "pim"
        case 108: return "comp"
        case 115: return "l2tp"
        case 132: return "sctp"
        case 136: return "udplite"
        case 137: return "mpls"
        case 143: return "ethernet"
        case 255: return "raw"
        case 262: return "mptcp"
        default: return "unknown(\(n))"
        }
    }
}
