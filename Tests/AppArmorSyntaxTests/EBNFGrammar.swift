import Foundation

// The ISO EBNF that Grammar/apparmor.ebnf is written in, for GrammarSpecTests: a reader
// (EBNFGrammar) and a generator of sentences (SentenceGenerator).

/// Enough of ISO EBNF for the grammar: productions `name = expr ;`, with `|`, `,`, `-`, `[ ]`, `{ }`, `( )`,
/// "literals", 'literals', `? special ?` and `(* comments *)` (not nested). Two comment forms
/// mean something: `(* impl: Type.function, ... *)` right after a production's `;` on its line
/// names the functions that read it, and `(* part: structural *)` / `(* part: lexical *)` open
/// the two parts of the grammar.
indirect enum EBNFExpr: Equatable {
    case terminal(String)
    case special(String)
    case ref(String)
    case seq([EBNFExpr])
    case alt([EBNFExpr])
    case opt(EBNFExpr)
    case rep(EBNFExpr)
    case except(EBNFExpr, EBNFExpr)

    /// The expressions directly inside this one.
    var parts: [EBNFExpr] {
        switch self {
        case .terminal, .special, .ref: []
        case .seq(let xs), .alt(let xs): xs
        case .opt(let x), .rep(let x): [x]
        case .except(let a, let b): [a, b]
        }
    }

    /// This expression and every one inside it (excepted parts too), in order.
    var nodes: [EBNFExpr] { [self] + parts.flatMap(\.nodes) }

    /// Every literal in the expression.
    var terminals: [String] { nodes.compactMap { if case .terminal(let t) = $0 { t } else { nil } } }

    /// Every nonterminal named in the expression.
    var refs: [String] { nodes.compactMap { if case .ref(let r) = $0 { r } else { nil } } }

    /// The most alternatives of one `|` in the expression.
    var widestChoice: Int { nodes.map { if case .alt(let xs) = $0 { xs.count } else { 1 } }.max() ?? 1 }
}

struct EBNFProduction {
    let name: String
    let rhs: EBNFExpr
    /// `Type.function` names from the production's `(* impl: ... *)` comment.
    let impls: [String]
    let isLexical: Bool
    let line: Int
}

struct EBNFError: Error, CustomStringConvertible {
    let line: Int
    let message: String
    var description: String { "line \(line): \(message)" }
}

struct EBNFGrammar {
    let productions: [EBNFProduction]
    /// Whether the text had both part markers.
    let hasParts: Bool

    var start: String { productions.first?.name ?? "" }

    subscript(name: String) -> EBNFProduction? { productions.first { $0.name == name } }

    static func parse(_ text: String) throws -> EBNFGrammar {
        var reader = Reader(tokens: try tokenize(text))
        return try reader.grammar()
    }

    // MARK: tokens

    enum Tok: Equatable {
        case ident(String), terminal(String), special(String), symbol(Character), comment(String)
    }

    struct Lexeme {
        let tok: Tok
        let line: Int
    }

    static func tokenize(_ text: String) throws -> [Lexeme] {
        let cs = Array(text)
        var out: [Lexeme] = []
        var i = 0, line = 1
        func isNameChar(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }
        /// Reads up to `close` (not included), counting lines.
        func until(_ close: [Character], from start: Int) throws -> (String, Int) {
            var j = start
            while j + close.count <= cs.count {
                if Array(cs[j..<(j + close.count)]) == close { return (String(cs[start..<j]), j + close.count) }
                if cs[j] == "\n" { line += 1 }
                j += 1
            }
            throw EBNFError(line: line, message: "'\(String(close))' is missing")
        }
        while i < cs.count {
            let c = cs[i]
            let startLine = line
            if c == "\n" {
                line += 1
                i += 1
            } else if c.isWhitespace {
                i += 1
            } else if c == "(", i + 1 < cs.count, cs[i + 1] == "*" {
                let (body, next) = try until(["*", ")"], from: i + 2)
                out.append(Lexeme(tok: .comment(body), line: startLine))
                i = next
            } else if c == "\"" || c == "'" {
                let (body, next) = try until([c], from: i + 1)
                guard !body.contains("\n") else { throw EBNFError(line: startLine, message: "a literal spans lines") }
                out.append(Lexeme(tok: .terminal(body), line: startLine))
                i = next
            } else if c == "?" {
                let (body, next) = try until(["?"], from: i + 1)
                out.append(Lexeme(tok: .special(body.trimmingCharacters(in: .whitespaces)), line: startLine))
                i = next
            } else if isNameChar(c) {
                // A meta identifier may hold single spaces ("line end"), not line ends.
                var j = i
                while j < cs.count, isNameChar(cs[j]) || cs[j] == " " || cs[j] == "\t" { j += 1 }
                let name = String(cs[i..<j]).split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
                out.append(Lexeme(tok: .ident(name), line: startLine))
                i = j
            } else if "=,|-[]{}();".contains(c) {
                out.append(Lexeme(tok: .symbol(c), line: startLine))
                i += 1
            } else {
                throw EBNFError(line: line, message: "unexpected character '\(c)'")
            }
        }
        return out
    }

    // MARK: productions

    private struct Reader {
        let all: [Lexeme]
        /// Indices into `all` of the tokens that are not comments.
        let code: [Int]
        var pos = 0

        init(tokens: [Lexeme]) {
            all = tokens
            code = tokens.indices.filter { if case .comment = tokens[$0].tok { false } else { true } }
        }

        var line: Int { pos < code.count ? all[code[pos]].line : (all.last?.line ?? 0) }
        var peek: Tok? { pos < code.count ? all[code[pos]].tok : nil }

        mutating func take(_ c: Character) -> Bool {
            guard peek == .symbol(c) else { return false }
            pos += 1
            return true
        }

        mutating func expect(_ c: Character) throws {
            guard take(c) else { throw EBNFError(line: line, message: "expected '\(c)'") }
        }

        /// The part a token at `index` of `all` is in, from the last marker before it.
        func part(before index: Int) -> String? {
            for k in stride(from: index - 1, through: 0, by: -1) {
                if case .comment(let body) = all[k].tok {
                    let t = body.trimmingCharacters(in: .whitespacesAndNewlines)
                    if t.hasPrefix("part:") { return t.dropFirst(5).trimmingCharacters(in: .whitespaces) }
                }
            }
            return nil
        }

        mutating func grammar() throws -> EBNFGrammar {
            var productions: [EBNFProduction] = []
            while let tok = peek {
                guard case .ident(let name) = tok else { throw EBNFError(line: line, message: "expected a production name") }
                let first = code[pos], nameLine = line
                pos += 1
                try expect("=")
                let rhs = try alternatives()
                guard peek == .symbol(";") else { throw EBNFError(line: line, message: "expected ';' to end '\(name)'") }
                let semi = code[pos]
                pos += 1
                var impls: [String] = []
                if semi + 1 < all.count, case .comment(let body) = all[semi + 1].tok, all[semi + 1].line == all[semi].line {
                    let t = body.trimmingCharacters(in: .whitespaces)
                    if t.hasPrefix("impl:") {
                        impls = t.dropFirst(5).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                    }
                }
                let part = part(before: first)
                guard part == "structural" || part == "lexical" else {
                    throw EBNFError(line: nameLine, message: "'\(name)' is in no part (structural or lexical)")
                }
                productions.append(EBNFProduction(name: name, rhs: rhs, impls: impls, isLexical: part == "lexical", line: nameLine))
            }
            let parts = Set(productions.map(\.isLexical))
            return EBNFGrammar(productions: productions, hasParts: parts.count == 2)
        }

        mutating func alternatives() throws -> EBNFExpr {
            var items = [try sequence()]
            while take("|") { items.append(try sequence()) }
            return items.count == 1 ? items[0] : .alt(items)
        }

        mutating func sequence() throws -> EBNFExpr {
            var items = [try term()]
            while take(",") { items.append(try term()) }
            return items.count == 1 ? items[0] : .seq(items)
        }

        mutating func term() throws -> EBNFExpr {
            let a = try factor()
            return take("-") ? .except(a, try factor()) : a
        }

        mutating func factor() throws -> EBNFExpr {
            let l = line
            guard let tok = peek else { throw EBNFError(line: l, message: "unexpected end") }
            pos += 1
            switch tok {
            case .terminal(let t): return .terminal(t)
            case .special(let s): return .special(s)
            case .ident(let name): return .ref(name)
            case .symbol("["):
                let x = try alternatives()
                try expect("]")
                return .opt(x)
            case .symbol("{"):
                let x = try alternatives()
                try expect("}")
                return .rep(x)
            case .symbol("("):
                let x = try alternatives()
                try expect(")")
                return x
            default:
                throw EBNFError(line: l, message: "unexpected \(tok)")
            }
        }
    }
}

/// Sentences of a grammar's structural productions, for GrammarSpecTests: deterministic and of
/// bounded depth. Alternatives are taken in turn (each `|` keeps its own count), `[ ]` and
/// `{ }` hold their part once, then not at all, in turn, and a lexical production is filled
/// with one of its fixed samples, in turn. Deeper than `maxDepth` productions, every part is
/// the smallest it can be. Tokens are joined by one space.
struct SentenceGenerator {
    /// Where a sentence goes in a context.
    static let hole = "\u{2063}hole\u{2063}"
    static let infinite = Int.max / 4

    let grammar: EBNFGrammar
    /// Texts standing for the lexical productions the structural part names.
    let samples: [String: [String]]
    let maxDepth: Int
    private var counters: [String: Int] = [:]
    /// How many productions deep the smallest sentence of each structural production is.
    private var heights: [String: Int] = [:]

    init(grammar: EBNFGrammar, samples: [String: [String]], maxDepth: Int = 8) {
        self.grammar = grammar
        self.samples = samples
        self.maxDepth = maxDepth
        var h: [String: Int] = [:]
        for p in grammar.productions where !p.isLexical { h[p.name] = Self.infinite }
        var changed = true
        while changed {
            changed = false
            for p in grammar.productions where !p.isLexical {
                let v = min(Self.infinite, 1 + height(p.rhs, h))
                if v < h[p.name]! {
                    h[p.name] = v
                    changed = true
                }
            }
        }
        heights = h
    }

    private func isLexical(_ name: String) -> Bool { grammar[name]?.isLexical ?? true }

    private func height(_ e: EBNFExpr, _ h: [String: Int]) -> Int {
        switch e {
        case .terminal, .special: 0
        case .ref(let r): isLexical(r) ? (samples[r] == nil ? Self.infinite : 0) : h[r] ?? Self.infinite
        case .seq(let xs): xs.map { height($0, h) }.max() ?? 0
        case .alt(let xs): xs.map { height($0, h) }.min() ?? Self.infinite
        case .opt, .rep: 0
        case .except(let a, _): height(a, h)
        }
    }

    // MARK: sentences

    /// The next sentence of a structural production.
    mutating func sentence(_ name: String) -> String {
        guard let p = grammar[name] else { return "" }
        return expand(p.rhs, key: name, depth: 1).joined(separator: " ")
    }

    private mutating func bump(_ key: String) -> Int {
        let n = counters[key, default: 0]
        counters[key] = n + 1
        return n
    }

    private mutating func expand(_ e: EBNFExpr, key: String, depth: Int) -> [String] {
        if depth > maxDepth { return smallest(e) }
        switch e {
        case .terminal(let t):
            return [t]
        case .special:
            return []
        case .ref(let r):
            if isLexical(r) {
                let all = samples[r] ?? ["<no sample for \(r)>"]
                return [all[bump("sample \(r)") % all.count]]
            }
            return expand(grammar[r]!.rhs, key: r, depth: depth + 1)
        case .seq(let xs):
            var out: [String] = []
            for (i, x) in xs.enumerated() { out += expand(x, key: "\(key).\(i)", depth: depth) }
            return out
        case .alt(let xs):
            let i = bump(key) % xs.count
            return expand(xs[i], key: "\(key)|\(i)", depth: depth)
        case .opt(let x), .rep(let x):
            return bump(key) % 2 == 0 ? expand(x, key: key + "*", depth: depth) : []
        case .except(let a, _):
            return expand(a, key: key + "-", depth: depth)
        }
    }

    /// The smallest sentence: the lowest alternative (the first of equals), nothing repeated.
    func smallest(_ e: EBNFExpr) -> [String] {
        switch e {
        case .terminal(let t): [t]
        case .special, .opt, .rep: []
        case .ref(let r): isLexical(r) ? [samples[r]?.first ?? "<no sample for \(r)>"] : smallest(grammar[r]!.rhs)
        case .seq(let xs): xs.flatMap(smallest)
        case .alt(let xs): smallest(xs.min { height($0, heights) < height($1, heights) }!)
        case .except(let a, _): smallest(a)
        }
    }

    // MARK: contexts

    /// For each structural production reachable from the start, a text of the start symbol
    /// with `hole` where a sentence of that production goes: the shortest derivation down to
    /// it, every other part at its smallest.
    func contexts() -> [String: String] {
        var parent: [String: (name: String, path: [Int])] = [:]
        var order = [grammar.start]
        var k = 0
        while k < order.count, let p = grammar[order[k]] {
            k += 1
            for (r, path) in occurrences(p.rhs, []) where parent[r] == nil && r != grammar.start && !isLexical(r) {
                parent[r] = (p.name, path)
                order.append(r)
            }
        }
        var result = [grammar.start: Self.hole]
        for name in order.dropFirst() {
            let (p, path) = parent[name]!
            let inner = withHole(grammar[p]!.rhs, path[...]).joined(separator: " ")
            result[name] = result[p]!.replacingOccurrences(of: Self.hole, with: inner)
        }
        return result
    }

    /// Each nonterminal named in `e` (not in an excepted part), with the way down to it.
    private func occurrences(_ e: EBNFExpr, _ path: [Int]) -> [(String, [Int])] {
        switch e {
        case .ref(let r): [(r, path)]
        case .terminal, .special: []
        case .seq(let xs), .alt(let xs): xs.enumerated().flatMap { occurrences($1, path + [$0]) }
        case .opt(let x), .rep(let x), .except(let x, _): occurrences(x, path + [0])
        }
    }

    private func withHole(_ e: EBNFExpr, _ path: ArraySlice<Int>) -> [String] {
        guard let step = path.first else { return [Self.hole] }
        let rest = path.dropFirst()
        switch e {
        case .seq(let xs): return xs.enumerated().flatMap { $0 == step ? withHole($1, rest) : smallest($1) }
        case .alt(let xs): return withHole(xs[step], rest)
        case .opt(let x), .rep(let x), .except(let x, _): return withHole(x, rest)
        case .terminal, .special, .ref: return [Self.hole]
        }
    }
}
