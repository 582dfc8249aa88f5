import AppArmorSyntax

/// What reading one rule produced: its diagnostics, typed rule and the entries it added to its
/// profile's exec and change_profile lists.
struct RuleMemo {
    let diagnostics: [PolicyDiagnostic]
    let rule: PolicyRule?
    let execEntries: [ExecEntry]
    let changeProfiles: [ChangeProfileEntry]
}

/// A rule read in the same circumstances gives the same result: same node (of a file parsed
/// once), same variables, same enclosing qualifiers, same profile built-ins when it uses them.
/// Abstractions included by every profile of a tree are therefore read once per run.
struct RuleMemoKey: Hashable {
    let node: ObjectIdentifier
    let variables: Int
    let outer: RuleQualifiers
    let builtins: Int
}

extension CheckSession {
    func loadRule(_ node: SyntaxNode, in r: ParseResult, frame: ProfileFrame, outer: RuleQualifiers) {
        let usesBuiltins = CheckSession.mentionsVariable(r.source.bytes, node.textRange)
            && (variablesUseBuiltins || CheckSession.mentionsBuiltin(r.source.text(node.textRange)))
        let key = RuleMemoKey(node: ObjectIdentifier(node), variables: variablesDigest, outer: outer,
                              builtins: usesBuiltins ? frame.builtinsHash : 0)
        if usesBuiltins { builtinUses += 1 }
        if let memo = cache.ruleMemo[key] {
            diagnostics += memo.diagnostics
            if let rule = memo.rule { frame.profile.rules.append(rule) }
            frame.execRules += memo.execEntries
            frame.changeProfiles += memo.changeProfiles
            return
        }
        let (d0, r0, e0, c0) = (diagnostics.count, frame.profile.rules.count, frame.execRules.count, frame.changeProfiles.count)
        readRule(node, in: r, frame: frame, outer: outer)
        cache.ruleMemo[key] = RuleMemo(
            diagnostics: Array(diagnostics[d0...]),
            rule: frame.profile.rules.count > r0 ? frame.profile.rules.last : nil,
            execEntries: Array(frame.execRules[e0...]),
            changeProfiles: Array(frame.changeProfiles[c0...]))
    }

    static func mentionsBuiltin(_ s: String) -> Bool {
        VariableExpander.pieces(s).contains { !$0.literal && ($0.text == "profile_name" || $0.text == "exec_path" || $0.text == "attach_path") }
    }

    static func mentionsVariable(_ bytes: [UInt8], _ range: Range<Int>) -> Bool {
        var prev: UInt8 = 0
        for i in range {
            let c = bytes[i]
            if prev == UInt8(ascii: "@"), c == UInt8(ascii: "{") { return true }
            prev = c
        }
        return false
    }
}

/// What walking an include inside a profile produced, to replay it in the next profile that
/// includes the same file in the same circumstances.
struct IncludeMemo {
    let diagnostics: [PolicyDiagnostic]
    let rules: [PolicyRule]
    let execEntries: [ExecEntry]
    let changeProfiles: [ChangeProfileEntry]
    let children: [Profile]
    let childNames: [(String, Range<Int>)]
    let usedBuiltins: Bool
    let builtins: [String: [String]]
    /// Every file the walk included (a cycle through the current include chain would change it).
    let visited: Set<String>
}

struct IncludeMemoKey: Hashable {
    let path: String
    let variables: Int
    let outer: RuleQualifiers
}

extension CheckSession {
    func includeInProfile(_ sub: ParseResult, path: String, frame: ProfileFrame, qualifiers: RuleQualifiers) {
        let key = IncludeMemoKey(path: path, variables: variablesDigest, outer: qualifiers)
        if let m = cache.includeMemo[key], !m.usedBuiltins || m.builtins == frame.builtins,
           !m.visited.contains(where: includeStack.contains) {
            diagnostics += m.diagnostics
            frame.profile.rules += m.rules
            frame.execRules += m.execEntries
            frame.changeProfiles += m.changeProfiles
            frame.profile.children += m.children
            for (k, v) in m.childNames where frame.childNames[k] == nil { frame.childNames[k] = v }
            return
        }
        let (d0, r0, e0, c0, p0) = (diagnostics.count, frame.profile.rules.count, frame.execRules.count,
                                    frame.changeProfiles.count, frame.profile.children.count)
        let names0 = Set(frame.childNames.keys)
        let b0 = builtinUses
        let v0 = includeLog.count
        includeStack.append(path)
        walk(sub.root.childNodes, in: sub, frame: frame, qualifiers: qualifiers)
        includeStack.removeLast()
        cache.includeMemo[key] = IncludeMemo(
            diagnostics: Array(diagnostics[d0...]), rules: Array(frame.profile.rules[r0...]),
            execEntries: Array(frame.execRules[e0...]), changeProfiles: Array(frame.changeProfiles[c0...]),
            children: Array(frame.profile.children[p0...]),
            childNames: frame.childNames.filter { !names0.contains($0.key) }.map { ($0.key, $0.value) },
            usedBuiltins: builtinUses > b0, builtins: frame.builtins, visited: Set(includeLog[v0...]))
    }
}
