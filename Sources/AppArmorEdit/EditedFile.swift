import AppArmorSyntax

/// A parsed file and the edits planned on it. The result is the original bytes with the
/// edits applied, checked by parsing it again before anything is written.
public struct EditedFile: Sendable {
    public let original: ParseResult
    public private(set) var edits = EditSet()

    public init(_ original: ParseResult) {
        self.original = original
    }

    public init(path: String, bytes: [UInt8]) {
        self.init(Parser.parse(path: path, bytes: bytes))
    }

    public var path: String { original.source.path }
    public var hasChanges: Bool { !edits.isEmpty }

    public mutating func add(_ edit: TextEdit) throws { try edits.add(edit) }
    public mutating func add(contentsOf more: [TextEdit]) throws { try edits.add(contentsOf: more) }

    // MARK: common edits

    /// Adds and removes header flags of one profile or hat.
    public mutating func changeFlags(of p: ProfileSyntax, adding: [String] = [], removing: [String] = []) throws {
        try add(contentsOf: HeaderFlags.edits(adding: adding, removing: removing, on: p, in: original))
    }

    /// Adds a rule to a profile, hat or child profile.
    public mutating func addRule(_ rule: PrintedRule, to p: ProfileSyntax) throws {
        guard let edit = RuleInsertion.edit(adding: rule.text, kind: rule.kind, to: p, in: original) else {
            throw EditError.noBlock(p.name(in: original))
        }
        try add(edit)
    }

    /// Adds rules to a profile, hat or child profile, rules that land at one place together.
    public mutating func addRules(_ rules: [PrintedRule], to p: ProfileSyntax) throws {
        guard let edits = RuleInsertion.edits(adding: rules, to: p, in: original) else {
            throw EditError.noBlock(p.name(in: original))
        }
        try add(contentsOf: edits)
    }

    /// Adds rules at the top level of the file (a `local/` include), placed as in a block.
    public mutating func addTopLevelRules(_ rules: [PrintedRule]) throws {
        try add(contentsOf: RuleInsertion.edits(adding: rules, toTopLevelOf: original) ?? [])
    }

    /// Adds a hat or child profile at the top level of the file (a `local/` include).
    public mutating func addTopLevelProfile(_ child: NewProfile) throws {
        if let e = RuleInsertion.edit(adding: child, toTopLevelOf: original) { try add(e) }
    }

    /// Adds a new hat or child profile, printed with the block's indentation, after the
    /// block's hats and children.
    public mutating func addProfile(_ child: NewProfile, to p: ProfileSyntax) throws {
        guard let edit = RuleInsertion.edit(adding: child, to: p, in: original) else {
            throw EditError.noBlock(p.name(in: original))
        }
        try add(edit)
    }

    // MARK: results

    /// The edited bytes (not checked).
    public func resultBytes() throws -> [UInt8] {
        try edits.apply(to: original.source.bytes)
    }

    /// The edited bytes, parsed again; throws when the result has parse errors the original
    /// did not have.
    public func validatedResult() throws -> ParseResult {
        let bytes = try resultBytes()
        let reparsed = Parser.parse(path: path, bytes: bytes)
        try EditedFile.checkNoNewErrors(before: original, after: reparsed)
        return reparsed
    }

    /// Refuses a result whose parse has more errors of some kind than the original's.
    public static func checkNoNewErrors(before: ParseResult, after: ParseResult) throws {
        func counts(_ r: ParseResult) -> [String: Int] {
            var c: [String: Int] = [:]
            for d in r.diagnostics where d.severity == .error { c[d.id.rawValue + " " + d.message, default: 0] += 1 }
            return c
        }
        let old = counts(before)
        let new = after.diagnostics.filter { d in
            d.severity == .error
        }
        var budget = old
        var introduced: [Diagnostic] = []
        for d in new {
            let key = d.id.rawValue + " " + d.message
            if let n = budget[key], n > 0 { budget[key] = n - 1 } else { introduced.append(d) }
        }
        if let first = introduced.first {
            throw EditError.resultDoesNotParse(path: after.source.path, first.oneLine(in: after.source))
        }
    }

    /// The unified diff of the change (GNU layout; empty when nothing changes).
    public func diff(oldLabel: String? = nil, newLabel: String? = nil) throws -> String {
        let d = UnifiedDiff(oldLabel: oldLabel ?? path, newLabel: newLabel ?? path)
        return String(decoding: d.diff(old: original.source.bytes, new: try resultBytes()), as: UTF8.self)
    }
}

public enum EditError: Error, Equatable, CustomStringConvertible {
    case noBlock(String)
    case resultDoesNotParse(path: String, String)

    public var description: String {
        switch self {
        case .noBlock(let name): "profile '\(name)' has no block to add a rule to"
        case .resultDoesNotParse(let path, let first): "refusing to write \(path): the edited file no longer parses (\(first))"
        }
    }
}
