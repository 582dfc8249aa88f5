/// A compiled AARE pattern: a Thompson NFA over bytes. Matching simulates the NFA with state
/// sets (no backtracking, linear in the path length); intersection and coverage explore pairs
/// of states of lazily built DFAs (`LazyDFA`), so every question is answered exactly.
public struct AAREMatcher: Sendable {
    struct Edge: Sendable { let set: ByteSet; let to: Int32 }

    var edges: [[Edge]] = []
    var epsilons: [[Int32]] = []
    var start: Int32 = 0
    var accept: Int32 = 0

    public let pattern: AAREPattern

    public init(_ pattern: AAREPattern) {
        self.pattern = pattern
        let s = newState()
        let a = build(pattern.root, from: s)
        start = s
        accept = a
    }

    /// Compiles a pattern text; throws `AAREError` when it is not valid AARE.
    public init(_ text: String) throws {
        self.init(try AAREPattern(text))
    }

    private mutating func newState() -> Int32 {
        edges.append([])
        epsilons.append([])
        return Int32(edges.count - 1)
    }

    /// Adds the fragment for `node` starting at `from`; returns its end state.
    private mutating func build(_ node: AARENode, from: Int32) -> Int32 {
        switch node {
        case .byte(let b):
            let to = newState()
            edges[Int(from)].append(Edge(set: .single(b), to: to))
            return to
        case .anyButSlash:
            let to = newState()
            edges[Int(from)].append(Edge(set: AAREMatcher.notSlash, to: to))
            return to
        case .set(let set):
            let to = newState()
            edges[Int(from)].append(Edge(set: set, to: to))
            return to
        case .star, .doubleStar:
            let set = node == .star ? AAREMatcher.notSlash : ByteSet.all
            let loop = newState()
            epsilons[Int(from)].append(loop)
            edges[Int(loop)].append(Edge(set: set, to: loop))
            return loop
        case .sequence(let items):
            var cur = from
            for item in items { cur = build(item, from: cur) }
            return cur
        case .alternation(let alts):
            let end = newState()
            for alt in alts {
                let s = newState()
                epsilons[Int(from)].append(s)
                let e = build(alt, from: s)
                epsilons[Int(e)].append(end)
            }
            return end
        }
    }

    static let notSlash: ByteSet = ByteSet.single(UInt8(ascii: "/")).inverted

    // MARK: simulation

    func closure(_ states: [Int32]) -> [Int32] {
        var mark = [Bool](repeating: false, count: epsilons.count)
        var stack: [Int32] = []
        for s in states where !mark[Int(s)] {
            mark[Int(s)] = true
            stack.append(s)
        }
        var out = stack
        while let s = stack.popLast() {
            for e in epsilons[Int(s)] where !mark[Int(e)] {
                mark[Int(e)] = true
                stack.append(e)
                out.append(e)
            }
        }
        out.sort()
        return out
    }

    func step(_ states: [Int32], _ b: UInt8) -> [Int32] {
        var next: [Int32] = []
        for s in states {
            for e in edges[Int(s)] where e.set.contains(b) { next.append(e.to) }
        }
        return next.isEmpty ? [] : closure(next)
    }

    var startSet: [Int32] { closure([start]) }

    func accepts(_ set: [Int32]) -> Bool { set.contains(accept) }

    /// Whether the pattern matches the whole of `path`.
    public func matches(_ path: String) -> Bool { matches(bytes: Array(path.utf8)) }

    public func matches(bytes: [UInt8]) -> Bool {
        var cur = startSet
        for b in bytes {
            cur = step(cur, b)
            if cur.isEmpty { return false }
        }
        return accepts(cur)
    }

    /// The literal bytes a pattern must start with (up to its first glob or alternation).
    var literalPrefix: [UInt8] { AAREMatcher.literalEdge(pattern.root, fromStart: true) }
    /// The literal bytes a pattern must end with.
    var literalSuffix: [UInt8] { AAREMatcher.literalEdge(pattern.root, fromStart: false) }

    static func literalEdge(_ n: AARENode, fromStart: Bool) -> [UInt8] {
        guard case .sequence(let items) = n else { return [] }
        var out: [UInt8] = []
        for item in fromStart ? items : items.reversed() {
            guard case .byte(let b) = item else { break }
            out.append(b)
        }
        return fromStart ? out : out.reversed()
    }

    /// How many `/` a matched string can hold: (min, max), max nil for unbounded.
    static func slashes(_ n: AARENode) -> (Int, Int?) {
        let slash = UInt8(ascii: "/")
        switch n {
        case .byte(let b): return b == slash ? (1, 1) : (0, 0)
        case .anyButSlash, .star: return (0, 0)
        case .doubleStar: return (0, nil)
        case .set(let s): return (0, s.contains(slash) ? 1 : 0)
        case .sequence(let items):
            var lo = 0
            var hi: Int? = 0
            for i in items {
                let (a, b) = slashes(i)
                lo += a
                hi = hi.flatMap { h in b.map { h + $0 } }
            }
            return (lo, hi)
        case .alternation(let alts):
            var lo = Int.max
            var hi: Int? = 0
            for a in alts {
                let (x, y) = slashes(a)
                lo = min(lo, x)
                hi = hi.flatMap { h in y.map { max(h, $0) } }
            }
            return (lo == Int.max ? 0 : lo, hi)
        }
    }

    /// A quick test: false when the literal prefixes or suffixes, or the number of path
    /// components, already tell the patterns apart; true when they might overlap.
    func mayIntersect(_ other: AAREMatcher) -> Bool {
        let (la, ha) = AAREMatcher.slashes(pattern.root)
        let (lb, hb) = AAREMatcher.slashes(other.pattern.root)
        if let ha, ha < lb { return false }
        if let hb, hb < la { return false }
        let (pa, pb) = (literalPrefix, other.literalPrefix)
        let n = min(pa.count, pb.count)
        if pa[..<n] != pb[..<n] { return false }
        let (sa, sb) = (literalSuffix, other.literalSuffix)
        let m = min(sa.count, sb.count)
        return sa.suffix(m) == sb.suffix(m)
    }

    /// Whether some string matches both patterns, by a search over pairs of NFA states: an
    /// epsilon move on either side, or a byte move on both where the two edges share a byte.
    /// Exact, no subset construction: the pair graph has at most `states × other.states` nodes.
    func intersectsByPairs(_ other: AAREMatcher) -> Bool {
        let width = other.edges.count
        let dense = edges.count * width <= 1 << 16
        var marks = [Bool](repeating: false, count: dense ? edges.count * width : 0)
        var sparse = Set<Int>()
        var stack: [(Int32, Int32)] = []
        func visit(_ a: Int32, _ b: Int32) {
            let k = Int(a) * width + Int(b)
            if dense {
                guard !marks[k] else { return }
                marks[k] = true
            } else {
                guard sparse.insert(k).inserted else { return }
            }
            stack.append((a, b))
        }
        visit(start, other.start)
        while let (p, q) = stack.popLast() {
            if p == accept && q == other.accept { return true }
            for e in epsilons[Int(p)] { visit(e, q) }
            for e in other.epsilons[Int(q)] { visit(p, e) }
            for x in edges[Int(p)] {
                for y in other.edges[Int(q)] where x.set.intersects(y.set) { visit(x.to, y.to) }
            }
        }
        return false
    }

    /// Whether some string matches both patterns.
    public func intersects(_ other: AAREMatcher) -> Bool {
        mayIntersect(other) && intersectsByPairs(other)
    }

    /// Whether every string `other` matches is matched by this pattern (`other` ⊆ `self`).
    /// Exact; when the search is too large it answers false (never a wrong "yes").
    public func covers(_ other: AAREMatcher) -> Bool {
        LazyDFA(self).covers(LazyDFA(other))
    }

    /// Whether both patterns match exactly the same strings.
    public func isEquivalent(to other: AAREMatcher) -> Bool { covers(other) && other.covers(self) }
}
