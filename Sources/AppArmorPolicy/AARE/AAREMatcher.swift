/// A compiled AARE pattern: a Thompson NFA over bytes. Matching simulates the NFA with state
/// sets (no backtracking, linear in the path length); intersection and coverage explore pairs
/// of determinised state sets, so every question is answered exactly, never by heuristics.
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
        var seen = Set<Int32>(states)
        var stack = states
        while let s = stack.popLast() {
            for e in epsilons[Int(s)] where seen.insert(e).inserted { stack.append(e) }
        }
        return seen.sorted()
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

    /// Byte classes that no edge of either matcher tells apart: one representative each.
    static func representatives(_ ms: [AAREMatcher]) -> [UInt8] {
        var sets = Set<ByteSet>()
        for m in ms { for es in m.edges { for e in es { sets.insert(e.set) } } }
        var seen = [[Bool]: UInt8]()
        var reps: [UInt8] = []
        let list = Array(sets)
        for b in 0...255 {
            let sig = list.map { $0.contains(UInt8(b)) }
            if seen[sig] == nil {
                seen[sig] = UInt8(b)
                reps.append(UInt8(b))
            }
        }
        return reps
    }

    struct Pair: Hashable { let a: [Int32]; let b: [Int32] }

    /// Explores pairs of state sets reachable on the same input; stops when `stop` says so.
    static func explore(_ x: AAREMatcher, _ y: AAREMatcher, limit: Int = 200_000, stop: (_ a: [Int32], _ b: [Int32]) -> Bool) -> Bool? {
        let reps = representatives([x, y])
        let first = Pair(a: x.startSet, b: y.startSet)
        var seen: Set<Pair> = [first]
        var queue = [first]
        var head = 0
        while head < queue.count {
            let p = queue[head]
            head += 1
            if stop(p.a, p.b) { return true }
            if seen.count > limit { return nil }
            for r in reps {
                let na = p.a.isEmpty ? [] : x.step(p.a, r)
                let nb = p.b.isEmpty ? [] : y.step(p.b, r)
                if na.isEmpty && nb.isEmpty { continue }
                let n = Pair(a: na, b: nb)
                if seen.insert(n).inserted { queue.append(n) }
            }
        }
        return false
    }

    /// Whether some string matches both patterns.
    public func intersects(_ other: AAREMatcher) -> Bool {
        AAREMatcher.explore(self, other) { a, b in
            !a.isEmpty && !b.isEmpty && a.contains(self.accept) && b.contains(other.accept)
        } ?? true
    }

    /// Whether every string `other` matches is matched by this pattern (`other` ⊆ `self`).
    /// Exact; when the search is too large it answers false (never a wrong "yes").
    public func covers(_ other: AAREMatcher) -> Bool {
        let found = AAREMatcher.explore(self, other) { a, b in
            b.contains(other.accept) && !a.contains(self.accept)
        }
        return found == false
    }

    /// Whether both patterns match exactly the same strings.
    public func isEquivalent(to other: AAREMatcher) -> Bool { covers(other) && other.covers(self) }
}
