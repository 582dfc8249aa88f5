/// A confinement label as the kernel shows it in `/proc/<pid>/attr/current` and in
/// securityfs's `profiles` file: `name (mode)`, or `unconfined` without a mode.
public struct ConfinementLabel: Sendable, Equatable {
    /// The label (profile name, or a stack `a//&b`).
    public var label: String
    /// The mode in parentheses (`enforce`, `complain`, `kill`, `unconfined`, `user`, `mixed`, ...),
    /// nil for `unconfined` and for labels that carry none.
    public var mode: String?

    public init(label: String, mode: String?) {
        self.label = label
        self.mode = mode
    }

    /// Splits `name (mode)` as libapparmor's aa_splitcon does: a trailing newline or NUL is
    /// dropped, `unconfined` has no mode, the mode is what follows the last " (" when the text
    /// ends with ")". Returns nil for an empty label.
    public static func split(_ raw: String) -> ConfinementLabel? {
        var bytes = Array(raw.utf8)
        while let last = bytes.last, last == 0x0A || last == 0 { bytes.removeLast() }
        return split(bytes[...])
    }

    /// The same on a line's bytes (the `profiles` file, read whole).
    public static func split(_ text: ArraySlice<UInt8>) -> ConfinementLabel? {
        guard !text.isEmpty else { return nil }
        if text.elementsEqual("unconfined".utf8) { return ConfinementLabel(label: "unconfined", mode: nil) }
        if text.last == UInt8(ascii: ")") {
            // The last " (" of the text.
            var k = text.endIndex - 2
            while k >= text.startIndex {
                if text[k] == UInt8(ascii: " "), text[k + 1] == UInt8(ascii: "(") { break }
                k -= 1
            }
            if k > text.startIndex {
                let name = String(decoding: text[..<k], as: UTF8.self)
                let mode = String(decoding: text[(k + 2)..<(text.endIndex - 1)], as: UTF8.self)
                return ConfinementLabel(label: name, mode: mode)
            }
        }
        return ConfinementLabel(label: String(decoding: text, as: UTF8.self), mode: nil)
    }
}
