/// A compiled AARE pattern: the one matcher of paths and names against AppArmor globs, for the
/// policy checks and logprof alike. When it is compiled, it picks how `matches` answers, the
/// cheapest way that is exact for the pattern:
/// - plain text (no `*`, `?`, `[...]` or `{...}`; escapes resolved): the path's bytes are
///   compared with the pattern's.
/// - at most `variantLimit` (64) flat variants once alternations are expanded: backtracking
///   over each variant's tokens (`AAREVariants`), a variant tried only when the path ends with
///   the literal bytes it ends with. For paths of a few dozen bytes, as logprof matches by the
///   hundred thousand, this is much cheaper than simulating the automaton. A path that takes
///   the backtracking more steps than a budget linear in its length (many `*` in one variant)
///   is answered by the automaton instead, so matching never takes exponential time.
/// - otherwise the automaton (`AARENFA`), simulated with state sets: linear in the path.
///
/// The three answer alike on every pattern and path (`AAREStrategyTests`). Intersection and
/// coverage always use the automaton, built for them when matching does not use it.
public struct AAREMatcher: Sendable {
    enum Strategy: Sendable {
        case text([UInt8])
        case variants(AAREVariants)
        case automaton(AARENFA)
    }

    /// The most flat variants a pattern may stand for and still be matched by backtracking.
    static let variantLimit = 64

    let strategy: Strategy
    /// nil for plain text compiled from its text, which is not parsed.
    private let parsed: AAREPattern?

    public var pattern: AAREPattern {
        if let parsed { return parsed }
        guard case .text(let bytes) = strategy else { preconditionFailure("only plain text is compiled unparsed") }
        return AAREPattern(plainText: bytes)
    }

    public init(_ pattern: AAREPattern) {
        self.init(pattern, variantLimit: AAREMatcher.variantLimit)
    }

    /// With the strategy chosen as for `variantLimit` variants at the most (0: always the
    /// automaton). Tests compare the strategies with it.
    init(_ pattern: AAREPattern, variantLimit: Int) {
        if variantLimit > 0, let v = AAREVariants(pattern.root, limit: variantLimit) {
            self.init(strategy: v.text.map(Strategy.text) ?? .variants(v), parsed: pattern)
        } else {
            self.init(strategy: .automaton(AARENFA(pattern.root)), parsed: pattern)
        }
    }

    private init(strategy: Strategy, parsed: AAREPattern?) {
        self.strategy = strategy
        self.parsed = parsed
    }

    /// Compiles a pattern text; throws `AAREError` when it is not valid AARE. Plain text (most
    /// rule paths) is not parsed.
    public init(_ text: String) throws {
        if AAREPattern.isPlainText(text) {
            self.init(strategy: .text(Array(text.utf8)), parsed: nil)
        } else {
            self.init(try AAREPattern(text))
        }
    }

    /// The automaton: the one matching uses, or a new one.
    var automaton: AARENFA {
        if case .automaton(let a) = strategy { return a }
        return AARENFA(pattern.root)
    }

    /// Whether the pattern matches the whole of `path`.
    public func matches(_ path: String) -> Bool {
        var path = path
        return path.withUTF8 { matches($0) }
    }

    public func matches(bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { matches($0) }
    }

    /// Whether the pattern matches the whole of `path` (bytes where they lie: a prefix of a
    /// longer path, say).
    public func matches(_ path: UnsafeBufferPointer<UInt8>) -> Bool {
        switch strategy {
        case .text(let text):
            return text.count == path.count && text.elementsEqual(path)
        case .variants(let v):
            if let answer = v.matches(path, budget: AAREVariants.budget(path.count)) { return answer }
            return automaton.matches(path)
        case .automaton(let a):
            return a.matches(path)
        }
    }

    /// The literal bytes a pattern must start with (up to its first glob or alternation), or
    /// end with.
    static func literalEdge(_ n: AARENode, fromStart: Bool) -> [UInt8] {
        guard case .sequence(let items) = n else { return [] }
        var out: [UInt8] = []
        for item in fromStart ? items : items.reversed() {
            guard case .byte(let b) = item else { break }
            out.append(b)
        }
        return fromStart ? out : out.reversed()
    }

    /// How many `/` a string the pattern matches can hold: (min, max), max nil for unbounded.
    public var slashCount: (min: Int, max: Int?) { Self.slashes(pattern.root) }

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
    static func mayIntersect(_ a: AARENode, _ b: AARENode) -> Bool {
        let (la, ha) = slashes(a)
        let (lb, hb) = slashes(b)
        if let ha, ha < lb { return false }
        if let hb, hb < la { return false }
        let (pa, pb) = (literalEdge(a, fromStart: true), literalEdge(b, fromStart: true))
        let n = min(pa.count, pb.count)
        if pa[..<n] != pb[..<n] { return false }
        let (sa, sb) = (literalEdge(a, fromStart: false), literalEdge(b, fromStart: false))
        let m = min(sa.count, sb.count)
        return sa.suffix(m) == sb.suffix(m)
    }

    /// Whether some string matches both patterns, by the search over pairs of automaton states
    /// alone (`AARENFA.intersectsByPairs`).
    func intersectsByPairs(_ other: AAREMatcher) -> Bool {
        automaton.intersectsByPairs(other.automaton)
    }

    /// Whether some string matches both patterns.
    public func intersects(_ other: AAREMatcher) -> Bool {
        AAREMatcher.mayIntersect(pattern.root, other.pattern.root) && intersectsByPairs(other)
    }

    /// Whether every string `other` matches is matched by this pattern (`other` ⊆ `self`).
    /// Exact; when the search is too large it answers false (never a wrong "yes").
    public func covers(_ other: AAREMatcher) -> Bool {
        LazyDFA(automaton).covers(LazyDFA(other.automaton))
    }

    /// Whether both patterns match exactly the same strings.
    public func isEquivalent(to other: AAREMatcher) -> Bool { covers(other) && other.covers(self) }
}
