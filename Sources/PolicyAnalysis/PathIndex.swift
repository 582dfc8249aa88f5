import AppArmorPolicy

/// Finds the file rules that can match a path without running every rule's automaton: each
/// pattern's literal prefixes (one per branch of a leading alternation, so `{/root,/home/*}/`
/// gives `/root` and `/home/`) put it in a bucket by its first path component; a path is only
/// tried against its component's bucket and the rules whose prefixes stop before one.
public struct PathIndex {
    /// By a hash of the first component (two components sharing a hash share a bucket: the
    /// prefix check sorts them out).
    private var buckets: [UInt64: [Int]] = [:]
    private var general: [Int] = []
    /// Entries whose prefixes stop inside the first component, by that component's first byte.
    private var byFirstByte: [[Int]] = Array(repeating: [], count: 256)
    private var prefixes: [[[UInt8]]] = []

    /// Adds entry `id` (ids are given in increasing order) for a pattern.
    public mutating func add(_ id: Int, pattern: String) {
        add(id, prefixes: Self.literalPrefixes(pattern))
    }

    /// Adds entry `id` with the literal prefixes of its pattern.
    public mutating func add(_ id: Int, prefixes p: [[UInt8]]) {
        prefixes.append(p)
        var keys: [UInt64] = []
        var bytes: [UInt8] = []
        for prefix in p {
            if let component = Self.firstComponent(prefix[...], complete: true) {
                let key = Self.hash(component)
                if !keys.contains(key) { keys.append(key) }
            } else if prefix.count >= 2, prefix[0] == UInt8(ascii: "/"), prefix[1] != UInt8(ascii: "/") {
                if !bytes.contains(prefix[1]) { bytes.append(prefix[1]) }
            } else {
                general.append(id)
                return
            }
        }
        for k in keys { buckets[k, default: []].append(id) }
        for b in bytes where byFirstByte[Int(b)].last != id { byFirstByte[Int(b)].append(id) }
    }

    /// The ids whose prefixes allow `path`, in increasing order.
    public func candidates(_ path: [UInt8]) -> [Int] {
        var ids = general
        if path.count >= 2, path[0] == UInt8(ascii: "/") {
            let b = byFirstByte[Int(path[1])]
            if !b.isEmpty { ids = Self.merge(ids, b) }
        }
        if let component = Self.firstComponent(path[...], complete: false), let b = buckets[Self.hash(component)] {
            ids = Self.merge(ids, b)
        }
        return ids.filter { id in prefixes[id].contains { path.starts(with: $0) } }
    }

    /// `/usr/` -> `usr`. With `complete`, the component must be followed by `/` in the prefix
    /// (a prefix `/us` could still match `/usr` or `/us2`); a path's first component needs no slash.
    public static func firstComponent(_ b: ArraySlice<UInt8>, complete: Bool) -> ArraySlice<UInt8>? {
        guard b.first == UInt8(ascii: "/") else { return nil }
        let rest = b.dropFirst()
        if let slash = rest.firstIndex(of: UInt8(ascii: "/")) { return rest[..<slash] }
        return complete ? nil : rest
    }

    public static func hash(_ b: ArraySlice<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for c in b { h = (h ^ UInt64(c)) &* 0x100_0000_01b3 }
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
