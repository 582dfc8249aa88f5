/// File permissions as the profile language writes them, `m r w a l k x`, as bits: the one
/// permission type, used by the typed rules (`FilePermissions.access`), the events of a log
/// (`FileAccess.permissions` in AuditLog) and logprof's coverage. An exec transition's mode
/// (`ix`, `Px -> target`...) is more than a bit: `FilePermissions.exec` carries it, and `x`
/// here says only that one is there.
public struct PermissionSet: OptionSet, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let mmap = PermissionSet(rawValue: 1 << 0)
    public static let read = PermissionSet(rawValue: 1 << 1)
    public static let write = PermissionSet(rawValue: 1 << 2)
    public static let append = PermissionSet(rawValue: 1 << 3)
    public static let link = PermissionSet(rawValue: 1 << 4)
    public static let lock = PermissionSet(rawValue: 1 << 5)
    public static let exec = PermissionSet(rawValue: 1 << 6)

    /// The letters in the order rules write them.
    public static let letters: [(letter: Character, permission: PermissionSet)] = [
        ("m", .mmap), ("r", .read), ("w", .write), ("a", .append), ("l", .link), ("k", .lock), ("x", .exec),
    ]

    /// The permission a letter names (`m r w a l k x`), or nil.
    public init?(letter: Character) {
        guard let p = Self.letters.first(where: { $0.letter == letter })?.permission else { return nil }
        self = p
    }

    /// The permissions of a string of letters; nil when one is not a permission letter.
    public init?(letters: some StringProtocol) {
        var p = PermissionSet()
        for c in letters {
            guard let one = PermissionSet(letter: c) else { return nil }
            p.insert(one)
        }
        self = p
    }

    /// The letters, in written order (`mrwalkx`).
    public var text: String { String(Self.letters.filter { contains($0.permission) }.map(\.letter)) }

    public var description: String { text }

    /// What these permissions allow when asked: `w` includes `a`.
    public var granted: PermissionSet { contains(.write) ? union(.append) : self }

    /// The permissions to write: `a` is left out beside `w`, which includes it.
    public var written: PermissionSet { contains(.write) ? subtracting(.append) : self }
}
