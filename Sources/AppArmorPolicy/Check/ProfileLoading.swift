import AppArmorSyntax

/// Profile and hat headers: names, namespaces, attachments, xattrs, flags; then the body.
extension CheckSession {
    func loadProfile(_ node: SyntaxNode, in r: ParseResult, parent: ProfileFrame?) {
        guard let ps = ProfileSyntax(node) else { return }
        let keyword = ps.keywordToken(in: r).map { r.text($0) }
        var plain = ps.plainTokens(in: r)
        // `+ identities=(...)`: the `+` joins an identity list to the header.
        let plusCount = plain.filter { r.text($0) == "+" }.count
        plain.removeAll { r.text($0) == "+" }
        var isHat = ps.isHat
        // `^"a b"`: the caret and the quoted name are one name (ProfileSyntax.nameToken).
        if isHat, plain.count >= 2, let n = ps.nameToken(in: r), n.textRange == plain[1].textRange { plain.removeFirst() }
        if parent == nil, isHat, keyword != "profile", !(keyword == "hat" && plain.first.map { r.text($0).contains("//") } == true) {
            report(.misplaced, "a hat must be inside a profile", node.textRange, in: r)
            return
        }
        if keyword == "hat" { isHat = true }
        guard let nameTok = plain.first else { return }
        if parent != nil, keyword == nil, !isHat {
            // apparmor_parser: "syntax error, unexpected TOK_OPEN" (a child profile needs the
            // keyword; only the top level takes a bare path before '{').
            report(.misplaced, "a child profile needs the 'profile' keyword: 'profile \(r.text(nameTok)) {'", nameTok.textRange, in: r)
            return
        }
        let expander = VariableExpander(table: variables)
        var raw = r.value(nameTok)
        if isHat, keyword == nil, raw.hasPrefix("^") { raw.removeFirst() }
        var names: [String]
        do { names = try expander.expandAll(raw) } catch let e {
            report(.variableUndefined, e.description, nameTok.textRange, in: r)
            return
        }
        if names.count > 1, !isHat {
            names = [(try? expander.expandPattern(raw)) ?? raw]
        }
        guard names.count == 1, !names[0].isEmpty else {
            report(.profileName, names.count > 1 ? "a profile name cannot have several values" : "empty profile name", nameTok.textRange, in: r)
            return
        }
        var name = names[0]
        var namespace: String?
        if name.hasPrefix(":") {
            let rest = name.dropFirst()
            guard let close = rest.firstIndex(of: ":") else {
                report(.profileName, "namespace '\(name)' lacks its closing ':'", nameTok.textRange, in: r)
                return
            }
            namespace = String(rest[..<close])
            name = String(rest[rest.index(after: close)...])
            if name.hasPrefix("//") { name.removeFirst(2) }
            if namespace!.isEmpty || name.isEmpty {
                report(.profileName, "empty namespace or profile name in '\(raw)'", nameTok.textRange, in: r)
                return
            }
        } else if keyword == nil, !isHat, !name.utf8.starts(with: "/".utf8) {
            report(.profileName, "a profile without the 'profile' keyword must be named by an absolute path: '\(raw)'", nameTok.textRange, in: r)
            return
        }
        // Attachment
        var attachment: String?
        if plain.count > 2 {
            report(.profileHeader, "unexpected '\(r.text(plain[2]))' in the profile header", plain[2].textRange, in: r)
            return
        }
        if plain.count == 2 {
            let t = plain[1]
            if isHat {
                report(.profileHeader, "a hat has no attachment", t.textRange, in: r)
                return
            }
            do {
                let p = try expander.expandPattern(r.value(t))
                let all = (try? expander.expandAll(r.value(t))) ?? [p]
                let judged = givenVersion?.checksExpandedAttachment ?? true || !r.value(t).hasPrefix("@{")
                guard !judged || all.allSatisfy({ $0.utf8.starts(with: "/".utf8) }) || p.utf8.starts(with: "{/".utf8) && all.count == 1 else {
                    report(.profileHeader, "an attachment must be an absolute path: '\(r.text(t))'", t.textRange, in: r)
                    return
                }
                if let e = AAREPattern.validate(p) {
                    report(.badAARE, "invalid attachment: \(e.message)", t.textRange, in: r)
                    return
                }
                attachment = p
            } catch let e {
                report(.variableUndefined, e.description, t.textRange, in: r)
                return
            }
        } else if !isHat, namespace == nil, keyword == nil || name.utf8.starts(with: "/".utf8) {
            attachment = name
        }
        guard let (flags, xattrs) = headerConditions(ps, in: r, isHat: isHat, identities: plusCount) else { return }
        if !checkFlags(flags, in: r, node: ps.flagsList(in: r) ?? ps.node) { return }

        // Duplicate names at this level.
        // Names are read as Strings: two names that differ only in bytes that are not UTF-8
        // (each read as U+FFFD) are told apart by their source text, as apparmor_parser does.
        let key = (namespace.map { ":\($0):" } ?? "") + name + (name.contains("\u{FFFD}") ? "\0" + r.text(nameTok) : "")
        if let parent {
            if let prev = parent.childNames[key] {
                _ = prev
                report(.profileDuplicate, "'\(name)' is defined twice in this profile", nameTok.textRange, in: r)
                return
            }
            parent.childNames[key] = nameTok.textRange
        } else {
            if topNames[key] != nil {
                report(.profileDuplicate, "profile '\(name)' is defined twice", nameTok.textRange, in: r)
                return
            }
            topNames[key] = nameTok.textRange
        }

        var builtins: [String: [String]] = ["profile_name": [name]]
        // Unknown to the named parser when it is 4.1 or older (--parser-version, or installed).
        if let attachment, givenVersion?.hasAttachmentVariables ?? true {
            builtins["exec_path"] = [attachment]
            builtins["attach_path"] = [attachment]
        }
        let profile = Profile(name: name, namespace: namespace, attachment: attachment, flags: flags, xattrs: xattrs,
                              isHat: isHat, rules: [], children: [], node: node, file: r.source.path)
        let frame = ProfileFrame(profile: profile, builtins: builtins, builtinsID: cache.id(ofBuiltins: builtins))
        if let block = ps.block {
            walk(block.lazyChildNodes, in: r, frame: frame, qualifiers: RuleQualifiers())
        }
        checkExecConflicts(frame)
        checkChangeProfileConflicts(frame)
        if let parent {
            parent.profile.children.append(frame.profile)
        } else {
            profiles.append(frame.profile)
        }
    }

    static func flagItems(_ list: SyntaxNode, in r: ParseResult) -> [String] {
        ListSyntax(list).items.map { item in
            if item.kind == .operand, let t = item.firstToken { return r.value(t) }
            return r.text(item)
        }
    }

    /// `xattrs=(...)` then `flags=(...)` (or a bare flag list); nothing else.
    private func headerConditions(_ ps: ProfileSyntax, in r: ParseResult, isHat: Bool, identities: Int) -> ([String], [RuleCondition])? {
        var identityLists = 0
        var flags: [String] = []
        var xattrs: [RuleCondition] = []
        var sawFlags = false
        for e in ps.headerElements {
            guard case .node(let n) = e else { continue }
            switch n.kind {
            case .list:
                sawFlags = true
                flags = CheckSession.flagItems(n, in: r)
                if flags.isEmpty {
                    report(.profileFlag, "empty flag list", n.textRange, in: r)
                    return nil
                }
            case .condition:
                let key = ConditionSyntax(n)?.key(in: r) ?? ""
                if key == "flags" {
                    sawFlags = true
                    flags = n.firstChild(.list).map { CheckSession.flagItems($0, in: r) } ?? (ConditionSyntax(n)?.values(in: r) ?? [])
                    if flags.isEmpty {
                        report(.profileFlag, "empty flag list", n.textRange, in: r)
                        return nil
                    }
                } else if key == "identities" {
                    if let v = givenVersion, !v.hasProfileIdentities {
                        report(.featureUnsupported, parserRefusal("'+ identities=( )' needs an apparmor_parser newer than 4.1"), n.textRange, in: r)
                        return nil
                    }
                    identityLists += 1
                    let vals = ConditionSyntax(n)?.values(in: r) ?? []
                    if vals.isEmpty || identityLists > identities || vals.contains(where: { $0.contains(" ") && !$0.utf8.starts(with: "/".utf8) || $0.isEmpty }) {
                        report(.profileHeader, vals.isEmpty ? "empty identity list" : "an identity list follows '+'", n.textRange, in: r)
                        return nil
                    }
                } else if key == "xattrs" {
                    if isHat {
                        report(.profileHeader, "a hat has no xattrs", n.textRange, in: r)
                        return nil
                    }
                    if sawFlags {
                        report(.profileHeader, "xattrs=( ) must come before flags=( )", n.textRange, in: r)
                        return nil
                    }
                    if let l = n.firstChild(.list) {
                        for item in ListSyntax(l).items {
                            if let c = ConditionSyntax(item) {
                                xattrs.append(RuleCondition(key: c.key(in: r), values: c.values(in: r)))
                            }
                        }
                    }
                } else {
                    report(.profileHeader, "unexpected '\(r.text(n))' in the profile header", n.textRange, in: r)
                    return nil
                }
            default:
                continue
            }
        }
        if identityLists < identities {
            report(.profileHeader, "'+' without an identity list", ps.node.textRange, in: r)
            return nil
        }
        return (flags, xattrs)
    }
}
