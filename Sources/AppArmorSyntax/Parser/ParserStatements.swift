/// Statements with their own shapes: include, abi, variable and boolean assignments, and
/// conditional blocks with their expressions.
extension ParserState {
    /// `include [if exists] <magic> | "path" | path` (ended by the line end), also `#include`.
    mutating func parseInclude() -> SyntaxNode {
        let kw = bump()
        let start = kw.fullRange.lowerBound
        var children: [SyntaxElement] = [.token(kw)]
        var last = kw
        if !endsLine(kw), isWord(peek(), "if") {
            let m = mark
            let ifTok = bump()
            if !endsLine(ifTok), isWord(peek(), "exists") {
                let exists = bump()
                children += [.token(ifTok), .token(exists)]
                last = exists
            } else {
                rewind(to: m)
            }
        }
        var nameCount = 0
        if !endsLine(last) {
            let t = peek()
            if t.kind == .word || t.kind == .string || t.kind == .angleName {
                last = bump()
                children.append(.token(last))
                nameCount = 1
            }
        }
        if nameCount == 0 {
            error(.badInclude, "include without a file name", kw.textRange)
        } else if peek().kind == .comma, !endsLine(last) {
            // `include <x>,` is not valid: the comma is kept in the node and reported.
            let comma = bump()
            children.append(.token(comma))
            error(.badInclude, "an include statement does not end with ','", comma.textRange)
        }
        return SyntaxNode.make(kind: .include, children: children, at: start)
    }

    /// `abi <magic> | "path",`
    mutating func parseAbi() -> SyntaxNode {
        let kw = bump()
        var children: [SyntaxElement] = [.token(kw)]
        let name = peek()
        if name.kind == .angleName || name.kind == .string || name.kind == .word {
            children.append(.token(bump()))
        } else {
            error(.badInclude, "abi without a name", kw.textRange)
        }
        if peek().kind == .comma {
            children.append(.token(bump()))
        } else {
            let at = lastTextEnd(children) ?? Int(kw.textEnd)
            error(.missingComma, "missing ',' at the end of the abi rule", at..<at)
        }
        return SyntaxNode.make(kind: .abi, children: children, at: kw.fullRange.lowerBound)
    }

    /// `@{VAR} (= | += | ?= | :=) value...` or `${BOOL} = true|false`, up to the line end.
    mutating func parseAssignment(name: Token) -> SyntaxNode {
        let op = bump()
        var children: [SyntaxElement] = []
        children.reserveCapacity(3)  // most assignments have one value: no spare room per line
        children.append(.token(name))
        children.append(.token(op))
        var last = op
        // A lone `\` ending a line continues the values on the next (apparmor_parser's
        // ASSIGN_MODE rule for backslash-newline); a blank or comment line there ends them.
        while !endsLine(last) || last.kind == .word && textEquals(last, "\\") {
            let t = peek(.assignmentValue)
            if t.kind == .eof || endsLine(last) && bytes[t.leadingTrivia].contains(0x0A) { break }
            last = bump(.assignmentValue)
            children.append(.token(last))
            if t.kind == .comma {
                // apparmor_parser: "Variable declarations do not accept trailing commas".
                error(.badAssignment, "a variable's values are separated by spaces, not ','", t.textRange)
            } else if t.kind != .word && t.kind != .string {
                error(.badAssignment, "unexpected \(t.kind) in a variable's values", t.textRange)
            }
        }
        let kind: SyntaxKind = firstByte(name) == UInt8(ascii: "$") ? .booleanAssignment : .variableAssignment
        return SyntaxNode.make(kind: kind, children: children, at: name.fullRange.lowerBound)
    }

    /// `if EXPR { ... } [else if EXPR { ... }]... [else { ... }]`
    mutating func parseConditional() -> SyntaxNode {
        let ifTok = bump()
        var children: [SyntaxElement] = [.token(ifTok)]
        let block = parseConditionAndBlock(after: ifTok, into: &children)
        children.append(.node(block))
        while isWord(peek(), "else") {
            let elseTok = bump()
            var clause: [SyntaxElement] = [.token(elseTok)]
            if isWord(peek(), "if") {
                let ifTok2 = bump()
                clause.append(.token(ifTok2))
                let block = parseConditionAndBlock(after: ifTok2, into: &clause)
                clause.append(.node(block))
            } else if peek().kind == .lbrace {
                clause.append(.node(parseBlock()))
            } else {
                error(.unexpectedToken, "expected 'if' or '{' after 'else'", elseTok.textRange)
            }
            children.append(.node(SyntaxNode.make(kind: .elseClause, children: clause, at: elseTok.fullRange.lowerBound)))
        }
        return SyntaxNode.make(kind: .conditional, children: children, at: ifTok.fullRange.lowerBound)
    }

    /// Parses `EXPR` (appended to `children`) and returns the block after it.
    private mutating func parseConditionAndBlock(after kw: Token, into children: inout [SyntaxElement]) -> SyntaxNode {
        let startDepth = depth
        if let expr = parseOrExpr() { children.append(.node(expr)) } else {
            error(.badConditionExpr, "expected a condition after '\(text(kw))'", kw.textRange)
        }
        depth = startDepth
        // Anything else before '{' is an error, kept in the tree.
        var junk: [SyntaxElement] = []
        while true {
            let t = peek(.condition)
            if t.kind == .lbrace || t.kind == .eof || t.kind == .rbrace || t.kind == .comma { break }
            let tok = bump(.condition)
            junk.append(.token(tok))
        }
        if !junk.isEmpty {
            let range = junk.first!.fullRange.lowerBound..<junk.last!.fullRange.upperBound
            error(.badConditionExpr, "unexpected text in the condition", range)
            children.append(.node(SyntaxNode.make(kind: .error, children: junk, at: range.lowerBound)))
        }
        if peek().kind == .lbrace {
            return parseBlock()
        }
        let at = lastTextEnd(children) ?? Int(kw.textEnd)
        error(.unexpectedToken, "expected '{' after the condition", at..<at)
        return SyntaxNode.make(kind: .block, children: [], at: mark)
    }

    // MARK: expressions

    /// `@{name}`, `@name`, `${name}` or `$name`, the name a letter then letters, digits and
    /// `_`: apparmor_parser's SET_VARIABLE and BOOL_VARIABLE, what `defined` takes.
    func isVariable(_ t: Token) -> Bool {
        guard t.kind == .word else { return false }
        var s = bytes[t.textRange]
        guard let sigil = s.popFirst(), sigil == UInt8(ascii: "@") || sigil == UInt8(ascii: "$") else { return false }
        if s.first == UInt8(ascii: "{") {
            guard s.count >= 2, s.popLast() == UInt8(ascii: "}") else { return false }
            s.removeFirst()
        }
        func isLetter(_ c: UInt8) -> Bool { (c | 0x20) >= UInt8(ascii: "a") && (c | 0x20) <= UInt8(ascii: "z") }
        guard let first = s.first, isLetter(first) else { return false }
        return s.allSatisfy { isLetter($0) || ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: "_") }
    }

    private mutating func parseOrExpr() -> SyntaxNode? {
        parseChain(.orExpr, "or") { $0.parseAndExpr() }
    }

    private mutating func parseAndExpr() -> SyntaxNode? {
        parseChain(.andExpr, "and") { $0.parseNotExpr() }
    }

    /// `A op B op C ...` as one flat node (operands and operators in turn), so that a chain of
    /// any length makes a shallow tree: no later walk can run out of stack on it. A one-word
    /// operand (`$B`, `true`) is its token, not a node of its own, so a long chain costs two
    /// tokens per operand and no more.
    private mutating func parseChain(
        _ kind: SyntaxKind, _ word: StaticString, operand: (inout ParserState) -> SyntaxNode?
    ) -> SyntaxNode? {
        guard let first = operand(&self) else { return nil }
        guard isWord(peek(.condition), word) else { return first }
        var children = ChildList(Self.chainPart(first))
        while isWord(peek(.condition), word) {
            let op = bump(.condition)
            children.append(.token(op))
            guard let rhs = operand(&self) else {
                error(.badConditionExpr, "expected an operand after '\(text(op))'", op.textRange)
                break
            }
            children.append(Self.chainPart(rhs))
        }
        return SyntaxNode.make(kind: kind, children: &children, at: first.fullRange.lowerBound)
    }

    /// An operand inside a chain: a lone `operand` node is replaced by its token.
    private static func chainPart(_ n: SyntaxNode) -> SyntaxElement {
        if n.kind == .operand, n.children.count == 1, case .token(let t) = n.children[0] { return .token(t) }
        return .node(n)
    }

    private mutating func parseNotExpr() -> SyntaxNode? {
        let t = peek(.condition)
        if isWord(t, "not") {
            let op = bump(.condition)
            depth += 1
            guard depth < Parser.maxNesting, let inner = parseNotExpr() else {
                error(.badConditionExpr, "expected an operand after 'not'", op.textRange)
                return SyntaxNode.make(kind: .notExpr, children: [.token(op)], at: op.fullRange.lowerBound)
            }
            return SyntaxNode.make(kind: .notExpr, children: [.token(op), .node(inner)], at: op.fullRange.lowerBound)
        }
        return parsePrimaryExpr()
    }

    private mutating func parsePrimaryExpr() -> SyntaxNode? {
        let t = peek(.condition)
        switch t.kind {
        case .lparen:
            let open = bump(.condition)
            depth += 1
            var children: [SyntaxElement] = [.token(open)]
            if depth < Parser.maxNesting, let inner = parseOrExpr() {
                children.append(.node(inner))
            } else {
                error(.badConditionExpr, "expected a condition after '('", open.textRange)
            }
            if peek(.condition).kind == .rparen {
                children.append(.token(bump(.condition)))
            } else {
                error(.unclosedParen, "'(' is never closed", open.textRange)
            }
            return SyntaxNode.make(kind: .parenExpr, children: children, at: open.fullRange.lowerBound)
        case .word, .string:
            if isWord(t, "defined") {
                let kw = bump(.condition)
                var children: [SyntaxElement] = [.token(kw)]
                let v = peek(.condition)
                if isVariable(v) {
                    children.append(.token(bump(.condition)))
                } else if v.kind == .word || v.kind == .string {
                    // apparmor_parser: "unexpected TOK_ID, expecting TOK_SET_VAR or TOK_BOOL_VAR".
                    let tok = bump(.condition)
                    children.append(.token(tok))
                    error(.badConditionExpr, "'defined' takes a variable (@{name} or ${name}), not '\(text(tok))'", tok.textRange)
                } else {
                    error(.badConditionExpr, "expected a variable after 'defined'", kw.textRange)
                }
                return SyntaxNode.make(kind: .definedExpr, children: children, at: kw.fullRange.lowerBound)
            }
            if isWord(t, "and") || isWord(t, "or") { return nil }
            let lhsTok = bump(.condition)
            let lhs = SyntaxNode.make(kind: .operand, children: [.token(lhsTok)], at: lhsTok.fullRange.lowerBound)
            let op = peek(.condition)
            let isCmp = [.equalEquals, .notEquals, .less, .lessEquals, .greater, .greaterEquals].contains(op.kind) || isWord(op, "in")
            guard isCmp else { return lhs }
            let opTok = bump(.condition)
            let r = peek(.condition)
            guard r.kind == .word || r.kind == .string else {
                error(.badConditionExpr, "expected an operand after '\(text(opTok))'", opTok.textRange)
                return SyntaxNode.make(kind: .comparisonExpr, children: [.node(lhs), .token(opTok)], at: lhs.fullRange.lowerBound)
            }
            let rTok = bump(.condition)
            let rhs = SyntaxNode.make(kind: .operand, children: [.token(rTok)], at: rTok.fullRange.lowerBound)
            return SyntaxNode.make(kind: .comparisonExpr, children: [.node(lhs), .token(opTok), .node(rhs)], at: lhs.fullRange.lowerBound)
        default:
            return nil
        }
    }
}
