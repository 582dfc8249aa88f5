import AppArmorPolicy

/// A matcher for the common AARE patterns of profiles: alternations are expanded (up to 64
/// variants) into flat token lists matched by backtracking, which for paths of a few dozen
/// bytes is much cheaper than simulating the automaton. Patterns with more variants use the
/// policy library's automaton.
struct GlobMatcher {
    enum Token: Equatable {
        case byte(UInt8), set(ByteSet), anyButSlash, star, doubleStar
    }

    private let variants: [[Token]]?
    /// Per variant, the literal bytes it ends with: a path that does not end with them
    /// cannot match (checked before the backtracking).
    private let tails: [[UInt8]]
    private let fallback: AAREMatcher?

    init?(_ pattern: String) {
        // Most rule paths are plain text: one variant of bytes, no parse.
        if AAREPattern.isPlainText(pattern) {
            let bytes = Array(pattern.utf8)
            variants = [bytes.map { .byte($0) }]
            tails = [bytes]
            fallback = nil
            return
        }
        guard let p = try? AAREPattern(pattern) else { return nil }
        if let v = Self.flatten(p.root), v.count <= 64 {
            variants = v
            tails = v.map { toks in
                var tail: [UInt8] = []
                for t in toks.reversed() {
                    guard case .byte(let b) = t else { break }
                    tail.append(b)
                }
                return tail.reversed()
            }
            fallback = nil
        } else {
            variants = nil
            tails = []
            fallback = AAREMatcher(p)
        }
    }

    func matches(_ path: [UInt8]) -> Bool {
        guard let variants else { return fallback?.matches(bytes: path) ?? false }
        return path.withUnsafeBufferPointer { b in
            for (i, v) in variants.enumerated() {
                let tail = tails[i]
                if tail.count > b.count || !tail.isEmpty && !b[(b.count - tail.count)...].elementsEqual(tail) { continue }
                if Self.match(v[...], b, 0) { return true }
            }
            return false
        }
    }

    static func match(_ toks: ArraySlice<Token>, _ path: UnsafeBufferPointer<UInt8>, _ start: Int) -> Bool {
        var t = toks.startIndex
        var i = start
        let n = path.count
        while t < toks.endIndex {
            switch toks[t] {
            case .byte(let b):
                guard i < n, path[i] == b else { return false }
            case .set(let s):
                guard i < n, s.contains(path[i]) else { return false }
            case .anyButSlash:
                guard i < n, path[i] != 0x2F else { return false }
            case .star:
                let rest = toks[(t + 1)...]
                if rest.isEmpty { return !path[i...].contains(0x2F) }
                var k = i
                while true {
                    if match(rest, path, k) { return true }
                    if k >= n || path[k] == 0x2F { return false }
                    k += 1
                }
            case .doubleStar:
                let rest = toks[(t + 1)...]
                if rest.isEmpty { return true }
                for k in i...n where match(rest, path, k) { return true }
                return false
            }
            t += 1
            i += 1
        }
        return i == n
    }

    /// The token of a node that is a single one.
    static func token(_ node: AARENode) -> Token? {
        switch node {
        case .byte(let b): .byte(b)
        case .set(let s): .set(s)
        case .anyButSlash: .anyButSlash
        case .star: .star
        case .doubleStar: .doubleStar
        case .sequence, .alternation: nil
        }
    }

    /// Every flat token list the pattern stands for; nil beyond 64.
    static func flatten(_ node: AARENode) -> [[Token]]? {
        switch node {
        case .byte(let b): return [[.byte(b)]]
        case .set(let s): return [[.set(s)]]
        case .anyButSlash: return [[.anyButSlash]]
        case .star: return [[.star]]
        case .doubleStar: return [[.doubleStar]]
        case .sequence(let items):
            var acc: [[Token]] = [[]]
            for item in items {
                if let t = token(item) {
                    for k in acc.indices { acc[k].append(t) }
                    continue
                }
                guard let sub = flatten(item) else { return nil }
                if sub.count == 1 {
                    for k in acc.indices { acc[k] += sub[0] }
                    continue
                }
                guard acc.count * sub.count <= 64 else { return nil }
                acc = acc.flatMap { a in sub.map { a + $0 } }
            }
            return acc
        case .alternation(let alts):
            var out: [[Token]] = []
            for a in alts {
                guard let v = flatten(a) else { return nil }
                out += v
                if out.count > 64 { return nil }
            }
            return out
        }
    }
}
