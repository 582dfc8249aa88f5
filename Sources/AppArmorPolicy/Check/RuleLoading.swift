import AppArmorSyntax

/// Rule prefixes (qualifiers) and the dispatch of each rule to its family's reader.
extension CheckSession {
    /// Reads `priority=N audit allow|deny owner|other` in apparmor_parser's order.
    func parseQualifiers(_ node: SyntaxNode?, in r: ParseResult, family: SyntaxKind?) -> RuleQualifiers? {
        var q = RuleQualifiers()
        guard let node else { return q }
        var stage = 0  // 1 priority, 2 audit, 3 mode, 4 owner
        for c in node.children {
            switch c {
            case .node(let n):
                guard let cond = ConditionSyntax(n), cond.key(in: r) == "priority" else { continue }
                let v = cond.values(in: r).first ?? ""
                guard stage == 0, let p = Int(v), (-1000...1000).contains(p) else {
                    report(.badPriority, "priority must be a number from -1000 to 1000, before the other qualifiers", n.textRange, in: r)
                    return nil
                }
                if let why = priorityRefusal(family: family) {
                    report(.badPriority, why, n.textRange, in: r)
                    return nil
                }
                q.priority = p
                stage = 1
            case .token(let t):
                let w = r.text(t)
                let want: Int
                switch w {
                case "audit": want = 2
                case "allow", "deny", "quiet", "kill", "complain", "prompt": want = 3
                case "owner", "other": want = 4
                default: want = 9
                }
                guard want > stage, want < 9 else {
                    report(.qualifierBad, "'\(w)' is out of place: the order is audit, then allow/deny, then owner/other", t.textRange, in: r)
                    return nil
                }
                stage = want
                switch w {
                case "audit": q.audit = true
                case "allow": q.allow = true
                case "deny": q.deny = true
                case "owner": q.owner = true
                case "other": q.other = true
                default: q.mode = w
                }
                if want == 4, let family, family != .fileRule, family != .linkRule {
                    report(.qualifierBad, "'\(w)' applies to file rules only", t.textRange, in: r)
                    return nil
                }
            }
        }
        return q
    }

    /// Why the target parser refuses `priority=N` here, or nil. `family` is nil for a rule block.
    func priorityRefusal(family: SyntaxKind?) -> String? {
        guard version.hasRulePriority else {
            return parserRefusal("'priority=' needs apparmor_parser 4.1 or later")
        }
        switch family {
        case nil: return "priority is not allowed on rule blocks ({ ... }) by \(versionName); put it on each rule"
        case .networkRule?: return "priority is not allowed on network rules by \(versionName)"
        case .allRule?: return "priority is not allowed on 'all' rules by \(versionName)"
        case .rlimitRule?: return "priority is not allowed on 'set rlimit' rules by \(versionName)"
        default: return nil
        }
    }

    func readRule(_ node: SyntaxNode, in r: ParseResult, frame: ProfileFrame, outer: RuleQualifiers) {
        guard let rule = RuleSyntax(node) else { return }
        // A rule kind the named parser (--parser-version, or the installed one) does not know.
        if let v = givenVersion, let since = ParserVersion.firstReading(node.kind), v < since {
            let keyword = rule.plainTokens.first
            report(.featureUnsupported, parserRefusal("'\(keyword.map { r.text($0) } ?? "")' rules need apparmor_parser \(since.shortDescription) or later", "them"),
                   keyword?.textRange ?? node.textRange, in: r)
            return
        }
        guard let own = parseQualifiers(rule.qualifiersNode, in: r, family: node.kind) else { return }
        var q = own.merged(into: outer)
        if own.allow && outer.deny || own.deny && outer.allow {
            report(.qualifierBad, "allow and deny together", node.textRange, in: r)
            return
        }
        if q.owner, node.kind != .fileRule, node.kind != .linkRule {
            report(.qualifierBad, "'owner' applies to file rules only", node.textRange, in: r)
            return
        }
        if q.priority == nil { q.priority = nil }
        var elements = rule.elements.map { RuleElement.from($0, in: r) }
        var keyword: Token?
        if node.kind != .changeHatDecl, case .word(let w, let t) = elements.first {
            if w == "set" {
                elements.removeFirst()
                guard case .word("rlimit", let t2) = elements.first else {
                    report(.unexpectedElement, "'set' is only used as 'set rlimit'", t.textRange, in: r)
                    return
                }
                keyword = t2
                elements.removeFirst()
            } else if SyntaxKind.ruleKind(forKeyword: w) == node.kind || (w == "file" && node.kind == .fileRule) {
                keyword = t
                elements.removeFirst()
            }
        }
        let expander = VariableExpander(table: variables, builtins: frame.builtins)
        let scope = RuleScope(result: r, node: node, session: self, expander: expander, qualifiers: q, elements: elements, keyword: keyword)
        let detail: RuleDetail?
        switch node.kind {
        case .fileRule: detail = FileRuleReader.read(scope, frame: frame)
        case .linkRule: detail = FileRuleReader.readLink(scope)
        case .capabilityRule: detail = SimpleRules.capability(scope)
        case .networkRule: detail = NetworkRuleReader.read(scope)
        case .unixRule: detail = AccessRules.unix(scope)
        case .dbusRule: detail = AccessRules.dbus(scope)
        case .signalRule: detail = AccessRules.signal(scope)
        case .ptraceRule: detail = AccessRules.ptrace(scope)
        case .mqueueRule: detail = AccessRules.mqueue(scope)
        case .ioUringRule: detail = AccessRules.ioUring(scope)
        case .usernsRule: detail = AccessRules.userns(scope)
        case .allRule: detail = AccessRules.all(scope)
        case .mountRule, .remountRule, .umountRule: detail = MountRuleReader.read(scope)
        case .pivotRootRule: detail = MountRuleReader.pivotRoot(scope)
        case .changeProfileRule: detail = ChangeProfileReader.read(scope, frame: frame)
        case .rlimitRule: detail = SimpleRules.rlimit(scope)
        case .changeHatDecl: detail = .changeHat(elements.first?.word ?? "")
        default: detail = nil
        }
        guard let detail else { return }
        let typed = PolicyRule(kind: node.kind, qualifiers: q, detail: detail, node: node, file: r.source.path)
        if let features, let what = features.unsupported(typed) {
            report(.featureUnsupported, "\(what) not supported by the kernel feature ABI: not enforced", node.textRange, in: r, severity: .warning)
        }
        frame.profile.rules.append(typed)
    }
}
