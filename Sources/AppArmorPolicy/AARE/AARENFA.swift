/// The automaton of an AARE pattern: a Thompson NFA over bytes. Matching simulates it with
/// state sets (no backtracking, linear in the path length); intersection explores pairs of
/// states, and coverage pairs of states of lazily built DFAs (`LazyDFA`), so every question is
/// answered exactly. `AAREMatcher` matches with it when the pattern has too many variants for
/// backtracking, and compares patterns with it always.
struct AARENFA: Sendable {
    struct Edge: Sendable { let set: ByteSet; let to: Int32 }

    var edges: [[Edge]] = []
    var epsilons: [[Int32]] = []
    var start: Int32 = 0
    var accept: Int32 = 0
    /// The parsed pattern, for the quick tests of `AAREMatcher.mayIntersect`.
    let root: AARENode

    init(_ root: AARENode) {
        self.root = root
        let s = newState()
        let a = build(root, from: s)
        start = s
        accept = a
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
            edges[Int(from)].append(Edge(set: AARENFA.notSlash, to: to))
            return to
        case .set(let set):
            let to = newState()
            edges[Int(from)].append(Edge(set: set, to: to))
            return to
        case .star, .doubleStar:
            let set = node == .star ? AARENFA.notSlash : ByteSet.all
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
    func matches(_ path: UnsafeBufferPointer<UInt8>) -> Bool {
        var cur = startSet
        for b in path {
            cur = step(cur, b)
            if cur.isEmpty { return false }
        }
        return accepts(cur)
    }

    /// Whether some string matches both patterns, by a search over pairs of NFA states: an
    /// epsilon move on either side, or a byte move on both where the two edges share a byte.
    /// Exact, no subset construction: the pair graph has at most `states × other.states` nodes.
    func intersectsByPairs(_ other: AARENFA) -> Bool {
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
}
