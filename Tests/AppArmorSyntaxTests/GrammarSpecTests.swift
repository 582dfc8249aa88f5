import AASwiftTestSupport
import AppArmorSyntax
import Foundation
import XCTest

/// Grammar/apparmor.ebnf is the spec of the parser: every production names the functions that
/// read it and they exist, every keyword the parser acts on is a literal of some production,
/// every production is reachable and every name defined, and sentences generated from each
/// structural production parse with no error.
final class GrammarSpecTests: XCTestCase {
    /// Keywords of statements and headers, besides SyntaxKind.ruleKeywords and
    /// Parser.qualifierKeywords. (The words the parser compares tokens with are added from its
    /// source, see `parserWords`.)
    static let statementKeywords = [
        "include", "#include", "abi", "#abi", "if", "else", "exists", "defined", "not", "and", "or", "in",
        "profile", "hat", "set", "alias", "priority", "safe", "unsafe", "xattrs", "flags",
    ]

    /// Texts for the lexical productions the structural part names; each is valid wherever the
    /// grammar puts it.
    static let samples: [String: [String]] = [
        "trivia": ["", "# comment\n"],
        "end of file": [""],
        "line end": ["\n"],
        "continuation": ["\\\n"],
        "word": ["w", "x.y-z_1"],
        "string": ["\"s\"", "\"a b\""],
        "angle name": ["<abstractions/base>"],
        "lbrace": ["{"],
        "comparison": ["==", "!=", "<", "<=", ">", ">="],
        "variable": ["@{V}", "${B}", "@V", "$B"],
        "path": ["/p", "@{V}/p", "/a,b/c", "{/a,/b}"],
        "hat name": ["^h"],
    ]

    /// Structural productions whose generated sentences may hold a syntax error, with why (the
    /// grammar does not capture it). Kept short: each entry must still fail, or the test asks
    /// for it to go.
    static let allowedFailures: [String: String] = [:]

    // MARK: inputs

    static func grammarText() throws -> String {
        try String(contentsOf: Fixtures.project("Grammar/apparmor.ebnf"), encoding: .utf8)
    }

    static func syntaxSources(under folder: String = "Sources/AppArmorSyntax") throws -> [String] {
        try Fixtures.files(under: Fixtures.project(folder), suffix: ".swift").map { try String(contentsOf: $0, encoding: .utf8) }
    }

    static func matches(_ pattern: String, in text: String) -> [String] {
        let re = try! NSRegularExpression(pattern: pattern)
        return re.matches(in: text, range: NSRange(text.startIndex..., in: text)).map {
            String(text[Range($0.range(at: 1), in: text)!])
        }
    }

    /// The words the parser compares tokens with (`isWord(t, "if")`, `keyword == "set"`, ...),
    /// Swift escapes undone.
    static func parserWords() throws -> Set<String> {
        let literal = #""((?:[^"\\]|\\.)*)""#
        let patterns = [
            #"isWord\((?:[^"()\n]|\([^()\n]*\))*, "# + literal + #"\)"#,
            #"textEquals\((?:[^"()\n]|\([^()\n]*\))*, "# + literal + #"\)"#,
            #"keyword == "# + literal,
            #"hasPrefix\("# + literal + #"\)"#,
            #"parseChain\(\.\w+, "# + literal + #"\)"#,
        ]
        var words = Set<String>()
        for text in try syntaxSources(under: "Sources/AppArmorSyntax/Parser") {
            for p in patterns {
                for m in matches(p, in: text) {
                    words.insert(m.replacingOccurrences(of: "\\\"", with: "\"").replacingOccurrences(of: "\\\\", with: "\\"))
                }
            }
        }
        return words
    }

    // MARK: checks (each returns what is wrong, so that a test can break the grammar on purpose)

    /// (a) Every production names `Type.function`s, and each is a `func` of a file of
    /// Sources/AppArmorSyntax that declares `Type`.
    static func implProblems(_ g: EBNFGrammar, sources: [String]) -> [String] {
        var problems: [String] = []
        for p in g.productions {
            if p.impls.isEmpty { problems.append("'\(p.name)' (line \(p.line)) names no function: (* impl: Type.function *)") }
            for impl in p.impls {
                let parts = impl.split(separator: ".").map(String.init)
                guard parts.count == 2 else {
                    problems.append("'\(p.name)': '\(impl)' is not Type.function")
                    continue
                }
                let declares = #"\b(struct|enum|class|actor|extension)\s+"# + NSRegularExpression.escapedPattern(for: parts[0]) + #"\b"#
                let found = sources.contains { s in
                    s.range(of: declares, options: .regularExpression) != nil
                        && (s.contains("func \(parts[1])(") || s.contains("func \(parts[1])<"))
                }
                if !found { problems.append("'\(p.name)': no func \(parts[1]) of \(parts[0]) in Sources/AppArmorSyntax") }
            }
        }
        return problems
    }

    /// (b) Every keyword is a literal of some production (not just a word in a comment).
    static func keywordProblems(_ g: EBNFGrammar, keywords: [String]) -> [String] {
        let literals = Set(g.productions.flatMap(\.rhs.terminals))
        return keywords.filter { !literals.contains($0) }.map { "\"\($0)\" is not a literal of any production" }
    }

    /// (c) Both parts are there, no name is defined twice or used undefined, and every
    /// production is reachable from the start.
    static func structureProblems(_ g: EBNFGrammar) -> [String] {
        var problems: [String] = g.hasParts ? [] : ["the grammar needs both (* part: structural *) and (* part: lexical *)"]
        var defined = Set<String>()
        for p in g.productions where !defined.insert(p.name).inserted { problems.append("'\(p.name)' is defined twice") }
        for p in g.productions {
            for r in Set(p.rhs.refs) where !defined.contains(r) { problems.append("'\(r)' (used in '\(p.name)') is not defined") }
        }
        var reached: Set = [g.start]
        var todo = [g.start]
        while let n = todo.popLast() {
            for r in g[n]?.rhs.refs ?? [] where reached.insert(r).inserted { todo.append(r) }
        }
        for p in g.productions where !reached.contains(p.name) { problems.append("'\(p.name)' is not reachable from '\(g.start)'") }
        return problems
    }

    /// (d) Sentences generated from each structural production, in the context the shortest
    /// derivation from the start gives, that do not parse cleanly; and how many sentences each
    /// production gave.
    static func sentenceFailures(_ g: EBNFGrammar) -> (failures: [String: [String]], counts: [String: Int]) {
        var gen = SentenceGenerator(grammar: g, samples: samples)
        let contexts = gen.contexts()
        var failures: [String: [String]] = [:]
        var counts: [String: Int] = [:]
        for p in g.productions where !p.isLexical {
            guard let context = contexts[p.name] else { continue }  // structureProblems reports it
            for _ in 0..<max(4, p.rhs.widestChoice) {
                let sentence = gen.sentence(p.name)
                if !sentence.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { counts[p.name, default: 0] += 1 }
                let text = context.replacingOccurrences(of: SentenceGenerator.hole, with: sentence)
                let r = Parser.parse(text: text)
                let errors = r.diagnostics.filter { $0.severity == .error }
                if !errors.isEmpty {
                    failures[p.name, default: []].append("\(text.debugDescription): " + errors.map { "\($0.id) \($0.message)" }.joined(separator: "; "))
                }
            }
        }
        return (failures, counts)
    }

    static func allProblems(_ text: String) throws -> [String] {
        let g = try EBNFGrammar.parse(text)
        let keywords = SyntaxKind.ruleKeywords + Parser.qualifierKeywords + statementKeywords + (try parserWords()).sorted()
        return implProblems(g, sources: try syntaxSources()) + keywordProblems(g, keywords: keywords) + structureProblems(g)
    }

    // MARK: tests

    func testEveryProductionNamesFunctionsThatExist() throws {
        let g = try EBNFGrammar.parse(Self.grammarText())
        XCTAssertGreaterThan(g.productions.count, 30)
        XCTAssertEqual(Self.implProblems(g, sources: try Self.syntaxSources()), [])
    }

    func testEveryKeywordIsALiteral() throws {
        let g = try EBNFGrammar.parse(Self.grammarText())
        let words = try Self.parserWords()
        // The extraction from the parser's source still finds what it is meant to.
        for w in ["include", "#include", "if", "exists", "defined", "not", "in", "or", "and", "profile", "hat", "set", "alias", "^", "\\"] {
            XCTAssertTrue(words.contains(w), "parserWords() no longer finds \"\(w)\" in the parser")
        }
        let keywords = SyntaxKind.ruleKeywords + Parser.qualifierKeywords + Self.statementKeywords + words.sorted()
        XCTAssertEqual(Self.keywordProblems(g, keywords: keywords), [])
        // The grammar's rule keywords are the parser's, no more.
        let ruleKeywords = g["rule keyword"].map(\.rhs.terminals) ?? []
        XCTAssertEqual(Set(ruleKeywords), Set(SyntaxKind.ruleKeywords))
        for kw in SyntaxKind.ruleKeywords { XCTAssertNotNil(SyntaxKind.ruleKind(forKeyword: kw)) }
    }

    func testEveryProductionIsReachableAndEveryNameDefined() throws {
        XCTAssertEqual(Self.structureProblems(try EBNFGrammar.parse(Self.grammarText())), [])
    }

    func testGeneratedSentencesParseWithoutErrors() throws {
        let g = try EBNFGrammar.parse(Self.grammarText())
        let (failures, _) = Self.sentenceFailures(g)
        for (name, texts) in failures.sorted(by: { $0.key < $1.key }) where Self.allowedFailures[name] == nil {
            XCTFail("sentences of '\(name)' do not parse:\n  " + texts.joined(separator: "\n  "))
        }
        for name in Self.allowedFailures.keys.sorted() where failures[name] == nil {
            XCTFail("'\(name)' is on allowedFailures but its sentences parse: take it off")
        }
    }

    func testGeneratorMakesSentencesForEveryStructuralProduction() throws {
        let g = try EBNFGrammar.parse(Self.grammarText())
        let structural = g.productions.filter { !$0.isLexical }
        XCTAssertGreaterThan(structural.count, 20)
        let (_, counts) = Self.sentenceFailures(g)
        for p in structural {
            XCTAssertGreaterThan(counts[p.name] ?? 0, 0, "no sentence of '\(p.name)'")
        }
        // Every lexical production the structural part names has samples.
        let named = Set(structural.flatMap(\.rhs.refs)).filter { g[$0]?.isLexical == true }
        XCTAssertEqual(named.subtracting(Self.samples.keys).sorted(), [])
        XCTAssertEqual(Set(Self.samples.keys).subtracting(named).sorted(), [], "samples for productions the structural part does not name")
    }

    /// The checks fail when the grammar is wrong: each breakage is caught.
    func testTheChecksCatchABrokenGrammar() throws {
        let text = try Self.grammarText()
        XCTAssertEqual(try Self.allProblems(text), [])
        func assertCaught(_ of: String, _ with: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) throws {
            XCTAssertTrue(text.contains(of), "the grammar no longer holds \(of)", file: file, line: line)
            let problems = try Self.allProblems(text.replacingOccurrences(of: of, with: with))
            XCTAssertTrue(problems.contains { $0.contains(expected) }, "\(problems)", file: file, line: line)
        }
        try assertCaught("impl: ParserState.parseAbi *)", "impl: ParserState.parseAbiRule *)", "no func parseAbiRule")
        try assertCaught("impl: ParserState.parseAbi *)", "ParserState.parseAbi *)", "'abi' (line")
        try assertCaught("impl: ParserState.parseAbi *)", "impl: ParserLexer.parseAbi *)", "no func parseAbi of ParserLexer")
        try assertCaught("\"in\"", "\"inside\"", "\"in\" is not a literal")
        try assertCaught("| generic statement ;", "| generic statements ;", "'generic statements' (used in 'statement')")
        try assertCaught("(* part: lexical *)", "(* part: lexical *)\nunused = \"x\" ; (* impl: Lexer.next *)", "'unused' is not reachable")

        // A grammar that says the parser takes what it refuses: rules with no ",".
        let noComma = text.replacingOccurrences(of: "rule           = rule head , { element } , \",\" ;",
                                                with: "rule           = rule head , { element } ;")
        XCTAssertNotEqual(noComma, text)
        XCTAssertNotNil(Self.sentenceFailures(try EBNFGrammar.parse(noComma)).failures["rule"])
    }
}
