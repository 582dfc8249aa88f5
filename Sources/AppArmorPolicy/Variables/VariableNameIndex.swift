/// Variable names to their numbers: an open-addressing table of numbers (linear probing, at
/// most three quarters full), where the names themselves stay in the variable table. A slot is
/// four bytes; a `[String: Int32]` would keep every name a second time in twenty-byte buckets.
/// A hit is confirmed by comparing the name, never by its hash alone.
struct VariableNameIndex: Sendable {
    /// -1: empty. The count is a power of two (or zero before the first insert).
    private var slots: [Int32] = []

    /// The number of `name`, given each number's name.
    func find(_ name: String, nameOf: (Int32) -> String) -> Int32? {
        guard !slots.isEmpty else { return nil }
        let mask = slots.count - 1
        var i = name.hashValue & mask
        while true {
            let n = slots[i]
            if n < 0 { return nil }
            if nameOf(n) == name { return n }
            i = (i + 1) & mask
        }
    }

    /// Adds `number` (whose name is not in the table yet); `count` is how many numbers there
    /// are with it.
    mutating func insert(_ number: Int32, count: Int, nameOf: (Int32) -> String) {
        if count * 4 > slots.count * 3 {
            rebuild(capacity: Swift.max(16, slots.count * 2), count: count - 1, nameOf: nameOf)
        }
        place(number, nameOf(number))
    }

    /// Room for `count` numbers without a rebuild.
    mutating func reserve(_ count: Int, nameOf: (Int32) -> String) {
        var capacity = Swift.max(16, slots.count)
        while count * 4 > capacity * 3 { capacity *= 2 }
        if capacity > slots.count {
            let placed = slots.reduce(0) { $0 + ($1 >= 0 ? 1 : 0) }
            rebuild(capacity: capacity, count: placed, nameOf: nameOf)
        }
    }

    /// Places numbers 0..<count again in a table of `capacity` slots.
    private mutating func rebuild(capacity: Int, count: Int, nameOf: (Int32) -> String) {
        slots = Array(repeating: -1, count: capacity)
        for n in 0..<count { place(Int32(n), nameOf(Int32(n))) }
    }

    private mutating func place(_ number: Int32, _ name: String) {
        let mask = slots.count - 1
        var i = name.hashValue & mask
        while slots[i] >= 0 { i = (i + 1) & mask }
        slots[i] = number
    }
}
