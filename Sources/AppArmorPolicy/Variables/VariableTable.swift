/// Policy variables (`@{NAME}`) and booleans (`${NAME}`), with apparmor_parser's assignment
/// rules: `=` defines once, `?=` defines unless already defined, `:=` overrides, `+=` appends to
/// a defined variable. Values are kept as written and expanded when used, so a variable may
/// refer to one defined later in the file.
public struct VariableTable: Sendable, Hashable {
    public private(set) var values: [String: [String]] = [:]
    public private(set) var booleans: [String: Bool] = [:]

    public init() {}

    public enum AssignError: Error, Equatable, Sendable {
        case redefined, appendToUndefined, badName, badBoolean
    }

    /// Whether a name is valid: a letter, then letters, digits and `_`.
    public static func isValidName(_ name: String) -> Bool {
        guard let f = name.utf8.first, (f | 0x20) >= 0x61 && (f | 0x20) <= 0x7A else { return false }
        return name.utf8.allSatisfy(isNameByte)
    }

    /// A byte of a variable's name: a letter, a digit or `_`.
    public static func isNameByte(_ c: UInt8) -> Bool {
        (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A || c >= 0x30 && c <= 0x39 || c == 0x5F
    }

    public mutating func assign(_ name: String, op: String, values new: [String]) -> AssignError? {
        guard VariableTable.isValidName(name) else { return .badName }
        switch op {
        case "+=":
            guard values[name] != nil else { return .appendToUndefined }
            values[name]!.append(contentsOf: new)
        case "?=":
            if values[name] == nil { values[name] = new }
        case ":=":
            values[name] = new
        default:
            if values[name] != nil { return .redefined }
            values[name] = new
        }
        return nil
    }

    public mutating func assignBoolean(_ name: String, op: String, value: String) -> AssignError? {
        guard VariableTable.isValidName(name) else { return .badName }
        let v: Bool
        switch value.lowercased() {
        case "true": v = true
        case "false": v = false
        default: return .badBoolean
        }
        switch op {
        case "?=":
            if booleans[name] == nil { booleans[name] = v }
        case ":=":
            booleans[name] = v
        case "=":
            if booleans[name] != nil { return .redefined }
            booleans[name] = v
        default:
            return .badBoolean
        }
        return nil
    }

    public func isDefined(_ name: String) -> Bool { values[name] != nil || booleans[name] != nil }
}

/// Why a text could not be expanded.
public enum ExpansionError: Error, Equatable, Sendable, CustomStringConvertible {
    case undefined(String)
    case recursive(String)
    case tooLarge

    public var description: String {
        switch self {
        case .undefined(let n): "variable @{\(n)} is not defined"
        case .recursive(let n): "variable @{\(n)} refers to itself"
        case .tooLarge: "variable expansion is too large"
        }
    }
}

/// Expands `@{NAME}` references in a text.
public struct VariableExpander: Sendable {
    public let table: VariableTable
    /// Built-ins for the current profile (`profile_name`, `exec_path`, `attach_path`).
    public var builtins: [String: [String]]

    public init(table: VariableTable, builtins: [String: [String]] = [:]) {
        self.table = table
        self.builtins = builtins
    }

    /// Whether a text refers to any variable.
    public static func hasVariables(_ s: String) -> Bool { mentionsVariable(s) }

    /// The names a text refers to.
    public static func references(_ s: String) -> [String] {
        var out: [String] = []
        forEachReference(Array(s.utf8)) { out.append($0) }
        return out
    }

    static func forEachReference(_ b: [UInt8], _ body: (String) -> Void) {
        var i = 0
        while i + 2 < b.count {
            if b[i] == UInt8(ascii: "@"), b[i + 1] == UInt8(ascii: "{"), let close = b[(i + 2)...].firstIndex(of: UInt8(ascii: "}")) {
                body(String(decoding: b[(i + 2)..<close], as: UTF8.self))
                i = close + 1
            } else {
                i += 1
            }
        }
    }

    /// Every value the text can take (the product over multi-valued variables).
    public func expandAll(_ s: String, limit: Int = 4096) throws(ExpansionError) -> [String] {
        try expand(s, limit: limit)
    }

    /// One AARE pattern: each multi-valued variable becomes an alternation `{a,b}`.
    public func expandPattern(_ s: String) throws(ExpansionError) -> String {
        try pattern(s)
    }

    static func isReference(_ name: Substring) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy(VariableTable.isNameByte)
    }

    /// When `b[i...]` starts `@{NAME}` with a valid name: the index of its `}`. The scan stops
    /// at the first byte no name holds.
    static func referenceEnd<C: RandomAccessCollection<UInt8>>(_ b: C, at i: Int) -> Int? where C.Index == Int {
        guard b[i] == UInt8(ascii: "@"), i + 1 < b.count, b[i + 1] == UInt8(ascii: "{") else { return nil }
        var j = i + 2
        while j < b.count, VariableTable.isNameByte(b[j]) { j += 1 }
        guard j < b.count, j > i + 2, b[j] == UInt8(ascii: "}") else { return nil }
        return j
    }

    /// Splits a text into literal pieces and variable references (valid names only).
    static func pieces(_ s: String) -> [(literal: Bool, text: String)] {
        let b = Array(s.utf8)
        var out: [(Bool, String)] = []
        var lit: [UInt8] = []
        var i = 0
        while i < b.count {
            if let j = referenceEnd(b, at: i) {
                if !lit.isEmpty { out.append((true, String(decoding: lit, as: UTF8.self))); lit = [] }
                out.append((false, String(decoding: b[(i + 2)..<j], as: UTF8.self)))
                i = j + 1
                continue
            }
            lit.append(b[i])
            i += 1
        }
        if !lit.isEmpty { out.append((true, String(decoding: lit, as: UTF8.self))) }
        return out
    }

    /// Whether a text holds `@{`.
    public static func mentionsVariable(_ s: String) -> Bool {
        func scan<C: Collection<UInt8>>(_ bytes: C) -> Bool {
            var prev: UInt8 = 0
            for c in bytes {
                if prev == UInt8(ascii: "@"), c == UInt8(ascii: "{") { return true }
                prev = c
            }
            return false
        }
        return s.utf8.withContiguousStorageIfAvailable { scan($0) } ?? scan(s.utf8)
    }

    /// The most bytes one expansion may hold: variables that repeat each other can double a
    /// text at every step (`@{B}=@{A}@{A}`, `@{C}=@{B}@{B}`, ...).
    static let maxExpansionBytes = 1 << 22

    private func pattern(_ s: String) throws(ExpansionError) -> String {
        guard VariableExpander.mentionsVariable(s) else { return s }
        let resolved: [String: String?] = try resolveReferences(of: s) { values, done throws(ExpansionError) in
            var parts: [String] = []
            for v in values { parts.append(try substitute(v, done)) }
            return parts.count == 1 ? parts[0] : "{" + parts.joined(separator: ",") + "}"
        }
        return try substitute(s, resolved)
    }

    /// A text with each reference replaced by its (already expanded) pattern.
    private func substitute(_ s: String, _ done: [String: String?]) throws(ExpansionError) -> String {
        guard VariableExpander.mentionsVariable(s) else { return s }
        var out = ""
        for (literal, text) in VariableExpander.pieces(s) {
            out += literal ? text : done[text]!!
            if out.utf8.count > VariableExpander.maxExpansionBytes { throw .tooLarge }
        }
        return out
    }

    private func expand(_ s: String, limit: Int) throws(ExpansionError) -> [String] {
        guard VariableExpander.mentionsVariable(s) else { return [s] }
        let resolved: [String: [String]?] = try resolveReferences(of: s) { values, done throws(ExpansionError) in
            var all: [String] = []
            for v in values { all += try product(v, done, limit: limit) }
            return all
        }
        return try product(s, resolved, limit: limit)
    }

    /// Every value of a text: the product over its references' (already expanded) values.
    private func product(_ s: String, _ done: [String: [String]?], limit: Int) throws(ExpansionError) -> [String] {
        guard VariableExpander.mentionsVariable(s) else { return [s] }
        var results = [""]
        var bytes = 0
        for (literal, text) in VariableExpander.pieces(s) {
            if literal {
                results = results.map { $0 + text }
                bytes += results.count * text.utf8.count
            } else {
                let expanded = done[text]!!
                var next: [String] = []
                for a in results { for v in expanded { next.append(a + v) } }
                if next.count > limit { throw .tooLarge }
                results = next
                bytes = results.reduce(0) { $0 + $1.utf8.count }
            }
            if bytes > VariableExpander.maxExpansionBytes { throw .tooLarge }
        }
        return results
    }

    /// Expands every variable a text refers to, directly or through other variables, once each
    /// and in dependency order: `expandValues` gets a variable's values and the expansions of
    /// the variables they refer to. An explicit stack stands in for recursion, so a chain of
    /// any length cannot exhaust the thread's stack; a frame holds where its scan is, not a list
    /// of its references, and one table marks both the variables being expanded (nil) and the
    /// ones done, so a long chain costs a few dozen bytes per link. The first error is the one a
    /// left-to-right recursive expansion meets first.
    private func resolveReferences<T>(
        of s: String,
        _ expandValues: ([String], [String: T?]) throws(ExpansionError) -> T
    ) throws(ExpansionError) -> [String: T?] {
        // nil: being expanded (on the stack); a value: done.
        var state: [String: T?] = [:]
        // The variables being expanded, outermost first, each with its values and where the scan
        // for its next reference is. The first frame is the text itself.
        var frames: [(name: String?, values: [String], value: Int32, offset: Int32)] = [(nil, [s], 0, 0)]
        while let top = frames.last {
            guard let (ref, value, offset) = VariableExpander.nextReference(in: top.values, value: Int(top.value), offset: Int(top.offset)) else {
                frames.removeLast()
                guard let name = top.name else { break }
                state[name] = .some(try expandValues(top.values, state))
                continue
            }
            frames[frames.count - 1].value = Int32(value)
            frames[frames.count - 1].offset = Int32(offset)
            if let seen = state[ref] {
                if seen == nil { throw .recursive(ref) }
                continue
            }
            let values: [String]
            if let v = builtins[ref] { values = v } else if let v = table.values[ref] { values = v } else { throw .undefined(ref) }
            state[ref] = .some(nil)
            frames.append((ref, values, 0, 0))
        }
        return state
    }

    /// The next `@{NAME}` (a valid name) in `values`, from byte `offset` of value `value` on:
    /// its name and where the scan goes on after it.
    static func nextReference(in values: [String], value: Int, offset: Int) -> (String, Int, Int)? {
        var v = value, from = offset
        while v < values.count {
            let start = from
            let hit = values[v].utf8.withContiguousStorageIfAvailable { scan($0, from: start) }
                ?? Array(values[v].utf8).withUnsafeBufferPointer { scan($0, from: start) }
            if let (name, next) = hit { return (name, v, next) }
            v += 1
            from = 0
        }
        return nil
    }

    private static func scan(_ b: UnsafeBufferPointer<UInt8>, from: Int) -> (String, Int)? {
        for i in from..<max(from, b.count) {
            if let j = referenceEnd(b, at: i) {
                return (String(decoding: UnsafeBufferPointer(rebasing: b[(i + 2)..<j]), as: UTF8.self), j + 1)
            }
        }
        return nil
    }
}
