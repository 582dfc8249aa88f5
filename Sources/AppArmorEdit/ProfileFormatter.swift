import AppArmorPolicy
import AppArmorSyntax

/// `aaswift fmt`'s canonical layout, as text patches on the lossless tree: only the trivia
/// between tokens changes (indentation of two spaces a nesting level, one statement a line,
/// one space between the words of a rule and none before its `,`, comments kept on their lines
/// and indented with the rule they precede), plus two token rewrites: a profile's flag list as
/// `(a, b)` and, with `sortPermissions`, a file rule's permissions in apparmor's order
/// (`mrwalk`, then the exec mode). A line that continues a rule keeps its own line, indented one
/// level more than the rule. The result must lex to the same tokens (flag commas aside) and
/// load to the same policy model (`PolicyFingerprint`); otherwise `format` refuses.
public struct ProfileFormatter: Sendable {
    public var sortPermissions: Bool

    public init(sortPermissions: Bool = false) { self.sortPermissions = sortPermissions }

    public enum Refusal: Error, Equatable, CustomStringConvertible {
        case carriageReturns
        /// The file does not parse (a binary file, an unclosed block): its layout is not known,
        /// so it is not formatted. The first error, as `check` reports it.
        case syntaxError(String)
        case changesTokens
        case changesMeaning(String)

        public var description: String {
            switch self {
            case .carriageReturns: "CRLF line ends: not formatted"
            case .syntaxError(let first): "the file does not parse (\(first)); not formatted"
            case .changesTokens: "formatting would change the file's tokens; left as it is"
            case .changesMeaning(let why): "formatting would change the policy (\(why)); left as it is"
            }
        }
    }

    /// The edits that bring a parsed file to the canonical layout (none when it is there).
    /// One walk over the tree in source order: each token's place (the depth it starts a line
    /// at, the depth of the statement holding it) is known as it is reached, so nothing is kept
    /// per token (a file of a hundred thousand statements costs no table of them).
    public func edits(_ r: ParseResult) throws -> [TextEdit] {
        if r.source.bytes.contains(0x0D) { throw Refusal.carriageReturns }
        var pass = Pass(formatter: self, r: r)
        // A file without profiles or variables (an abstraction) is written as it is included:
        // inside a profile, one level deep.
        let base = r.root.lazyChildNodes.contains { $0.kind == .profile || $0.kind == .hat || $0.kind == .variableAssignment || $0.kind == .booleanAssignment } ? 0 : 1
        for child in r.root.children {
            switch child {
            case .token(let t): pass.token(t, depth: nil)
            case .node(let item): pass.item(item, depth: base)
            }
        }
        var edits = pass.edits
        for (range, words) in pass.flagLists {
            let text = "(" + words.joined(separator: ", ") + ")"
            if !r.source.bytes[range].elementsEqual(text.utf8) { edits.append(TextEdit(range: range, text: text)) }
        }
        if sortPermissions {
            for (range, text) in pass.permissions where !r.source.bytes[range].elementsEqual(text.utf8) {
                edits.append(TextEdit(range: range, text: text))
            }
        }
        return edits
    }

    /// Where a token goes: the depth it must start a line at (the first token of a statement,
    /// a closing brace), whether it closes a block (comments before it belong one level
    /// deeper), and the depth of the statement holding it (for continuation lines).
    struct Place {
        var start: Int?
        var closer = false
        var depth: Int?
    }

    /// The walk's state: the token before, the gap edits so far, the flag lists and the
    /// permission words met.
    private struct Pass {
        let formatter: ProfileFormatter
        let r: ParseResult
        var prev: Token?
        var edits: [TextEdit] = []
        var flagLists: [(range: Range<Int>, words: [String])] = []
        var permissions: [(range: Range<Int>, text: String)] = []
        /// The depth the next token starts a line at, for the first token of a statement.
        var pendingStart: Int?

        init(formatter: ProfileFormatter, r: ParseResult) {
            self.formatter = formatter
            self.r = r
        }

        /// A statement that starts a line at `depth`.
        mutating func item(_ n: SyntaxNode, depth: Int) {
            pendingStart = depth
            visit(n, depth: depth)
            pendingStart = nil  // a statement without tokens starts nothing
        }

        mutating func visit(_ n: SyntaxNode, depth: Int) {
            if n.kind == .profile || n.kind == .hat, let p = ProfileSyntax(n), let list = p.flagsList(in: r) {
                formatter.flagList(list, r, into: &flagLists)
            }
            if formatter.sortPermissions, n.kind == .fileRule { formatter.permissionWord(n, r, into: &permissions) }
            for child in n.children {
                switch child {
                case .token(let t):
                    token(t, depth: depth)
                case .node(let c) where c.kind == .block:
                    let close = BlockSyntax.closeBrace(c)
                    for inner in c.children {
                        switch inner {
                        case .token(let t):
                            let closes = close.map { $0.textRange == t.textRange } ?? false
                            token(t, place: Place(start: closes ? depth : nil, closer: closes, depth: depth))
                        case .node(let item):
                            self.item(item, depth: depth + 1)
                        }
                    }
                case .node(let c):
                    visit(c, depth: depth)
                }
            }
        }

        mutating func token(_ t: Token, depth: Int?) {
            token(t, place: Place(depth: depth))
        }

        mutating func token(_ t: Token, place: Place) {
            var place = place
            if let d = pendingStart {
                place.start = d
                pendingStart = nil
            }
            defer { prev = t }
            // Inside a flag list: rewritten whole at the end.
            if let list = flagLists.last, list.range.contains(t.textRange.lowerBound), list.range.lowerBound != t.textRange.lowerBound { return }
            let bytes = r.source.bytes
            let gap = (prev?.textRange.upperBound ?? 0)..<t.textRange.lowerBound
            let text = formatter.gap(gap, bytes, before: t, after: prev, place: place)
            if !bytes[gap].elementsEqual(text.utf8) { edits.append(TextEdit(range: gap, text: text)) }
        }
    }

    /// A flag list written on one line without comments: its words, to be joined by `, `.
    fileprivate func flagList(_ list: SyntaxNode, _ r: ParseResult, into flagLists: inout [(range: Range<Int>, words: [String])]) {
        let tokens = list.tokens
        guard let open = tokens.first, open.kind == .lparen, let close = tokens.last, close.kind == .rparen else { return }
        let range = open.textRange.lowerBound..<close.textRange.upperBound
        guard !r.source.bytes[range].contains(where: { $0 == 0x0A || $0 == UInt8(ascii: "#") }) else { return }
        let inner = tokens.dropFirst().dropLast()
        guard inner.allSatisfy({ $0.kind == .word || $0.kind == .comma }) else { return }
        let words = inner.filter { $0.kind == .word }.map { r.text($0) }
        guard !words.isEmpty else { return }
        flagLists.append((range, words))
    }

    /// The letters of a file rule's permission word.
    static let permissionLetters = Set("mrwalkixuUpPcC".utf8)

    /// A file rule's permission word in apparmor's order: `m r w a l k`, then the exec mode's
    /// letters as written (`mixr` -> `mrix`).
    fileprivate func permissionWord(_ n: SyntaxNode, _ r: ParseResult, into permissions: inout [(range: Range<Int>, text: String)]) {
        let words = n.childTokens.filter { $0.kind == .word }
        for w in words {
            let text = r.text(w)
            guard let first = text.first, first != "/", first != "@", first != "{",
                  text.utf8.allSatisfy({ ProfileFormatter.permissionLetters.contains($0) }), text.contains(where: { "mrwalk".contains($0) }) else { continue }
            let access = "mrwalk".filter { text.contains($0) }
            let exec = text.filter { !"mrwalk".contains($0) }
            // Each letter once (a repeated letter is left for the parser to judge).
            guard access.count + exec.count == text.count else { continue }
            permissions.append((w.textRange, access + exec))
        }
    }

    /// The trivia between `after` (nil at the start of the file) and `before`.
    fileprivate func gap(_ range: Range<Int>, _ bytes: [UInt8], before t: Token, after prev: Token?, place: Place) -> String {
        let pieces = Trivia.pieces(in: range, of: bytes)
        let hasNewline = pieces.contains { if case .newline = $0 { true } else { false } }
        let mustStart = place.start
        if t.kind == .eof || hasNewline || mustStart != nil || prev == nil {
            let depth: Int
            if t.kind == .eof { depth = 0 } else if let d = mustStart { depth = d } else { depth = (place.depth ?? 0) + 1 }
            let commentDepth = place.closer ? depth + 1 : depth
            var out = ""
            var lines: [String?] = []  // nil: a blank line
            var onFirstLine = prev != nil
            var pending: String?
            for p in pieces {
                switch p {
                case .comment(let c):
                    let text = String(decoding: bytes[c], as: UTF8.self).trimmingTrailingSpaces()
                    if onFirstLine { out += " " + text } else { pending = text }
                case .newline:
                    if onFirstLine { onFirstLine = false } else { lines.append(pending) }
                    pending = nil
                case .spaces: break
                }
            }
            if let pending { lines.append(pending) }  // a comment at the very end, without a line end
            if t.kind == .eof {
                while let last = lines.last, last == nil { lines.removeLast() }
                if prev == nil && lines.isEmpty { return out }
                if prev != nil { out += "\n" }
                for l in lines { out += l.map { String(repeating: "  ", count: commentDepth) + $0 } ?? ""; out += "\n" }
                return out
            }
            if prev != nil { out += "\n" }
            // Leading blank lines at the top of the file go.
            if prev == nil { while let first = lines.first, first == nil { lines.removeFirst() } }
            for l in lines { out += (l.map { String(repeating: "  ", count: commentDepth) + $0 } ?? "") + "\n" }
            return out + String(repeating: "  ", count: depth)
        }
        if t.kind == .comma || range.isEmpty { return "" }
        return " "
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}

extension ProfileFormatter {
    /// Formats a file's bytes: the edited file, after checking that the result lexes to the
    /// same tokens and loads to the same policy model (`checker` resolves includes as the
    /// file's folder does). Throws a `Refusal` when it would not.
    public func format(path: String, bytes: [UInt8], checker: PolicyChecker) throws -> EditedFile {
        let parsed = Parser.parse(path: path, bytes: bytes)
        if let error = parsed.diagnostics.first(where: { $0.severity == .error }) {
            let at = parsed.source.location(of: error.range.lowerBound)
            throw Refusal.syntaxError("line \(at.line): \(error.message)")
        }
        var file = EditedFile(parsed)
        try file.add(contentsOf: edits(parsed))
        guard file.hasChanges else { return file }
        let after = try file.resultBytes()
        let reparsed = Parser.parse(path: path, bytes: after)
        guard Self.tokenTexts(parsed).elementsEqual(Self.tokenTexts(reparsed)) else { throw Refusal.changesTokens }
        let a = PolicyFingerprint(path: path, bytes: bytes, checker: checker, tag: "before")
        let b = PolicyFingerprint(path: path, bytes: after, checker: checker, tag: "after")
        if let why = a.difference(b) { throw Refusal.changesMeaning(why) }
        return file
    }

    /// The texts of a file's tokens, without the commas of flag lists (which the layout adds or
    /// removes) and with permission words sorted (their order has no meaning), read as they are
    /// compared.
    static func tokenTexts(_ r: ParseResult) -> some Sequence<String> {
        var skip = Set<Int>()
        r.root.walk { n in
            if n.kind == .profile || n.kind == .hat, let list = ProfileSyntax(n)?.flagsList(in: r) {
                for t in list.tokens where t.kind == .comma { skip.insert(t.textRange.lowerBound) }
            }
        }
        return r.root.tokenSequence.lazy.filter { !skip.contains($0.textRange.lowerBound) }.map { t in
            let text = r.text(t)
            return text.utf8.allSatisfy({ ProfileFormatter.permissionLetters.contains($0) }) ? String(text.sorted()) : text
        }
    }
}

/// What a file loads to, in a comparable form: each profile (hats and children by full name)
/// with its attachment, flags and typed rules (qualifiers and details, variables expanded),
/// the variables, and the error messages. A file without profiles (an abstraction) is also
/// loaded inside a profile, so that its rules are compared too.
public struct PolicyFingerprint: Equatable {
    public var profiles: [String]
    public var wrapped: [String]
    public var variables: VariableTable
    public var errors: [String]

    /// `tag` names the copy: the bytes are loaded under a name of their own beside the file
    /// (never under the file's name, which the checker's cache keeps for the files that
    /// include it).
    public init(path: String, bytes: [UInt8], checker: PolicyChecker, tag: String) {
        let me = path + ".aaswift-fmt-" + tag
        let report = checker.check(path: me, bytes: bytes)
        profiles = report.policy.profiles.flatMap { Self.lines($0, parent: nil, me: me) }
        variables = report.policy.variables
        errors = report.errors.map(\.diagnostic.message).sorted()
        wrapped = []
        if report.policy.profiles.isEmpty {
            let w = checker.check(path: me + "-wrapped", bytes: Array("profile fmt-check {\n".utf8) + bytes + Array("\n}\n".utf8))
            wrapped = w.policy.profiles.flatMap { Self.lines($0, parent: nil, me: me + "-wrapped") } + w.errors.map(\.diagnostic.message).sorted()
        }
    }

    /// The first difference, in words, or nil.
    public func difference(_ o: PolicyFingerprint) -> String? {
        func first(_ a: [String], _ b: [String]) -> String {
            let i = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
            return (i < a.count ? a[i] : "nothing") + " became " + (i < b.count ? b[i] : "nothing")
        }
        if profiles != o.profiles { return "profiles or rules differ: " + first(profiles, o.profiles) }
        if wrapped != o.wrapped { return "rules differ: " + first(wrapped, o.wrapped) }
        if variables != o.variables { return "variables differ" }
        if errors != o.errors { return "errors differ" }
        return nil
    }

    static func lines(_ p: Profile, parent: String?, me: String) -> [String] {
        let name = parent.map { $0 + "//" + p.name } ?? p.name
        var out = ["profile \(name) \(p.namespace ?? "") \(p.attachment ?? "") \(p.flags.sorted()) \(p.isHat)"]
        out += p.rules.map { "\($0.kind) \($0.qualifiers) \(detail($0.detail)) \($0.file == me ? "-" : $0.file)" }
        return out + p.children.flatMap { lines($0, parent: name, me: me) }
    }

    static func detail(_ d: RuleDetail) -> String {
        func conds(_ c: [RuleCondition]) -> String { c.map { "\($0.isPeer ? "peer." : "")\($0.key)=\($0.values)" }.joined(separator: " ") }
        switch d {
        case .file(let f): return "file \(f.path ?? "-") \(f.permissions.access.rawValue) \(f.permissions.exec.map { "\($0) \($0.safe) \($0.fallbackSafe)" } ?? "-")"
        case .network(let n): return "network \(n.perms) \(n.domain ?? "-") \(n.typeOrProtocol ?? "-") \(conds(n.conditions))"
        case .access(let a): return "access \(a.perms) \(conds(a.conditions))"
        case .link(let l): return "link \(l.subset) \(l.path) \(l.target)"
        case .capability(let c): return "capability \(c)"
        case .mount(let m): return "mount \(m.options) \(m.fstype) \(m.source ?? "-") \(m.mountpoint ?? "-")"
        case .pivotRoot(let a, let b, let c): return "pivot_root \(a ?? "-") \(b ?? "-") \(c ?? "-")"
        case .changeProfile(let c): return "change_profile \(c.safe) \(c.execPath ?? "-") \(c.target ?? "-")"
        case .rlimit(let r, let v): return "rlimit \(r) \(v)"
        case .changeHat(let h): return "hat \(h)"
        }
    }
}
