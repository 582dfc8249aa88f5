import AppArmorPolicy

/// Finds the file rules that can match a path without running every rule's automaton: each
/// pattern's literal prefixes (one per branch of a leading alternation, so `{/root,/home/*}/`
/// gives `/root` and `/home/`) put it in a bucket by the prefix's leading folders (up to its
/// last `/`: `/srv/d1/f*` goes under `/srv/d1/`); a path is only tried against the buckets of
/// its own leading folders (`/`, `/srv/`, `/srv/d1/`...), found as the path is read once. So a
/// folder with thousands of rules (logprof adding them one by one) costs a path elsewhere
/// nothing, and a path below it only its own folders' rules.
public struct PathIndex {
    /// By a hash of the leading folders (two folders sharing a hash share a bucket: the prefix
    /// check sorts them out); each bucket's ids increase.
    private var buckets: [UInt64: [Int]] = [:]
    /// Patterns with no literal leading `/` (a variable left unexpanded, the empty prefix).
    private var general: [Int] = []
    private var prefixes: [[[UInt8]]] = []

    public init() {}

    /// Adds entry `id` (ids are given in increasing order) for a pattern.
    public mutating func add(_ id: Int, pattern: String) {
        add(id, prefixes: Self.literalPrefixes(pattern))
    }

    /// Adds entry `id` with the literal prefixes of its pattern.
    public mutating func add(_ id: Int, prefixes p: [[UInt8]]) {
        prefixes.append(p)
        var keys: [UInt64] = []
        for prefix in p {
            guard prefix.first == UInt8(ascii: "/"), let slash = prefix.lastIndex(of: UInt8(ascii: "/")) else {
                general.append(id)
                return
            }
            let key = Self.hash(prefix[...slash])
            if !keys.contains(key) { keys.append(key) }
        }
        for k in keys { buckets[k, default: []].append(id) }
    }

    /// The ids whose prefixes allow `path`, in increasing order.
    public func candidates(_ path: [UInt8]) -> [Int] {
        var ids = general
        if path.first == UInt8(ascii: "/") {
            var found: [Int] = []
            var h = Self.hashSeed
            for c in path {
                h = Self.hashStep(h, c)
                if c == UInt8(ascii: "/"), let b = buckets[h] { found += b }
            }
            if !found.isEmpty {
                // An entry with two prefixes on the path's folders is found twice.
                found.sort()
                var unique: [Int] = []
                unique.reserveCapacity(found.count)
                for id in found where unique.last != id { unique.append(id) }
                ids = Self.merge(ids, unique)
            }
        }
        return ids.filter { id in prefixes[id].contains { path.starts(with: $0) } }
    }

    /// FNV-1a, the same bytes hashed at once or one step at a time.
    static let hashSeed: UInt64 = 0xcbf2_9ce4_8422_2325
    @inline(__always) static func hashStep(_ h: UInt64, _ c: UInt8) -> UInt64 { (h ^ UInt64(c)) &* 0x100_0000_01b3 }

    public static func hash(_ b: ArraySlice<UInt8>) -> UInt64 {
        var h = hashSeed
        for c in b { h = hashStep(h, c) }
        return h
    }

    public static func merge(_ a: [Int], _ b: [Int]) -> [Int] {
        var out: [Int] = []
        out.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if j == b.count || i < a.count && a[i] < b[j] {
                out.append(a[i]); i += 1
            } else if i < a.count && a[i] == b[j] {
                out.append(a[i]); i += 1; j += 1
            } else {
                out.append(b[j]); j += 1
            }
        }
        return out
    }

    /// The literal prefixes of a pattern (at most 32; beyond that, the empty prefix). The
    /// common case, a pattern without a `{` before its first wildcard, is read off the text;
    /// others go through the parsed pattern.
    public static func literalPrefixes(_ pattern: String) -> [[UInt8]] {
        var out: [UInt8] = []
        for b in pattern.utf8 {
            switch b {
            case UInt8(ascii: "*"), UInt8(ascii: "?"), UInt8(ascii: "["): return [out]
            case UInt8(ascii: "{"), UInt8(ascii: "\\"):
                guard let p = try? AAREPattern(pattern) else { return [[]] }
                return literalPrefixes(p.root)
            default: out.append(b)
            }
        }
        return [out]
    }

    public static func literalPrefixes(_ node: AARENode) -> [[UInt8]] {
        var out: [[UInt8]] = []
        var prefix: [UInt8] = []
        var overflow = false
        expand([node][...], rest: [], prefix: &prefix, out: &out, overflow: &overflow)
        return overflow ? [[]] : out
    }

    /// Depth-first over the pattern: bytes extend the prefix, alternations branch, anything
    /// else ends it. `rest` holds what follows the nodes being expanded.
    private static func expand(_ nodes: ArraySlice<AARENode>, rest: [ArraySlice<AARENode>], prefix: inout [UInt8],
                               out: inout [[UInt8]], overflow: inout Bool) {
        if overflow { return }
        var nodes = nodes
        var rest = rest
        var pushed = 0
        defer { prefix.removeLast(pushed) }
        while true {
            guard let first = nodes.first else {
                guard let next = rest.popLast() else {
                    out.append(prefix)
                    if out.count > 32 { overflow = true }
                    return
                }
                nodes = next
                continue
            }
            nodes = nodes.dropFirst()
            switch first {
            case .byte(let b):
                prefix.append(b)
                pushed += 1
            case .sequence(let items):
                if !nodes.isEmpty { rest.append(nodes) }
                nodes = items[...]
            case .alternation(let alts):
                if !nodes.isEmpty { rest.append(nodes) }
                for alt in alts {
                    expand([alt][...], rest: rest, prefix: &prefix, out: &out, overflow: &overflow)
                    if overflow { return }
                }
                return
            default:
                out.append(prefix)
                if out.count > 32 { overflow = true }
                return
            }
        }
    }
}
