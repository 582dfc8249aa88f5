/// A DFA built lazily from an `AAREMatcher`'s NFA: each set of NFA states met becomes one DFA
/// state, and each transition is computed once, on first use. Used for intersection and
/// coverage, where the same patterns are compared many times.
final class LazyDFA {
    let nfa: AAREMatcher
    private var sets: [[Int32]] = []
    private var index: [[Int32]: Int32] = [:]
    private var transitions: [Int32] = []  // sets.count * 256; -2 unknown, -1 dead
    private(set) var accepting: [Bool] = []
    /// The byte classes of this pattern: bytes no edge tells apart share a class.
    let classOf: [UInt8]

    init(_ nfa: AAREMatcher) {
        self.nfa = nfa
        var cls = [Int](repeating: 0, count: 256)
        var count = 1
        var distinct = Set<ByteSet>()
        for es in nfa.edges { for e in es { distinct.insert(e.set) } }
        for set in distinct {
            var split: [Int: Int] = [:]
            for b in 0..<256 where set.contains(UInt8(b)) {
                if let n = split[cls[b]] { cls[b] = n } else {
                    split[cls[b]] = count
                    cls[b] = count
                    count += 1
                }
            }
        }
        // Renumber densely (at most 256 classes).
        var dense: [Int: UInt8] = [:]
        classOf = cls.map { c in
            if let d = dense[c] { return d }
            let d = UInt8(truncatingIfNeeded: dense.count)
            dense[c] = d
            return d
        }
        _ = state(for: nfa.startSet)
    }

    var start: Int32 { 0 }

    private func state(for set: [Int32]) -> Int32 {
        if let s = index[set] { return s }
        let s = Int32(sets.count)
        sets.append(set)
        index[set] = s
        accepting.append(nfa.accepts(set))
        transitions.append(contentsOf: repeatElement(-2, count: 256))
        return s
    }

    /// The state after byte `b` from `s`, or -1 when no string can match any more.
    func next(_ s: Int32, _ b: UInt8) -> Int32 {
        let slot = Int(s) * 256 + Int(b)
        let t = transitions[slot]
        if t != -2 { return t }
        let n = nfa.step(sets[Int(s)], b)
        let r = n.isEmpty ? -1 : state(for: n)
        transitions[slot] = r
        return r
    }

    /// Explores pairs of states reachable on the same input; true when `stop` holds for one.
    /// nil when the search grew past `limit` pairs.
    static func explore(_ x: LazyDFA, _ y: LazyDFA, limit: Int = 100_000, stop: (Int32, Int32) -> Bool) -> Bool? {
        var reps: [UInt8] = []
        var seenClass = Set<UInt16>()
        for b in 0..<256 where seenClass.insert(UInt16(x.classOf[b]) << 8 | UInt16(y.classOf[b])).inserted {
            reps.append(UInt8(b))
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
                let na = a < 0 ? -1 : x.next(a, r)
                let nb = b < 0 ? -1 : y.next(b, r)
                if na < 0 && nb < 0 { continue }
                if seen.insert(Int64(na) << 32 | Int64(UInt32(bitPattern: nb))).inserted { queue.append((na, nb)) }
            }
        }
        return false
    }

    /// Whether some string matches both.
    func intersects(_ other: LazyDFA) -> Bool {
        guard nfa.mayIntersect(other.nfa) else { return false }
        return LazyDFA.explore(self, other) { a, b in
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
