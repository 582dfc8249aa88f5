import AppArmorSyntax

/// A diagnostic with the file it points into.
public struct PolicyDiagnostic: Sendable {
    public let diagnostic: Diagnostic
    public let source: SourceFile

    public var isError: Bool { diagnostic.severity == .error }
    public func rendered(color: Bool = false) -> String { diagnostic.rendered(in: source, color: color) }
    public var oneLine: String { diagnostic.oneLine(in: source) }
    public var location: SourceLocation { source.location(of: diagnostic.range.lowerBound) }
}

/// The parts of a rule after its keyword, with values unquoted.
enum RuleElement {
    case word(String, Token)
    case condition(key: String, op: String, values: [(String, Token)], isList: Bool, node: SyntaxNode)
    case list([RuleElement], SyntaxNode)
    case arrow(String?, SyntaxNode)
    case other(Range<Int>)

    var range: Range<Int> {
        switch self {
        case .word(_, let t): t.textRange
        case .condition(_, _, _, _, let n), .list(_, let n), .arrow(_, let n): n.textRange
        case .other(let r): r
        }
    }

    var word: String? { if case .word(let w, _) = self { w } else { nil } }

    static func from(_ e: SyntaxElement, in r: ParseResult) -> RuleElement {
        switch e {
        case .token(let t):
            if t.kind == .word || t.kind == .string { return .word(r.value(t), t) }
            return .other(t.textRange)
        case .node(let n):
            switch n.kind {
            case .condition:
                let toks = n.childTokens
                let key = toks.first.map { r.text($0) } ?? ""
                let op = toks.count > 1 ? r.text(toks[1]) : ""
                if let l = n.firstChild(.list) {
                    let vals = ListSyntax(l).itemTokens.filter { $0.kind == .word || $0.kind == .string }.map { (r.value($0), $0) }
                    return .condition(key: key, op: op, values: vals, isList: true, node: n)
                }
                let vals = toks.dropFirst(2).filter { $0.kind == .word || $0.kind == .string }.map { (r.value($0), $0) }
                return .condition(key: key, op: op, values: vals, isList: false, node: n)
            case .list:
                let items = n.children.compactMap { c -> RuleElement? in
                    if case .token(let t) = c, t.kind == .lparen || t.kind == .rparen || t.kind == .comma { return nil }
                    return from(c, in: r)
                }
                return .list(items, n)
            case .arrowTarget:
                let t = n.childTokens.dropFirst().first
                return .arrow(t.map { r.value($0) }, n)
            default:
                return .other(n.textRange)
            }
        }
    }
}

/// What a rule validator needs: the file, the rule node, the variables, and a place to report.
struct RuleScope {
    let result: ParseResult
    let node: SyntaxNode
    let session: CheckSession
    let expander: VariableExpander
    let qualifiers: RuleQualifiers
    let elements: [RuleElement]
    /// The keyword token, when the rule starts with one.
    let keyword: Token?

    func error(_ id: DiagnosticID, _ message: String, _ range: Range<Int>) {
        session.report(id, message, range, in: result)
    }

    var ruleRange: Range<Int> { node.textRange }

    /// The text with variables expanded into one pattern; reports and returns nil on failure.
    /// Expansions of variables that do not depend on the profile's built-ins are shared by the
    /// whole run (texts seldom repeat; the variables in them do).
    func expand(_ s: String, _ range: Range<Int>) -> String? {
        guard VariableExpander.mentionsVariable(s) else { return s }
        let cacheable = !session.variablesUseBuiltins && !CheckSession.mentionsBuiltin(s)
        do {
            return cacheable ? try expandByVariable(s, variables: session.variablesDigest) : try expander.expandPattern(s)
        } catch let e {
            switch e {
            case .undefined: error(.variableUndefined, e.description, range)
            case .recursive: error(.variableRecursive, e.description, range)
            case .tooLarge: error(.variableBadValue, e.description, range)
            }
            return nil
        }
    }

    /// The same expansion as `expandPattern`, each variable expanded once per run (the text
    /// `@{NAME}` alone is expanded and kept): piece by piece, so the first error is the same.
    private func expandByVariable(_ s: String, variables: Int) throws(ExpansionError) -> String {
        let b = Array(s.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(b.count + 32)
        var i = 0
        while i < b.count {
            // `@{NAME}` with a valid name is a reference (as `VariableExpander.pieces` reads it).
            if let j = VariableExpander.referenceEnd(b, at: i) {
                let ref = String(decoding: b[i...j], as: UTF8.self)
                let v: String
                if let hit = session.cache.expansions[variables]?[ref] {
                    v = hit
                } else {
                    v = try expander.expandPattern(ref)
                    session.cache.expansions[variables, default: [:]][ref] = v
                }
                out.append(contentsOf: v.utf8)
                i = j + 1
                continue
            }
            out.append(b[i])
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Expands and checks a value as AARE.
    @discardableResult
    func checkAARE(_ s: String, _ range: Range<Int>) -> String? {
        guard let p = expand(s, range) else { return nil }
        if let e = session.cache.validateAARE(p) {
            error(.badAARE, "invalid pattern '\(s)': \(e.message)", range)
            return nil
        }
        return p
    }

    /// Conditions, checked for known keys and duplicates; values are expanded.
    func conditions(allowed: Set<String>, peerAllowed: Set<String>, family: String) -> [RuleCondition]? {
        var out: [RuleCondition] = []
        var ok = true
        var sawPeer = false
        for e in elements {
            guard case .condition(let key, let op, let values, let isList, let node) = e else { continue }
            if key == "peer" {
                if sawPeer {
                    error(.duplicateCondition, "peer=( ) given twice", node.textRange)
                    ok = false
                    continue
                }
                sawPeer = true
                guard op == "=", isList, let l = node.firstChild(.list) else {
                    error(.badCondition, "peer=( ... ) expected", node.textRange)
                    ok = false
                    continue
                }
                if peerAllowed.isEmpty {
                    error(.badCondition, "\(family) rules have no peer", node.textRange)
                    ok = false
                    continue
                }
                let inner = RuleElement.from(.node(l), in: result)
                guard case .list(let items, _) = inner else { continue }
                for item in items {
                    guard case .condition(var k, let o, let vs, _, let n) = item else {
                        error(.unexpectedElement, "unexpected '\(result.text(l))' in peer", item.range)
                        ok = false
                        continue
                    }
                    if k.hasSuffix(":") { k.removeLast() }
                    if !peerAllowed.contains(k) || o != "=" && o != ":=" || vs.count != 1 {
                        error(.badCondition, "invalid peer condition '\(result.text(n))' in a \(family) rule", n.textRange)
                        ok = false
                        continue
                    }
                    if out.contains(where: { $0.key == k && $0.isPeer }) {
                        error(.duplicateCondition, "peer condition '\(k)' given twice", n.textRange)
                        ok = false
                        continue
                    }
                    out.append(RuleCondition(key: k, values: vs.map(\.0), isPeer: true, range: n.textRange))
                }
                continue
            }
            guard allowed.contains(key) else {
                error(.badCondition, "unknown condition '\(key)' in a \(family) rule", node.textRange)
                ok = false
                continue
            }
            if op != "=" || values.count != 1 {
                error(.badCondition, "'\(key)' takes one value with '='", node.textRange)
                ok = false
                continue
            }
            if out.contains(where: { $0.key == key && !$0.isPeer }) {
                error(.duplicateCondition, "condition '\(key)' given twice", node.textRange)
                ok = false
                continue
            }
            out.append(RuleCondition(key: key, values: values.map(\.0), range: node.textRange))
        }
        return ok ? out : nil
    }

    /// Permission words: one bare word, or a `( ... )` list of them.
    func permissions(known: Set<String>, family: String) -> [String]? {
        var perms: [String] = []
        var bare = 0
        var ok = true
        for e in elements {
            switch e {
            case .word(let w, let t):
                bare += 1
                if bare > 1 {
                    error(.badPermission, "several \(family) permissions need a list: ( \(w) ... )", t.textRange)
                    ok = false
                }
                for p in w.split(separator: ",").map(String.init) where !p.isEmpty {
                    if !known.contains(p) {
                        error(.badPermission, "unknown \(family) permission '\(p)'", t.textRange)
                        ok = false
                    }
                    perms.append(p)
                }
            case .list(let items, _):
                for item in items {
                    guard case .word(let w, let t) = item, known.contains(w) else {
                        error(.badPermission, "unknown \(family) permission '\(result.source.text(item.range))'", item.range)
                        ok = false
                        continue
                    }
                    _ = t
                    perms.append(w)
                }
            case .arrow(_, let n):
                error(.unexpectedElement, "\(family) rules take no '->'", n.textRange)
                ok = false
            case .other(let r):
                error(.unexpectedElement, "unexpected text in a \(family) rule", r)
                ok = false
            case .condition:
                continue
            }
        }
        return ok ? perms : nil
    }
}
