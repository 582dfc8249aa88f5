/// A DFA built lazily from an AARE automaton (`AARENFA`): each set of NFA states met becomes
/// one DFA state, and each transition is computed once, on first use. Used for intersection
/// and coverage, where the same patterns are compared many times.
final class LazyDFA {
    let nfa: AARENFA
    private var sets: [[Int32]] = []
    private var index: [[Int32]: Int32] = [:]
    /// The bytes some NFA state of each DFA state has an edge on (others lead nowhere).
    private var outBytes: [ByteSet] = []
    private var transitions: [Int32] = []  // sets.count * classCount; -2 unknown, -1 dead
    private(set) var accepting: [Bool] = []
    /// The byte classes of this pattern: bytes no edge tells apart share a class (every edge
    /// holds all of a class or none of it), so transitions are kept per class.
    let classOf: [UInt8]
    let classCount: Int

    convenience init(_ matcher: AAREMatcher) { self.init(matcher.automaton) }

    init(_ nfa: AARENFA) {
        self.nfa = nfa
        var cls = [Int](repeating: 0, count: 256)
        var count = 1
        var distinct = Set<ByteSet>()
        for es in nfa.edges { for e in es { distinct.insert(e.set) } }
        // Splitting by each edge set: the bytes of class c inside the set move to split[c].
        var split = [Int](repeating: -1, count: 257)
        var touched: [Int] = []
        for set in distinct {
            let words = [set.words.0, set.words.1, set.words.2, set.words.3]
            for (w, word) in words.enumerated() {
                var bits = word
                while bits != 0 {
                    let b = w << 6 | bits.trailingZeroBitCount
                    bits &= bits - 1
                    let c = cls[b]
                    if split[c] < 0 {
                        split[c] = count
                        touched.append(c)
                        count += 1
                    }
                    cls[b] = split[c]
                }
            }
            for c in touched { split[c] = -1 }
            touched.removeAll(keepingCapacity: true)
        }
        // Renumber densely (at most 256 classes).
        var dense = [Int](repeating: -1, count: count)
        var n = 0
        classOf = cls.map { c in
            if dense[c] < 0 { dense[c] = n; n += 1 }
            return UInt8(truncatingIfNeeded: dense[c])
        }
        classCount = n
        _ = state(for: nfa.startSet)
    }

    var start: Int32 { 0 }

    private func state(for set: [Int32]) -> Int32 {
        if let s = index[set] { return s }
        let s = Int32(sets.count)
        sets.append(set)
        index[set] = s
        accepting.append(nfa.accepts(set))
        var out = ByteSet()
        for st in set { for e in nfa.edges[Int(st)] { out.formUnion(e.set) } }
        outBytes.append(out)
        transitions.append(contentsOf: repeatElement(-2, count: classCount))
        return s
    }

    /// The state after byte `b` from `s`, or -1 when no string can match any more.
    func next(_ s: Int32, _ b: UInt8) -> Int32 {
        let slot = Int(s) * classCount + Int(classOf[Int(b)])
        let t = transitions[slot]
        if t != -2 { return t }
        var r: Int32 = -1
        if outBytes[Int(s)].contains(b) {
            let n = nfa.step(sets[Int(s)], b)
            if !n.isEmpty { r = state(for: n) }
        }
        transitions[slot] = r
        return r
    }

    /// Explores pairs of states reachable on the same input; true when `stop` holds for one.
    /// nil when the search grew past `limit` pairs. With `bothAlive`, pairs where either side
    /// can no longer match are not followed (enough to look for a common string).
    static func explore(_ x: LazyDFA, _ y: LazyDFA, bothAlive: Bool = false, limit: Int = 100_000,
                        stop: (Int32, Int32) -> Bool) -> Bool? {
        // One representative byte per pair of classes.
        var reps: [UInt8] = []
        var seenClass = [Bool](repeating: false, count: x.classCount * y.classCount)
        for b in 0..<256 {
            let k = Int(x.classOf[b]) * y.classCount + Int(y.classOf[b])
            if !seenClass[k] {
                seenClass[k] = true
                reps.append(UInt8(b))
            }
        }
        var seen: Set<Int64> = [0]
        var queue: [(Int32, Int32)] = [(x.start, y.start)]
        var head = 0
        while head < queue.count {
            let (a, b) = queue[head]
            head += 1
            if stop(a, b) { return true }
            if seen.count > limit { return nil }
            for r in reps {
                if bothAlive, !x.outBytes[Int(a)].contains(r) || !y.outBytes[Int(b)].contains(r) { continue }
                let na = a < 0 ? -1 : x.next(a, r)
                if bothAlive && na < 0 { continue }
                let nb = b < 0 ? -1 : y.next(b, r)
                if na < 0 && nb < 0 || bothAlive && nb < 0 { continue }
                if seen.insert(Int64(na) << 32 | Int64(UInt32(bitPattern: nb))).inserted { queue.append((na, nb)) }
            }
        }
        return false
    }

    /// Whether some string matches both.
    func intersects(_ other: LazyDFA) -> Bool {
        guard AAREMatcher.mayIntersect(nfa.root, other.nfa.root) else { return false }
        return LazyDFA.explore(self, other, bothAlive: true) { a, b in
            a >= 0 && b >= 0 && self.accepting[Int(a)] && other.accepting[Int(b)]
        } ?? true
    }

    /// Whether every string `other` matches, this matches too.
    func covers(_ other: LazyDFA) -> Bool {
        LazyDFA.explore(self, other) { a, b in
            b >= 0 && other.accepting[Int(b)] && (a < 0 || !self.accepting[Int(a)])
        } == false
    }
}
