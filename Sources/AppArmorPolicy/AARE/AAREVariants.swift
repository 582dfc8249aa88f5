/// An AARE pattern as the flat token lists it stands for (its alternations expanded), matched
/// by backtracking: for paths of a few dozen bytes much cheaper than simulating the automaton.
/// Each variant is tried only when the path ends with the literal bytes the variant ends with.
/// The backtracking is given a budget of steps; when a path uses it up (patterns with many
/// `*` against long paths can take exponential time), `matches` answers nil and
/// `AAREMatcher` asks the automaton instead.
struct AAREVariants: Sendable {
    enum Token: Sendable, Equatable {
        case byte(UInt8), set(ByteSet), anyButSlash, star, doubleStar
    }

    let variants: [[Token]]
    /// Per variant, the literal bytes it ends with: a path that does not end with them
    /// cannot match (checked before the backtracking).
    let tails: [[UInt8]]

    /// nil when the pattern stands for more than `limit` token lists.
    init?(_ root: AARENode, limit: Int) {
        guard let v = Self.flatten(root, limit: limit) else { return nil }
        variants = v
        tails = v.map { toks in
            var tail: [UInt8] = []
            for t in toks.reversed() {
                guard case .byte(let b) = t else { break }
                tail.append(b)
            }
            return tail.reversed()
        }
    }

    /// The bytes of a pattern that is one variant of bytes only (plain text, escapes
    /// resolved); nil otherwise.
    var text: [UInt8]? {
        guard variants.count == 1, tails[0].count == variants[0].count else { return nil }
        return tails[0]
    }

    /// How many backtracking steps a path of `n` bytes may take before the automaton is asked.
    static func budget(_ n: Int) -> Int { 64 * (n + 16) }

    /// Whether some variant matches the whole of `path`; nil when `budget` steps did not
    /// decide.
    func matches(_ path: UnsafeBufferPointer<UInt8>, budget: Int) -> Bool? {
        var left = budget
        for (i, v) in variants.enumerated() {
            let tail = tails[i]
            if tail.count > path.count || !tail.isEmpty && !path[(path.count - tail.count)...].elementsEqual(tail) { continue }
            if Self.match(v[...], path, 0, &left) { return true }
            if left < 0 { return nil }
        }
        return false
    }

    /// Whether `toks` match `path` from `start` to its end. Every try of a `*` or `**` at one
    /// more position costs a step of `budget`, a final `*` a step per byte it looks at; below
    /// zero, every call answers false.
    static func match(_ toks: ArraySlice<Token>, _ path: UnsafeBufferPointer<UInt8>, _ start: Int, _ budget: inout Int) -> Bool {
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
                if rest.isEmpty {
                    budget -= n - i
                    return budget >= 0 && !path[i...].contains(0x2F)
                }
                var k = i
                while true {
                    budget -= 1
                    if budget < 0 { return false }
                    if match(rest, path, k, &budget) { return true }
                    if k >= n || path[k] == 0x2F { return false }
                    k += 1
                }
            case .doubleStar:
                let rest = toks[(t + 1)...]
                if rest.isEmpty { return true }
                for k in i...n {
                    budget -= 1
                    if budget < 0 { return false }
                    if match(rest, path, k, &budget) { return true }
                }
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

    /// Every flat token list the pattern stands for; nil beyond `limit`.
    static func flatten(_ node: AARENode, limit: Int) -> [[Token]]? {
        if let t = token(node) { return [[t]] }
        switch node {
        case .sequence(let items):
            var acc: [[Token]] = [[]]
            for item in items {
                if let t = token(item) {
                    for k in acc.indices { acc[k].append(t) }
                    continue
                }
                guard let sub = flatten(item, limit: limit) else { return nil }
                if sub.count == 1 {
                    for k in acc.indices { acc[k] += sub[0] }
                    continue
                }
                guard acc.count * sub.count <= limit else { return nil }
                acc = acc.flatMap { a in sub.map { a + $0 } }
            }
            return acc
        case .alternation(let alts):
            var out: [[Token]] = []
            for a in alts {
                guard let v = flatten(a, limit: limit) else { return nil }
                out += v
                if out.count > limit { return nil }
            }
            return out
        default:
            return nil
        }
    }
}
