import AppArmorSyntax

/// What an include statement names, worked out once per statement: its name checked and
/// resolved over the search path. Only the reports are made again, for each file that walks it.
struct IncludeTarget {
    enum Outcome {
        /// A name apparmor_parser refuses (the message to report).
        case invalid(String)
        /// Not found, and not `if exists` (the message and its notes).
        case missing(String, notes: [String])
        /// The files to include, in order (none for a missing `if exists`).
        case files([String])
    }

    /// The statement, kept alive while its identity is a key.
    let node: SyntaxNode
    let nameToken: Token
    let outcome: Outcome
}

/// An abi statement, checked: the name token when apparmor_parser would refuse it.
struct AbiCheck {
    /// The statement, kept alive while its identity is a key.
    let node: SyntaxNode
    let badName: Token?
    /// The abi name when no file of the search path holds it (apparmor_parser: "Could not
    /// open 'abi/4.19'"), else nil.
    var missing: String? = nil
}

extension CheckSession {
    /// Whether a quoted token ends with a closing quote (not an escaped one).
    static func isTerminated(_ quoted: ArraySlice<UInt8>) -> Bool {
        guard quoted.count >= 2, quoted.last == UInt8(ascii: "\"") else { return false }
        let backslashes = quoted.dropLast().dropFirst().reversed().prefix { $0 == UInt8(ascii: "\\") }.count
        return backslashes % 2 == 0
    }

    /// The include statement's target, from the run's cache; nil for a statement without a name.
    func includeTarget(_ node: SyntaxNode, in r: ParseResult) -> IncludeTarget? {
        let id = node.id
        if let t = cache.includeTargets[id] { return t }
        guard let inc = IncludeSyntax(node), let nameTok = inc.nameToken else { return nil }
        let t = IncludeTarget(node: node, nameToken: nameTok, outcome: resolveInclude(inc, nameTok, in: r))
        cache.includeTargets[id] = t
        return t
    }

    private func resolveInclude(_ inc: IncludeSyntax, _ nameTok: Token, in r: ParseResult) -> IncludeTarget.Outcome {
        if nameTok.kind == .string, !CheckSession.isTerminated(r.source.bytes[nameTok.textRange]) {
            // `include ".` would otherwise name the current folder.
            return .invalid("the include name's closing '\"' is missing; not followed")
        }
        var name = inc.name(in: r)
        let ifExists = inc.isIfExists(in: r)
        let form = inc.form
        if form == .magic, name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") {
            name = String(name.dropFirst().dropLast())
        }
        if name.allSatisfy({ $0 == " " || $0 == "\t" }) || name.utf8.contains(UInt8(ascii: "\"")) {
            return .invalid("invalid include name '\(r.text(nameTok))'")
        }
        switch cache.resolve(name, form: form, from: r.source.path) {
        case .missing:
            if ifExists { return .files([]) }
            return .missing("include '\(name)' not found", notes: [
                "searched: " + cache.searchPath.candidates(for: name, form: form, from: r.source.path).joined(separator: ", "),
            ])
        case .file(let path):
            return .files([path])
        case .folder(_, let files):
            return .files(files)
        }
    }
}
