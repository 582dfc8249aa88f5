import AASwiftTestSupport
@testable import AppArmorPolicy
import XCTest

/// `AAREMatcher` matches plain text by comparing bytes, patterns of few flat variants by
/// backtracking, the others with the automaton: the fast strategies must answer as the
/// automaton does on every pattern and path.
final class AAREStrategyTests: XCTestCase {
    enum Kind: Hashable { case text, variants, automaton }

    func kind(_ m: AAREMatcher) -> Kind {
        switch m.strategy {
        case .text: .text
        case .variants: .variants
        case .automaton: .automaton
        }
    }

    func variantCount(_ p: String) throws -> Int? {
        AAREVariants(try AAREPattern(p).root, limit: 1 << 12)?.variants.count
    }

    func testTheStrategyFollowsThePattern() throws {
        let two = "{a,b}"
        let cases: [(String, Kind)] = [
            ("/usr/bin/man", .text), ("", .text), ("/a\\*b\\{c\\\\", .text), ("/a,b", .text),
            ("/usr/{bin,sbin}/x", .variants), ("/dev/tty?", .variants), ("/**", .variants), ("/x[0-9]*", .variants),
            ("/" + String(repeating: two, count: 6) + "*", .variants),
            ("/{a,b,c,d}{a,b,c,d}{a,b,c,d}/**", .variants),
            ("/" + String(repeating: two, count: 7) + "*", .automaton),
            ("/{a,b,c,d}{a,b,c,d}{a,b,c,d}{a,b}", .automaton),
            ("/{" + (0...64).map { "x\($0)" }.joined(separator: ",") + "}", .automaton),
        ]
        for (p, want) in cases {
            XCTAssertEqual(kind(try AAREMatcher(p)), want, p)
            XCTAssertEqual(kind(AAREMatcher(try AAREPattern(p))), want, p)
        }
        XCTAssertEqual(try variantCount("/" + String(repeating: two, count: 6) + "*"), AAREMatcher.variantLimit)
        // Plain text compiled unparsed reads back as parsing builds it.
        XCTAssertEqual(try AAREMatcher("/a,b c").pattern, try AAREPattern("/a,b c"))
        XCTAssertEqual(kind(AAREMatcher(try AAREPattern("/usr/{bin,sbin}/x"), variantLimit: 0)), .automaton)
    }

    /// Hand-picked patterns and paths (logprof's former matcher's own test).
    func testCommonProfilePatterns() throws {
        let patterns = ["/a/*/c", "/a/**", "/a/**/c", "/{usr/,}lib{,32,64}/**.so*", "/proc/{[1-9],[1-9][0-9]*}/status", "/x?z",
                        "/home/*/", "/{a,b{c,d}}/e", "/t/[^a-c]*", "/**", "/a*b*c", "/srv/{x,y}/**/z.txt"]
        let paths = ["/a/b/c", "/a/b/d/c", "/a/", "/a", "/lib/x.so.1", "/usr/lib64/libz.so", "/proc/42/status", "/proc/0/status",
                     "/xyz", "/x/z", "/home/bob/", "/home/bob", "/bd/e", "/ae", "/a/e", "/t/d1", "/t/a", "/abbbc", "/a/b/c/",
                     "/srv/x/1/2/z.txt", "/srv/y/z.txt", "/srv/z/z.txt", ""]
        var agreed = 0
        for p in patterns {
            agreed += try checkAgreement(p, paths.map { Array($0.utf8) })
        }
        XCTAssertEqual(agreed, patterns.count * paths.count)
    }

    /// Generated patterns using every construct, alternations nested three deep, families of
    /// up to and over `variantLimit` variants; paths drawn from each pattern (so that many
    /// match), then changed a byte at a time, and random ones.
    func testFastStrategiesAgreeWithTheAutomaton() throws {
        var rng = SplitMix(state: 0xAA2E_5742)
        var patterns: [String] = []
        for _ in 0..<700 { patterns.append(Self.pattern(&rng, depth: 0)) }
        // Products of alternations: 2^n variants, n = 1...8 (64 at n = 6, the limit).
        for n in 1...8 {
            patterns.append("/" + String(repeating: "{a,b}", count: n) + "*")
            for _ in 0..<6 {
                var p = "/"
                for _ in 0..<n { p += ["{a,b}", "{,a/}", "{*,b}", "{a,{b,[ab]}}", "{?,**}"][Int.random(in: 0..<5, using: &rng)] }
                patterns.append(p + Self.pattern(&rng, depth: 2))
            }
        }
        var kinds: [Kind: Int] = [:]
        var counts = Set<Int>()
        var pairs = 0, matched = 0
        for p in patterns {
            let root = try AAREPattern(p).root
            kinds[kind(try AAREMatcher(p)), default: 0] += 1
            if let n = try variantCount(p) { counts.insert(n) }
            var paths: [[UInt8]] = []
            for _ in 0..<12 {
                var s = Self.sample(root, &rng)
                paths.append(s)
                Self.mutate(&s, &rng)
                paths.append(s)
            }
            for _ in 0..<4 {
                paths.append((0..<Int.random(in: 0...10, using: &rng)).map { _ in Self.alphabet.randomElement(using: &rng)! })
            }
            let nfa = AAREMatcher(try AAREPattern(p), variantLimit: 0)
            matched += paths.filter { nfa.matches(bytes: $0) }.count
            pairs += try checkAgreement(p, paths)
        }
        // Not vacuous: every strategy was chosen, variant counts reached the limit and went
        // past it, and many paths matched.
        XCTAssertGreaterThan(kinds[.text, default: 0], 10)
        XCTAssertGreaterThan(kinds[.variants, default: 0], 300)
        XCTAssertGreaterThan(kinds[.automaton, default: 0], 20)
        XCTAssertTrue(counts.contains(AAREMatcher.variantLimit), "\(counts.sorted())")
        XCTAssertTrue(counts.contains { $0 > AAREMatcher.variantLimit }, "\(counts.sorted())")
        XCTAssertGreaterThan(matched, pairs / 4)
        XCTAssertLessThan(matched, pairs * 3 / 4)
    }

    /// Checks every path on one pattern; returns how many agreed.
    func checkAgreement(_ p: String, _ paths: [[UInt8]], file: StaticString = #filePath, line: UInt = #line) throws -> Int {
        let parsed = try AAREPattern(p)
        let automaton = AAREMatcher(parsed, variantLimit: 0)
        let chosen = try AAREMatcher(p)
        let fromTree = AAREMatcher(parsed)
        // Backtracking whatever the number of variants (up to 4096), without a budget.
        let variants = AAREVariants(parsed.root, limit: 1 << 12)
        var agreed = 0
        for path in paths {
            let want = automaton.matches(bytes: path)
            let shown = String(decoding: path, as: UTF8.self)
            var ok = chosen.matches(bytes: path) == want && chosen.matches(shown) == want && fromTree.matches(bytes: path) == want
            path.withUnsafeBufferPointer { b in
                if let v = variants {
                    ok = ok && v.matches(b, budget: .max) == want
                    // A small budget may leave the answer open, never give a wrong one.
                    let short = v.matches(b, budget: 2)
                    ok = ok && (short == nil || short == want)
                }
            }
            XCTAssert(ok, "'\(p)' on '\(shown)': the automaton says \(want)", file: file, line: line)
            if ok { agreed += 1 }
        }
        return agreed
    }

    static let alphabet = Array("ab/.*{,".utf8)

    /// A sequence of one to four items.
    static func pattern(_ rng: inout SplitMix, depth: Int) -> String {
        let items = ["a", "b", "/", "ab", "/a", ".so", ",", "*", "**", "?", "[ab]", "[^a]", "[a-c]", "[/a]",
                     "\\*", "\\{", "\\,", "\\\\", "{", "{"]
        var s = ""
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            let item = items.randomElement(using: &rng)!
            guard item == "{" else {
                // A `,` outside braces is a byte; inside them it separates choices.
                s += item == "," && depth > 0 ? "\\," : item
                continue
            }
            if depth >= 3 { s += "a"; continue }
            let alts = (0..<Int.random(in: 2...4, using: &rng)).map { _ in
                Int.random(in: 0..<5, using: &rng) == 0 ? "" : pattern(&rng, depth: depth + 1)
            }
            s += "{" + alts.joined(separator: ",") + "}"
        }
        return s
    }

    /// A string the pattern matches, or nearly: stars take a `/` now and then.
    static func sample(_ n: AARENode, _ rng: inout SplitMix) -> [UInt8] {
        func some(_ from: [UInt8], _ most: Int) -> [UInt8] {
            (0..<Int.random(in: 0...most, using: &rng)).map { _ in from.randomElement(using: &rng)! }
        }
        switch n {
        case .byte(let b): return [b]
        case .anyButSlash: return [Array("ab.".utf8).randomElement(using: &rng)!]
        case .star: return some(Int.random(in: 0..<8, using: &rng) == 0 ? Array("ab/".utf8) : Array("ab.".utf8), 3)
        case .doubleStar: return some(Array("ab/.".utf8), 4)
        case .set(let s):
            let inSet = Array("abc/.-".utf8).filter { s.contains($0) }
            return [inSet.randomElement(using: &rng) ?? UInt8(ascii: "a")]
        case .sequence(let items): return items.flatMap { sample($0, &rng) }
        case .alternation(let alts): return sample(alts.randomElement(using: &rng)!, &rng)
        }
    }

    /// One byte inserted, removed or replaced.
    static func mutate(_ s: inout [UInt8], _ rng: inout SplitMix) {
        let c = alphabet.randomElement(using: &rng)!
        switch Int.random(in: 0..<3, using: &rng) {
        case 0: s.insert(c, at: Int.random(in: 0...s.count, using: &rng))
        case 1: if !s.isEmpty { s.remove(at: Int.random(in: 0..<s.count, using: &rng)) }
        default: if !s.isEmpty { s[Int.random(in: 0..<s.count, using: &rng)] = c }
        }
    }
}
