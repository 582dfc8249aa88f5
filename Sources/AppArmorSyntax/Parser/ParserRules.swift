/// Rules, profile and hat headers, and qualifier blocks: every statement that is a run of
/// elements closed by `,` (a rule) or by `{` (a header, then a block).
extension ParserState {
    private static let qualifierBytes = Parser.qualifierKeywords.map { Array($0.utf8) }

    func isQualifier(_ t: Token) -> Bool {
        guard t.kind == .word else { return false }
        let text = bytes[t.textRange]
        return ParserState.qualifierBytes.contains { $0.elementsEqual(text) }
    }

    /// `[qualifiers] element... (',' | '{' block)`.
    mutating func parseGenericStatement() -> SyntaxNode {
        let start = peek().fullRange.lowerBound
        var children: [SyntaxElement] = []
        children.reserveCapacity(8)
        var hasQualifiers = false
        if let q = parseQualifiers() {
            children.append(.node(q))
            hasQualifiers = true
        }
        var elements: [SyntaxElement] = []
        elements.reserveCapacity(6)
        while true {
            let t = peek()
            if t.kind == .comma || t.kind == .lbrace || t.kind == .rbrace || t.kind == .eof { break }
            elements.append(parseElement())
        }
        children += elements
        let term = peek()
        let keyword = leadingKeyword(elements)
        switch term.kind {
        case .lbrace:
            if hasQualifiers && elements.isEmpty {
                children.append(.node(parseBlock()))
                return SyntaxNode.make(kind: .qualifierBlock, children: children, at: start)
            }
            let kind: SyntaxKind = isHatHeader(elements, keyword: keyword) ? .hat : .profile
            if hasQualifiers {
                error(.unexpectedToken, "qualifiers cannot come before a \(kind == .hat ? "hat" : "profile")", children[0].fullRange)
            }
            if elements.isEmpty || (keyword == "profile" || keyword == "hat") && elements.count < 2 {
                error(.missingName, "\(kind == .hat ? "hat" : "profile") without a name", term.textRange)
            }
            children.append(.node(parseBlock()))
            return SyntaxNode.make(kind: kind, children: children, at: start)
        default:
            let kind = classifyRule(elements, keyword: keyword)
            if term.kind == .comma {
                children.append(.token(bump()))
            } else {
                let end = children.last?.fullRange.upperBound ?? start
                let at = lastTextEnd(children) ?? end
                error(.missingComma, "missing ',' at the end of the rule", at..<at)
            }
            if kind == .error {
                let range = statementTextRange(children) ?? (start..<start)
                error(.unknownStatement, "unknown rule or statement", range)
            }
            return SyntaxNode.make(kind: kind, children: children, at: start)
        }
    }

    /// `audit`, `deny`, `allow`, `owner`, `other`, `priority=N` ... before a rule or block.
    mutating func parseQualifiers() -> SyntaxNode? {
        var children: [SyntaxElement] = []
        while true {
            let t = peek()
            guard t.kind == .word else { break }
            if isQualifier(t) {
                let m = mark
                let tok = bump()
                // A qualifier word alone before ',' is not a qualifier.
                if peek().kind == .comma || peek().kind == .eof {
                    rewind(to: m)
                    break
                }
                children.append(.token(tok))
            } else if isWord(t, "priority") {
                let m = mark
                let key = bump()
                if peek().kind == .equals {
                    children.append(.node(parseConditionRest(key: key)))
                } else {
                    rewind(to: m)
                    break
                }
            } else {
                break
            }
        }
        guard !children.isEmpty else { return nil }
        return SyntaxNode.make(kind: .qualifiers, children: children, at: children[0].fullRange.lowerBound)
    }

    /// One element of a rule or header: a word, a string, `key=value`, `key in (...)`, a
    /// parenthesised list or `-> target`.
    mutating func parseElement() -> SyntaxElement {
        let t = peek()
        switch t.kind {
        case .word:
            let key = bump()
            let next = peek()
            if next.kind.isAssignment {
                return .node(parseConditionRest(key: key))
            }
            if isWord(next, "in") {
                let m = mark
                let op = bump()
                if peek().kind == .lparen {
                    let list = parseList()
                    return .node(SyntaxNode.make(kind: .condition, children: [.token(key), .token(op), .node(list)], at: key.fullRange.lowerBound))
                }
                rewind(to: m)
            }
            return .token(key)
        case .string, .lessEquals, .angleName:
            return .token(bump())
        case .lparen:
            return .node(parseList())
        case .arrow:
            let arrow = bump()
            var children: [SyntaxElement] = [.token(arrow)]
            let target = peek(.value)
            if target.kind == .word || target.kind == .string {
                children.append(.token(bump(.value)))
            } else {
                error(.unexpectedToken, "expected a target after '->'", arrow.textRange)
            }
            return .node(SyntaxNode.make(kind: .arrowTarget, children: children, at: arrow.fullRange.lowerBound))
        default:
            let tok = bump()
            error(tok.kind == .unknown ? .badCharacter : .unexpectedToken, "unexpected \(tok.kind == .unknown ? unknownCharacter(tok) : tok.kind.description) in a rule", tok.textRange)
            return .node(SyntaxNode.make(kind: .error, children: [.token(tok)], at: tok.fullRange.lowerBound))
        }
    }

    /// After `key`: the operator and the value (a word, a string or a list).
    mutating func parseConditionRest(key: Token) -> SyntaxNode {
        let op = bump()
        var children: [SyntaxElement] = [.token(key), .token(op)]
        let v = peek(.value)
        switch v.kind {
        case .lparen:
            children.append(.node(parseList()))
        case .word, .string:
            children.append(.token(bump(.value)))
        default:
            error(.unexpectedToken, "expected a value after '\(text(key))\(text(op))'", op.textRange)
        }
        return SyntaxNode.make(kind: .condition, children: children, at: key.fullRange.lowerBound)
    }

    /// `( element [,] element ... )`; commas inside are separators.
    mutating func parseList() -> SyntaxNode {
        let open = bump()
        var children: [SyntaxElement] = [.token(open)]
        if depth >= Parser.maxNesting {
            error(.tooDeep, "lists nested more than \(Parser.maxNesting) deep", open.textRange)
        }
        depth += 1
        listDepth += 1
        defer { depth -= 1; listDepth -= 1 }
        while true {
            let t = peek()
            switch t.kind {
            case .rparen:
                children.append(.token(bump()))
                return SyntaxNode.make(kind: .list, children: children, at: open.fullRange.lowerBound)
            case .lbrace, .rbrace, .eof:
                error(.unclosedParen, "'(' is never closed", open.textRange)
                return SyntaxNode.make(kind: .list, children: children, at: open.fullRange.lowerBound)
            case .comma:
                children.append(.token(bump()))
            case .lparen where depth >= Parser.maxNesting:
                children.append(.token(bump()))
            default:
                children.append(parseElement())
            }
        }
    }

    // MARK: classification

    /// The first word of the statement (after qualifiers), if any.
    func leadingKeyword(_ elements: [SyntaxElement]) -> String? {
        guard let first = elements.first else { return nil }
        switch first {
        case .token(let t) where t.kind == .word: return text(t)
        case .node(let n) where n.kind == .condition:
            if let k = n.firstToken, k.kind == .word { return text(k) }
            return nil
        default: return nil
        }
    }

    func isHatHeader(_ elements: [SyntaxElement], keyword: String?) -> Bool {
        guard let keyword else { return false }
        return keyword == "hat" || keyword.hasPrefix("^")
    }

    func classifyRule(_ elements: [SyntaxElement], keyword: String?) -> SyntaxKind {
        guard let first = elements.first else { return .error }
        if let keyword {
            if let kind = SyntaxKind.ruleKind(forKeyword: keyword) { return kind }
            if keyword == "set" { return .rlimitRule }
            if keyword == "alias" { return .alias }
            if keyword.hasPrefix("^") { return .changeHatDecl }
            if keyword == "safe" || keyword == "unsafe" { return .fileRule }
        }
        if looksLikePath(first) { return .fileRule }
        // Permissions before the path: `rw /foo,`.
        if elements.count >= 2, case .token(let t) = first, t.kind == .word, looksLikePath(elements[1]) {
            return .fileRule
        }
        return .error
    }

    func looksLikePath(_ e: SyntaxElement) -> Bool {
        guard case .token(let t) = e else { return false }
        if t.kind == .string { return true }
        guard t.kind == .word else { return false }
        let b = firstByte(t)
        return b == UInt8(ascii: "/") || b == UInt8(ascii: "@") || b == UInt8(ascii: "{") || b == UInt8(ascii: "*")
    }

    func lastTextEnd(_ children: [SyntaxElement]) -> Int? {
        for c in children.reversed() {
            switch c {
            case .token(let t): return Int(t.textEnd)
            case .node(let n): if let t = n.lastToken { return Int(t.textEnd) }
            }
        }
        return nil
    }

    func statementTextRange(_ children: [SyntaxElement]) -> Range<Int>? {
        var first: Int?
        for c in children {
            switch c {
            case .token(let t): first = Int(t.textStart)
            case .node(let n): first = n.firstToken.map { Int($0.textStart) }
            }
            if first != nil { break }
        }
        guard let f = first, let l = lastTextEnd(children) else { return nil }
        return f..<max(f, l)
    }
}
