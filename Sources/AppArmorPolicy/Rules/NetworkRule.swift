import AppArmorSyntax

/// `network [perms] [domain] [type|protocol] [ip=ADDR] [port=PORT] [peer=(ip= port=)],`
public struct NetworkRule: Sendable {
    public var perms: [String]
    public var domain: String?
    public var typeOrProtocol: String?
    public var conditions: [RuleCondition]
}

enum NetworkRuleReader {
    static let perms: Set<String> = [
        "create", "bind", "listen", "accept", "connect", "shutdown", "getattr", "setattr", "getopt", "setopt",
        "send", "receive", "r", "w", "rw", "read", "write",
    ]
    /// Permissions about the local end only: no peer allowed.
    static let localPerms: Set<String> = ["create", "bind", "listen", "shutdown", "getattr", "setattr", "getopt", "setopt"]
    static let domains: Set<String> = [
        "unix", "inet", "ax25", "ipx", "appletalk", "netrom", "bridge", "atmpvc", "x25", "inet6", "rose", "netbeui",
        "security", "key", "netlink", "packet", "ash", "econet", "atmsvc", "rds", "sna", "irda", "pppox", "wanpipe",
        "llc", "ib", "mpls", "can", "tipc", "bluetooth", "iucv", "rxrpc", "isdn", "phonet", "ieee802154", "caif",
        "alg", "nfc", "vsock", "kcm", "qipcrtr", "smc", "xdp", "mctp", "route", "unspec",
    ]
    static let types: Set<String> = ["stream", "dgram", "seqpacket", "rdm", "raw", "packet"]
    static let protocols: Set<String> = ["tcp", "udp", "icmp", "icmpv6"]

    static func read(_ scope: RuleScope) -> RuleDetail? {
        var perms: [String] = []
        var domain: String?
        var typ: String?
        for e in scope.elements {
            switch e {
            case .word(let w, let t):
                if domain == nil, typ == nil, perms.isEmpty, NetworkRuleReader.perms.contains(w), !domains.contains(w) {
                    perms.append(w)
                } else if domain == nil, typ == nil, domains.contains(w) {
                    domain = w
                } else if typ == nil, types.contains(w) || protocols.contains(w) {
                    typ = w
                } else {
                    scope.error(.badValue, "unknown network domain, type or permission '\(w)'", t.textRange)
                    return nil
                }
            case .list(let items, _):
                guard perms.isEmpty, domain == nil else {
                    scope.error(.unexpectedElement, "permissions come first in a network rule", e.range)
                    return nil
                }
                for item in items {
                    guard let w = item.word, NetworkRuleReader.perms.contains(w) else {
                        scope.error(.badPermission, "unknown network permission '\(scope.result.source.text(item.range))'", item.range)
                        return nil
                    }
                    perms.append(w)
                }
            case .arrow(_, let n):
                scope.error(.unexpectedElement, "network rules take no '->'", n.textRange)
                return nil
            case .other(let r):
                scope.error(.unexpectedElement, "unexpected text in a network rule", r)
                return nil
            case .condition:
                continue
            }
        }
        guard let conds = scope.conditions(allowed: ["ip", "port", "interface", "label"], peerAllowed: ["ip", "port", "label"], family: "network") else { return nil }
        // What the named parser (--parser-version, or the installed one) cannot read: 3.0 takes
        // a domain and a type only; 4.x adds permissions and ip/port/peer; label and interface
        // are newer than 4.1.
        if let v = scope.session.givenVersion {
            if !v.readsNetworkAccess, !perms.isEmpty || !conds.isEmpty {
                scope.error(.featureUnsupported, scope.session.parserRefusal("network permissions and conditions need apparmor_parser 4.0 or later", "them"),
                            scope.ruleRange)
                return nil
            }
            if let c = conds.first(where: { !v.readsNetworkCondition($0.key) }) {
                scope.error(.featureUnsupported, scope.session.parserRefusal("'\(c.key)=' on a network rule is newer than apparmor_parser 4.1"), c.range)
                return nil
            }
        }
        if conds.contains(where: { $0.key == "ip" || $0.key == "port" }) {
            if let d = domain, d != "inet", d != "inet6" {
                scope.error(.badCondition, "ip and port conditions need the inet or inet6 domain", scope.ruleRange)
                return nil
            }
            if conds.contains(where: \.isPeer), let p = perms.first(where: { localPerms.contains($0) }) {
                scope.error(.badCondition, "a peer cannot be given with the '\(p)' permission", scope.ruleRange)
                return nil
            }
            for c in conds where c.key == "ip" || c.key == "port" {
                guard let v = c.values.first else { continue }
                let ok = c.key == "ip" ? validIPCondition(v) : validPortCondition(v)
                if !ok {
                    scope.error(c.key == "ip" ? .badNetworkAddress : .badPort, "invalid \(c.key) '\(v)'", c.range)
                    return nil
                }
            }
        }
        return .network(NetworkRule(perms: perms, domain: domain, typeOrProtocol: typ, conditions: conds))
    }

    /// `N` or `LO-HI`, 0...65535.
    static func validPortCondition(_ s: String) -> Bool {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2 else { return false }
        let nums = parts.map { p -> Int? in
            guard !p.isEmpty, p.allSatisfy(\.isNumber), let n = Int(p), n <= 65535 else { return nil }
            return n
        }
        guard nums.allSatisfy({ $0 != nil }) else { return false }
        return nums.count == 1 || nums[0]! <= nums[1]!
    }

    /// An address, `ADDR/BITS`, `LO-HI` of one family, or `none`.
    static func validIPCondition(_ s: String) -> Bool {
        if s == "none" { return true }
        if let slash = s.firstIndex(of: "/") {
            let addr = String(s[..<slash])
            let bits = s[s.index(after: slash)...]
            guard let fam = IPAddress.family(addr), !bits.isEmpty, bits.allSatisfy(\.isNumber), let n = Int(bits) else { return false }
            return n <= (fam == 4 ? 32 : 128)
        }
        if s.utf8.contains(UInt8(ascii: "-")) {
            // LO-HI, both of one family, in order.
            let parts = s.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2, let a = IPAddress.parse(parts[0]), let b = IPAddress.parse(parts[1]), a.count == b.count else { return false }
            return !b.lexicographicallyPrecedes(a)
        }
        return IPAddress.parse(s) != nil
    }
}

enum IPAddress {
    static func family(_ s: String) -> Int? {
        guard let b = parse(s) else { return nil }
        return b.count == 4 ? 4 : 6
    }

    /// The address bytes (4 or 16), or nil.
    static func parse(_ s: String) -> [UInt8]? {
        if !s.contains(":") {
            let parts = s.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 4 else { return nil }
            var out: [UInt8] = []
            for p in parts {
                guard !p.isEmpty, p.count <= 3, p.allSatisfy(\.isNumber), let n = Int(p), n <= 255 else { return nil }
                out.append(UInt8(n))
            }
            return out
        }
        let halves = s.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ t: String) -> [UInt16]? {
            if t.isEmpty { return [] }
            var out: [UInt16] = []
            let pieces = t.split(separator: ":", omittingEmptySubsequences: false)
            for (i, g) in pieces.enumerated() {
                // An IPv4 address ends an IPv6 one as its last 32 bits (`::ffff:192.0.2.1`),
                // as inet_pton and apparmor_parser take it.
                if i == pieces.count - 1, g.contains("."), let v4 = parse(String(g)), v4.count == 4 {
                    out += [UInt16(v4[0]) << 8 | UInt16(v4[1]), UInt16(v4[2]) << 8 | UInt16(v4[3])]
                    continue
                }
                guard !g.isEmpty, g.count <= 4, let v = UInt16(g, radix: 16) else { return nil }
                out.append(v)
            }
            return out
        }
        guard let head = groups(halves[0]) else { return nil }
        var all = head
        if halves.count == 2 {
            guard let tail = groups(halves[1]), head.count + tail.count < 8 else { return nil }
            all += Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        }
        guard all.count == 8 else { return nil }
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }
}
