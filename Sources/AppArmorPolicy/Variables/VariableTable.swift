/// Policy variables (`@{NAME}`) and booleans (`${NAME}`), with apparmor_parser's assignment
/// rules: `=` defines once, `?=` defines unless already defined, `:=` overrides, `+=` appends to
/// a defined variable. Values are kept as written and expanded when used, so a variable may
/// refer to one defined later in the file.
public struct VariableTable: Sendable, Hashable {
    /// Each variable, numbered in the order it was first defined: its name and, when it has
    /// exactly one value, that value (32 bytes a variable). A number stands for the variable in
    /// an expansion's bookkeeping (no name is copied or hashed again).
    private var entries: [(name: String, value: String)] = []
    /// The values of the variables that have none or several, by number.
    private var lists: [Int32: [String]] = [:]
    /// Names to numbers (`VariableNameIndex`: four bytes a slot, where a dictionary would keep
    /// the name again), so a file of a hundred thousand variables stays a few dozen bytes a
    /// variable.
    private var index = VariableNameIndex()
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

    /// The values of a variable as written (nil when it is not defined).
    public func values(of name: String) -> [String]? {
        number(of: name).map { values(number: $0).array }
    }

    /// A variable's number: where it comes in the order the variables were first defined
    /// (0 to `count` - 1), for tables kept beside this one.
    public func number(ofVariable name: String) -> Int? {
        number(of: name).map(Int.init)
    }

    private func number(of name: String) -> Int32? {
        index.find(name) { entries[Int($0)].name }
    }

    /// How many variables are defined.
    public var count: Int { entries.count }

    /// Whether any variable's value satisfies `test`.
    public func containsValue(where test: (String) -> Bool) -> Bool {
        entries.indices.contains { values(number: Int32($0)).contains(where: test) }
    }

    /// A variable's number and values, for the expander.
    func entry(_ name: String) -> (number: Int32, values: VariableValues)? {
        number(of: name).map { ($0, values(number: $0)) }
    }

    func values(number: Int32) -> VariableValues {
        if !lists.isEmpty, let list = lists[number] { return VariableValues(list) }
        return VariableValues(one: entries[Int(number)].value)
    }

    private mutating func set(_ number: Int32, _ values: [String]) {
        if values.count == 1 {
            entries[Int(number)].value = values[0]
            if !lists.isEmpty { lists[number] = nil }
        } else {
            entries[Int(number)].value = ""
            lists[number] = values
        }
    }

    /// Room for `more` variables besides those defined.
    public mutating func reserveCapacity(_ more: Int) {
        guard more > 0 else { return }
        entries.reserveCapacity(entries.count + more)
        index.reserve(entries.count + more) { entries[Int($0)].name }
    }

    public mutating func assign(_ name: String, op: String, values new: [String]) -> AssignError? {
        guard VariableTable.isValidName(name) else { return .badName }
        let number = number(of: name)
        switch op {
        case "+=":
            guard let number else { return .appendToUndefined }
            set(number, values(number: number).array + new)
        case "?=":
            if number == nil { define(name, new) }
        case ":=":
            if let number { set(number, new) } else { define(name, new) }
        default:
            if number != nil { return .redefined }
            define(name, new)
        }
        return nil
    }

    private mutating func define(_ name: String, _ values: [String]) {
        entries.append((name, ""))
        set(Int32(entries.count - 1), values)
        index.insert(Int32(entries.count - 1), count: entries.count) { entries[Int($0)].name }
    }

    // Equal tables define the same names with the same values and the same booleans, whatever
    // order the names were defined in (as two dictionaries compare).
    public static func == (a: VariableTable, b: VariableTable) -> Bool {
        guard a.booleans == b.booleans, a.entries.count == b.entries.count else { return false }
        return a.entries.indices.allSatisfy { n in
            b.number(of: a.entries[n].name).map { b.values(number: $0) == a.values(number: Int32(n)) } ?? false
        }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(booleans)
        // Order-independent, as `==` is: each name and its values hashed alone, then summed.
        var sum = 0
        for n in entries.indices {
            var h = Hasher()
            h.combine(entries[n].name)
            h.combine(values(number: Int32(n)))
            sum &+= h.finalize()
        }
        hasher.combine(entries.count)
        hasher.combine(sum)
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

    public func isDefined(_ name: String) -> Bool { number(of: name) != nil || booleans[name] != nil }
}

/// The values of one variable, as the expander reads them. Most variables have one value,
/// kept without a list.
struct VariableValues: Sendable, Hashable {
    private enum Storage: Sendable, Hashable {
        case one(String)
        case many([String])
    }
    private var storage: Storage

    init(_ values: [String]) {
        storage = values.count == 1 ? .one(values[0]) : .many(values)
    }

    init(one value: String) {
        storage = .one(value)
    }

    var count: Int {
        switch storage {
        case .one: 1
        case .many(let v): v.count
        }
    }

    subscript(i: Int) -> String {
        switch storage {
        case .one(let v): v
        case .many(let v): v[i]
        }
    }

    var array: [String] {
        switch storage {
        case .one(let v): [v]
        case .many(let v): v
        }
    }

    func contains(where test: (String) -> Bool) -> Bool {
        switch storage {
        case .one(let v): test(v)
        case .many(let v): v.contains(where: test)
        }
    }

    // Equal by their values, however kept.
    static func == (a: VariableValues, b: VariableValues) -> Bool {
        a.count == b.count && (0..<a.count).allSatisfy { a[$0] == b[$0] }
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        for i in 0..<count { hasher.combine(self[i]) }
    }
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
        let resolved: Resolved<String> = try resolveReferences(of: s) { values, done throws(ExpansionError) in
            var parts: [String] = []
            for i in 0..<values.count { parts.append(try substitute(values[i], done)) }
            return parts.count == 1 ? parts[0] : "{" + parts.joined(separator: ",") + "}"
        }
        return try substitute(s, resolved)
    }

    /// A text with each reference replaced by its (already expanded) pattern.
    private func substitute(_ s: String, _ done: Resolved<String>) throws(ExpansionError) -> String {
        guard VariableExpander.mentionsVariable(s) else { return s }
        var out = ""
        for (literal, text) in VariableExpander.pieces(s) {
            out += literal ? text : done[text]
            if out.utf8.count > VariableExpander.maxExpansionBytes { throw .tooLarge }
        }
        return out
    }

    private func expand(_ s: String, limit: Int) throws(ExpansionError) -> [String] {
        guard VariableExpander.mentionsVariable(s) else { return [s] }
        let resolved: Resolved<[String]> = try resolveReferences(of: s) { values, done throws(ExpansionError) in
            var all: [String] = []
            for i in 0..<values.count {
                all += try product(values[i], done, limit: limit)
                if all.count > limit { throw .tooLarge }
            }
            return all
        }
        return try product(s, resolved, limit: limit)
    }

    /// Every value of a text: the product over its references' (already expanded) values.
    private func product(_ s: String, _ done: Resolved<[String]>, limit: Int) throws(ExpansionError) -> [String] {
        guard VariableExpander.mentionsVariable(s) else { return [s] }
        var results = [""]
        var bytes = 0
        for (literal, text) in VariableExpander.pieces(s) {
            if literal {
                results = results.map { $0 + text }
                bytes += results.count * text.utf8.count
            } else {
                let expanded = done[text]
                // Sized before it is built: two variables of a thousand values each would
                // otherwise make a million strings before the limit was looked at.
                let (count, overflow) = results.count.multipliedReportingOverflow(by: expanded.count)
                if overflow || count > limit { throw .tooLarge }
                let expandedBytes = expanded.reduce(0) { $0 + $1.utf8.count }
                let (left, o1) = bytes.multipliedReportingOverflow(by: expanded.count)
                let (right, o2) = expandedBytes.multipliedReportingOverflow(by: results.count)
                let (total, o3) = left.addingReportingOverflow(right)
                if o1 || o2 || o3 || total > VariableExpander.maxExpansionBytes { throw .tooLarge }
                var next: [String] = []
                next.reserveCapacity(count)
                for a in results { for v in expanded { next.append(a + v) } }
                results = next
                bytes = total
            }
            if bytes > VariableExpander.maxExpansionBytes { throw .tooLarge }
        }
        return results
    }

    /// A variable's number for the expansion's bookkeeping, and its values: a built-in comes
    /// first (numbered after the table's own), then the table.
    private func lookUp(_ name: String) -> (Int32, VariableValues)? {
        if let v = builtins[name] {
            let k = builtins.index(forKey: name)!
            return (Int32(table.count + builtins.distance(from: builtins.startIndex, to: k)), VariableValues(v))
        }
        return table.entry(name)
    }

    /// The expansions of the variables a text refers to, by name.
    struct Resolved<T> {
        let expander: VariableExpander
        let done: ExpansionMemo<T>
        subscript(name: String) -> T { done[expander.lookUp(name)!.0]!! }
    }

    /// Expands every variable a text refers to, directly or through other variables, once each
    /// and in dependency order: `expandValues` gets a variable's values and the expansions of
    /// the variables they refer to. An explicit stack stands in for recursion, so a chain of
    /// any length cannot exhaust the thread's stack. A frame is two numbers (the variable and
    /// the byte its scan is at, with the value on a stack of its own for a variable of several
    /// values), and one table keyed by the variables' numbers
    /// marks both the variables being expanded (nil) and the ones done, so a long chain costs
    /// a few dozen bytes per link. The first error is the one a left-to-right recursive
    /// expansion meets first.
    private func resolveReferences<T>(
        of s: String,
        _ expandValues: (VariableValues, Resolved<T>) throws(ExpansionError) -> T
    ) throws(ExpansionError) -> Resolved<T> {
        // nil: being expanded (on the stack); a value: done.
        let variableCount = table.count + builtins.count
        var state = ExpansionMemo<T>(variables: variableCount)
        let text = VariableValues([s])
        // The variables being expanded, outermost first, each with the byte its scan for the
        // next reference is at (8 bytes a frame). The first frame (-1) is the text itself. For
        // a variable of several values, the value being scanned is on a stack of its own
        // (most have one value, and a chain of a hundred thousand links stays 8 bytes a link).
        var frames: [(number: Int32, offset: Int32)] = [(-1, 0)]
        var valueIndices: [Int32] = []
        var valuesOf: [Int32: VariableValues] = [:]
        func values(_ n: Int32) -> VariableValues {
            n < 0 ? text : n < Int32(table.count) ? table.values(number: n) : valuesOf[n]!
        }
        while let top = frames.last {
            let topValues = values(top.number)
            let several = topValues.count > 1
            let at = several ? Int(valueIndices[valueIndices.count - 1]) : 0
            guard let (ref, value, offset) = VariableExpander.nextReference(in: topValues, value: at, offset: Int(top.offset)) else {
                frames.removeLast()
                if several { valueIndices.removeLast() }
                guard top.number >= 0 else { break }
                let value = try expandValues(topValues, Resolved(expander: self, done: state))
                state[top.number] = .some(value)
                continue
            }
            frames[frames.count - 1].offset = Int32(offset)
            if several { valueIndices[valueIndices.count - 1] = Int32(value) }
            guard let (number, refValues) = lookUp(ref) else { throw .undefined(ref) }
            if let seen = state[number] {
                if seen == nil { throw .recursive(ref) }
                continue
            }
            if number >= Int32(table.count) { valuesOf[number] = refValues }
            state[number] = .some(nil)
            // No variable is on the stack twice, so the stack is never deeper than the
            // variables: once it is an eighth of that deep, room for all of them at once
            // (instead of doubling, which would hold up to twice that).
            if frames.count == frames.capacity, frames.count > 64, frames.count > variableCount / 8 {
                frames.reserveCapacity(variableCount + 1)
            }
            frames.append((number, 0))
            if refValues.count > 1 { valueIndices.append(0) }
        }
        return Resolved(expander: self, done: state)
    }

    /// The next `@{NAME}` (a valid name) in `values`, from byte `offset` of value `value` on:
    /// its name and where the scan goes on after it.
    static func nextReference(in values: VariableValues, value: Int, offset: Int) -> (String, Int, Int)? {
        var v = value, from = offset
        while v < values.count {
            let start = from
            var text = values[v]
            let hit = text.withUTF8 { scan($0, from: start) }
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

/// What an expansion knows of each variable it reached, by the variable's number: nil while it
/// is being expanded, its expansion once done. A few variables are kept in a dictionary; once
/// the expansion has reached an eighth of all the variables, in a list with a place for each
/// (half the bytes of the dictionary, and allocated only when the expansion has done as much
/// work as the list costs).
struct ExpansionMemo<T> {
    private var few: [Int32: T?] = [:]
    private var all: [T??] = []
    private let variables: Int

    init(variables: Int) {
        self.variables = variables
    }

    subscript(number: Int32) -> T?? {
        get { all.isEmpty ? few[number] : all[Int(number)] }
        set {
            if !all.isEmpty {
                all[Int(number)] = newValue
                return
            }
            few[number] = newValue
            if few.count > 64, few.count > variables / 8 {
                all = Array(repeating: nil, count: variables)
                for (k, v) in few { all[Int(k)] = .some(v) }
                few = [:]
            }
        }
    }
}
