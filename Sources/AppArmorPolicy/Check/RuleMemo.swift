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
struct RuleMemoContext: Equatable {
    let variables: Int
    let outer: RuleQualifiers
    let builtins: Int
    /// The parser version judged against (an `abi` statement can change it between files).
    let version: ParserVersion
}

/// The memos of one rule node, with what its text refers to (scanned once).
struct RuleMemos {
    let mentionsVariable: Bool
    let mentionsBuiltin: Bool
    var entries: [(context: RuleMemoContext, memo: RuleMemo)] = []
}

extension CheckSession {
    func loadRule(_ node: SyntaxNode, in r: ParseResult, frame: ProfileFrame, outer: RuleQualifiers) {
        let id = node.id
        var memos: RuleMemos
        if let m = cache.ruleMemo[id] {
            memos = m
        } else {
            let range = node.textRange
            let mentions = CheckSession.mentionsVariable(r.source.bytes, range)
            memos = RuleMemos(mentionsVariable: mentions,
                              mentionsBuiltin: mentions && CheckSession.mentionsBuiltin(r.source.bytes, range))
        }
        let usesBuiltins = memos.mentionsVariable && (variablesUseBuiltins || memos.mentionsBuiltin)
        let context = RuleMemoContext(variables: variablesDigest, outer: outer, builtins: usesBuiltins ? frame.builtinsID : 0, version: version)
        if usesBuiltins { builtinUses += 1 }
        if let memo = memos.entries.first(where: { $0.context == context })?.memo {
            diagnostics += memo.diagnostics
            if let rule = memo.rule { frame.profile.rules.append(rule) }
            frame.execRules += memo.execEntries
            frame.changeProfiles += memo.changeProfiles
            return
        }
        let (d0, r0, e0, c0) = (diagnostics.count, frame.profile.rules.count, frame.execRules.count, frame.changeProfiles.count)
        readRule(node, in: r, frame: frame, outer: outer)
        memos.entries.append((context, RuleMemo(
            diagnostics: Array(diagnostics[d0...]),
            rule: frame.profile.rules.count > r0 ? frame.profile.rules.last : nil,
            execEntries: Array(frame.execRules[e0...]),
            changeProfiles: Array(frame.changeProfiles[c0...]))))
        cache.ruleMemo[id] = memos
    }

    static func mentionsBuiltin(_ s: String) -> Bool {
        guard s.utf8.count >= 12 else { return false }
        let bytes = Array(s.utf8)
        return mentionsBuiltin(bytes, 0..<bytes.count)
    }

    static let builtinRefs: [[UInt8]] = ["@{profile_name}", "@{exec_path}", "@{attach_path}"].map { Array($0.utf8) }

    /// Whether the bytes refer to a profile built-in variable.
    static func mentionsBuiltin(_ bytes: [UInt8], _ range: Range<Int>) -> Bool {
        bytes.withUnsafeBufferPointer { b in
            var i = range.lowerBound
            while let at = nextReference(b, from: i, before: range.upperBound) {
                for ref in builtinRefs where at + ref.count <= range.upperBound && b[at..<(at + ref.count)].elementsEqual(ref) {
                    return true
                }
                i = at + 1
            }
            return false
        }
    }

    /// Whether the bytes hold `@{`.
    static func mentionsVariable(_ bytes: [UInt8], _ range: Range<Int>) -> Bool {
        bytes.withUnsafeBufferPointer { nextReference($0, from: range.lowerBound, before: range.upperBound) != nil }
    }

    /// The index of the next `@{` starting in `from..<before - 1`.
    private static func nextReference(_ b: UnsafeBufferPointer<UInt8>, from: Int, before end: Int) -> Int? {
        var i = from
        while i + 1 < end {
            if b[i] == UInt8(ascii: "@"), b[i + 1] == UInt8(ascii: "{") { return i }
            i += 1
        }
        return nil
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
    /// The variables when the walk ran, and the files it read: what the walk could depend on
    /// (`snapshot`) is worked out only when a later include with other variables asks.
    let variablesThen: VariableTable
    let files: [ParseResult]
    var snapshot: VariableSnapshot?
    /// The qualifiers of the block the include was in.
    let outer: RuleQualifiers
}


/// The variable and boolean names a file's text mentions.
struct MentionedNames {
    /// The file's tree, kept alive while its identity is a key.
    let root: SyntaxNode
    let variables: [String]
    let booleans: Set<String>
}

/// The variables and booleans a walk could read, with their values when it ran.
struct VariableSnapshot {
    let values: [String: [String]?]
    let booleans: [String: Bool?]

    func matches(_ t: VariableTable) -> Bool {
        values.allSatisfy { t.values(of: $0.key) == $0.value } && booleans.allSatisfy { t.booleans[$0.key] == $0.value }
    }
}

extension CheckSession {
    /// The variables the files could refer to (names in `@{}`, `$`, `${}`), closed over the
    /// values of those variables, with their current values.
    func snapshot(of files: [ParseResult], variables: VariableTable) -> VariableSnapshot {
        var names = Set<String>()
        var bools = Set<String>()
        var pending: [String] = []
        for f in files {
            let mentioned = mentionedNames(f)
            bools.formUnion(mentioned.booleans)
            for name in mentioned.variables where names.insert(name).inserted { pending.append(name) }
        }
        while let n = pending.popLast() {
            for v in variables.values(of: n) ?? [] {
                for ref in VariableExpander.references(v) where names.insert(ref).inserted { pending.append(ref) }
            }
        }
        var values: [String: [String]?] = [:]
        for n in names { values[n] = .some(variables.values(of: n)) }
        var booleans: [String: Bool?] = [:]
        for n in bools { booleans[n] = .some(variables.booleans[n]) }
        return VariableSnapshot(values: values, booleans: booleans)
    }

    /// The names a file mentions after `@`, `@{`, `$` or `${`, found once per run.
    func mentionedNames(_ f: ParseResult) -> MentionedNames {
        if let m = cache.mentionedNames[f.root.id] { return m }
        var names: [String] = []
        var bools = Set<String>()
        var seen = Set<String>()
        let b = f.source.bytes
        var i = 0
        while i + 1 < b.count {
            if b[i] == UInt8(ascii: "@") || b[i] == UInt8(ascii: "$") {
                let isBool = b[i] == UInt8(ascii: "$")
                var j = i + 1
                let braced = b[j] == UInt8(ascii: "{")
                if braced { j += 1 }
                let start = j
                while j < b.count, (b[j] | 0x20) >= 0x61 && (b[j] | 0x20) <= 0x7A || b[j] >= 0x30 && b[j] <= 0x39 || b[j] == 0x5F { j += 1 }
                if j > start {
                    let name = String(decoding: b[start..<j], as: UTF8.self)
                    if isBool { bools.insert(name) } else if seen.insert(name).inserted { names.append(name) }
                }
                i = max(j, i + 1)
            } else {
                i += 1
            }
        }
        let m = MentionedNames(root: f.root, variables: names, booleans: bools)
        cache.mentionedNames[f.root.id] = m
        return m
    }

    func includeInProfile(_ sub: ParseResult, path: String, frame: ProfileFrame, qualifiers: RuleQualifiers) {
        if let m = replayableMemo(path, outer: qualifiers, frame: frame) {
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
        walk(sub.root.lazyChildNodes, in: sub, frame: frame, qualifiers: qualifiers)
        includeStack.removeLast()
        let visited = Set(includeLog[v0...])
        let files = [sub] + visited.compactMap { try? cache.load($0).get() }
        let memo = IncludeMemo(
            diagnostics: Array(diagnostics[d0...]), rules: Array(frame.profile.rules[r0...]),
            execEntries: Array(frame.execRules[e0...]), changeProfiles: Array(frame.changeProfiles[c0...]),
            children: Array(frame.profile.children[p0...]),
            childNames: frame.childNames.filter { !names0.contains($0.key) }.map { ($0.key, $0.value) },
            usedBuiltins: builtinUses > b0, builtins: frame.builtins, visited: visited,
            variablesThen: variables, files: files, snapshot: nil, outer: qualifiers)
        cache.includeMemo[path, default: []].append(memo)
    }

    /// The first memo of the include that holds here: same built-ins when it used them, no
    /// cycle through the current chain, and the variables it could read unchanged (the same
    /// table, or else the same values for the names its files mention).
    private func replayableMemo(_ path: String, outer: RuleQualifiers, frame: ProfileFrame) -> IncludeMemo? {
        guard var memos = cache.includeMemo[path] else { return nil }
        for i in memos.indices {
            let m = memos[i]
            guard m.outer == outer, !m.usedBuiltins || m.builtins == frame.builtins, !m.visited.contains(where: includeStack.contains) else { continue }
            if m.variablesThen == variables { return m }
            let snap = m.snapshot ?? snapshot(of: m.files, variables: m.variablesThen)
            if m.snapshot == nil {
                memos[i].snapshot = snap
                cache.includeMemo[path] = memos
            }
            if snap.matches(variables) { return m }
        }
        return nil
    }
}

/// What walking an include outside any profile (tunables, mostly) did: the variables after it.
struct PreambleMemo {
    let before: VariableTable
    let after: VariableTable
    let diagnostics: [PolicyDiagnostic]
    let visited: Set<String>
    let digest: (value: Int, usesBuiltins: Bool)
}

extension CheckSession {
    /// Includes in the preamble only define variables (and, rarely, profiles): the same file
    /// with the same variables before gives the same variables after.
    func includeInPreamble(_ sub: ParseResult, path: String) {
        if let m = cache.preambleMemo[path]?.first(where: {
            $0.before == variables && !$0.visited.contains(where: includeStack.contains)
        }) {
            variables = m.after
            digest = m.digest
            diagnostics += m.diagnostics
            return
        }
        let before = variables
        let (d0, p0, v0) = (diagnostics.count, profiles.count, includeLog.count)
        includeStack.append(path)
        walk(sub.root.lazyChildNodes, in: sub, frame: nil, qualifiers: RuleQualifiers())
        includeStack.removeLast()
        // A file that defines profiles is walked each time (its profiles belong to the includer).
        guard profiles.count == p0 else { return }
        cache.preambleMemo[path, default: []].append(PreambleMemo(
            before: before, after: variables, diagnostics: Array(diagnostics[d0...]), visited: Set(includeLog[v0...]),
            digest: variablesState))
    }
}
