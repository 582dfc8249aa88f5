import AppArmorSyntax

/// `if EXPR { } else if EXPR { } else { }`: evaluated with the variables defined so far.
extension CheckSession {
    /// The block whose condition holds (nil when none does, or on an error).
    func evaluateConditional(_ node: SyntaxNode, in r: ParseResult) -> SyntaxNode? {
        var chosen: SyntaxNode?
        var clauses: [(expr: SyntaxNode?, block: SyntaxNode?)] = []
        clauses.append((node.childNodes.first { $0.kind != .block && $0.kind != .elseClause && $0.kind != .error }, node.firstChild(.block)))
        for e in node.childNodes(.elseClause) {
            clauses.append((e.childNodes.first { $0.kind != .block && $0.kind != .error }, e.firstChild(.block)))
        }
        for (i, c) in clauses.enumerated() {
            let isPlainElse = i > 0 && c.expr == nil
            if isPlainElse {
                if chosen == nil { chosen = c.block }
                continue
            }
            guard let expr = c.expr else { return nil }
            if let (what, range) = newerConditionSyntax(expr, in: r) {
                report(.conditionBad, parserRefusal("\(what) in a condition needs an apparmor_parser newer than 4.1"), range, in: r)
                return nil
            }
            guard let value = evaluate(expr, in: r) else { return nil }
            if value, chosen == nil { chosen = c.block }
        }
        return chosen
    }

    /// What in a condition the parser being judged for cannot read, when a version was named
    /// (`--parser-version` or the installed parser): 3.0 and 4.1 take `not`, `$BOOL` and
    /// `defined` only. With no version named, the newest language is read.
    func newerConditionSyntax(_ e: SyntaxNode, in r: ParseResult) -> (String, Range<Int>)? {
        guard let v = givenVersion, !v.hasCompoundConditions else { return nil }
        var node = e
        while true {
            switch node.kind {
            case .notExpr:
                guard let inner = node.childNodes.first else { return nil }
                node = inner
            case .andExpr, .orExpr:
                // The first operator, found without listing the chain's tokens (a chain may be
                // hundreds of thousands long).
                var op: Token?
                for case .token(let t) in node.children where r.text(t) == "and" || r.text(t) == "or" {
                    op = t
                    break
                }
                return ("'\(op.map { r.text($0) } ?? "and")'", op?.textRange ?? node.textRange)
            case .parenExpr: return ("'('", node.firstToken?.textRange ?? node.textRange)
            case .comparisonExpr:
                let op = node.childTokens.first
                return ("a comparison '\(op.map { r.text($0) } ?? "")'", op?.textRange ?? node.textRange)
            case .operand:
                guard let t = node.firstToken, r.text(t) == "true" || r.text(t) == "false" else { return nil }
                return ("the literal '\(r.text(t))'", t.textRange)
            default: return nil
            }
        }
    }

    /// The truth of an expression; nil after reporting an error.
    func evaluate(_ e: SyntaxNode, in r: ParseResult) -> Bool? {
        switch e.kind {
        case .parenExpr:
            guard let inner = e.childNodes.first else { return nil }
            return evaluate(inner, in: r)
        case .notExpr:
            guard let inner = e.childNodes.first, let v = evaluate(inner, in: r) else { return nil }
            return !v
        case .andExpr, .orExpr:
            // `A and B and C ...`: operands and operators in turn (a chain is one flat node).
            // Every operand is evaluated, so each one's errors are reported.
            // A one-word operand is its token (the parser keeps long chains small).
            let parts = e.children
            guard parts.count >= 3, parts.count % 2 == 1 else { return nil }
            var values: [Bool] = []
            values.reserveCapacity(parts.count / 2 + 1)
            for i in stride(from: 0, to: parts.count, by: 2) {
                let v: Bool?
                switch parts[i] {
                case .node(let n): v = evaluate(n, in: r)
                case .token(let t): v = evaluateOperand(t, in: r)
                }
                guard let v else { return nil }
                values.append(v)
            }
            return e.kind == .andExpr ? !values.contains(false) : values.contains(true)
        case .definedExpr:
            guard let t = e.childTokens.dropFirst().first else { return nil }
            let text = r.text(t)
            // Anything but a variable there is a syntax error the parser reported (AA1009).
            guard text.hasPrefix("@") || text.hasPrefix("$") else { return nil }
            let name = VariableName.strip(text)
            guard text.hasPrefix("$") else { return variables.values(of: name) != nil }
            if variables.booleans[name] == nil, let v = givenVersion, v.refusesDefinedUnsetBoolean {
                report(.conditionBad, parserRefusal("'defined \(text)' of a boolean that is not set stops apparmor_parser 4.1 ('Unset boolean variable')"), t.textRange, in: r)
                return nil
            }
            return variables.booleans[name] != nil
        case .operand:
            guard let t = e.firstToken else { return nil }
            return evaluateOperand(t, in: r)
        case .comparisonExpr:
            return compare(e, in: r)
        default:
            report(.conditionBad, "invalid condition", e.textRange, in: r)
            return nil
        }
    }

    /// `true`, `false` or a defined boolean `$NAME`; nil after reporting anything else.
    private func evaluateOperand(_ t: Token, in r: ParseResult) -> Bool? {
        let text = r.text(t)
        if text == "true" || text == "false" { return text == "true" }
        guard text.hasPrefix("$") else {
            report(.conditionBad, "a condition needs a boolean variable ($NAME), not '\(text)'", t.textRange, in: r)
            return nil
        }
        let name = VariableName.strip(text)
        guard let v = variables.booleans[name] else {
            report(.conditionBad, "boolean '\(text)' is not defined", t.textRange, in: r)
            return nil
        }
        return v
    }

    private func operandValues(_ n: SyntaxNode, in r: ParseResult) -> [String]? {
        guard let t = n.firstToken else { return nil }
        let expander = VariableExpander(table: variables)
        do {
            return try expander.expandAll(r.value(t)).filter { !$0.isEmpty }
        } catch let err {
            report(.variableUndefined, err.description, t.textRange, in: r)
            return nil
        }
    }

    private func compare(_ e: SyntaxNode, in r: ParseResult) -> Bool? {
        let sides = e.childNodes
        guard sides.count == 2, let opTok = e.childTokens.first else { return nil }
        let op = r.text(opTok)
        guard let a = operandValues(sides[0], in: r), let b = operandValues(sides[1], in: r) else { return nil }
        switch op {
        case "==": return Set(a) == Set(b)
        case "!=": return Set(a) != Set(b)
        case "in": return Set(a).isSubset(of: Set(b))
        default:
            let na = a.count == 1 ? Int(a[0]) : nil
            let nb = b.count == 1 ? Int(b[0]) : nil
            if (na == nil) != (nb == nil) {
                report(.conditionBad, "'\(op)' compares two numbers or two sets of strings, not a number with a string", e.textRange, in: r)
                return nil
            }
            if let x = na, let y = nb {
                switch op {
                case ">": return x > y
                case ">=": return x >= y
                case "<": return x < y
                default: return x <= y
                }
            }
            let sa = Set(a), sb = Set(b)
            switch op {
            case ">": return sa.isStrictSuperset(of: sb)
            case ">=": return sa.isSuperset(of: sb)
            case "<": return sa.isStrictSubset(of: sb)
            default: return sa.isSubset(of: sb)
            }
        }
    }
}
