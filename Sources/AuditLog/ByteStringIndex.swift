#if canImport(Glibc)
import Glibc
#endif

/// Numbers byte strings in the order they are first seen, and finds a string's number with the
/// bytes where they lie (a value inside a log line, not copied out): a record costs no
/// allocation once its string is known. The caller keeps what each number stands for.
///
/// Open addressing over a power-of-two slot array. A string's hash picks its first slot and
/// is kept beside it; a hit is an entry whose hash and bytes are both equal, so two strings
/// with the same hash stay two entries.
public struct ByteStringIndex: Sendable {
    /// Each string, by its number.
    public private(set) var keys: [[UInt8]] = []
    private var hashes: [UInt64] = []
    /// Entry number + 1 per slot; 0 is an empty slot.
    private var slots = [Int32](repeating: 0, count: 16)

    public init() {}

    public var count: Int { keys.count }

    /// Eight bytes at a time (multiply and shift), the last few one by one (FNV-1a): a
    /// repeated record's key is a whole line.
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325 ^ UInt64(bytes.count)
        let raw = UnsafeRawBufferPointer(bytes)
        var i = 0
        while i + 8 <= raw.count {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0x9E37_79B9_7F4A_7C15
            h ^= h >> 29
            i += 8
        }
        while i < raw.count {
            h = (h ^ UInt64(raw[i])) &* 0x100_0000_01B3
            i += 1
        }
        return h ^ (h >> 32)
    }

    @inline(__always) private static func firstSlot(_ h: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: h ^ (h >> 29)) & mask
    }

    /// The slot that holds `bytes`, or the empty slot where they would go.
    private func slot(_ bytes: UnsafeBufferPointer<UInt8>, _ h: UInt64) -> Int {
        let mask = slots.count - 1
        var s = Self.firstSlot(h, mask)
        while true {
            let e = Int(slots[s])
            if e == 0 { return s }
            if hashes[e - 1] == h && Self.equal(keys[e - 1], bytes) { return s }
            s = (s + 1) & mask
        }
    }

    private static func equal(_ key: [UInt8], _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard key.count == bytes.count else { return false }
        guard let b = bytes.baseAddress else { return true }
        return key.withUnsafeBufferPointer { memcmp($0.baseAddress!, b, bytes.count) == 0 }
    }

    /// The number of `bytes`, if they were seen.
    public func number(of bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let e = Int(slots[slot(bytes, Self.hash(bytes))])
        return e == 0 ? nil : e - 1
    }

    /// The number of `bytes`, given now (the next number) when they are new.
    public mutating func insert(_ bytes: UnsafeBufferPointer<UInt8>) -> (number: Int, inserted: Bool) {
        let h = Self.hash(bytes)
        let s = slot(bytes, h)
        if slots[s] != 0 { return (Int(slots[s]) - 1, false) }
        keys.append(Array(bytes))
        hashes.append(h)
        slots[s] = Int32(keys.count)
        if keys.count * 2 > slots.count { grow() }
        return (keys.count - 1, true)
    }

    private mutating func grow() {
        slots = [Int32](repeating: 0, count: slots.count * 2)
        let mask = slots.count - 1
        for e in keys.indices {
            var s = Self.firstSlot(hashes[e], mask)
            while slots[s] != 0 { s = (s + 1) & mask }
            slots[s] = Int32(e + 1)
        }
    }
}
