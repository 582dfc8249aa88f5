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
        var text = Substring(raw)
        while let last = text.last, last == "\n" || last == "\0" { text.removeLast() }
        guard !text.isEmpty else { return nil }
        if text == "unconfined" { return ConfinementLabel(label: "unconfined", mode: nil) }
        if text.hasSuffix(")"), let open = text.ranges(of: " (").last {
            let name = text[..<open.lowerBound]
            let mode = text[open.upperBound..<text.index(before: text.endIndex)]
            if !name.isEmpty { return ConfinementLabel(label: String(name), mode: String(mode)) }
        }
        return ConfinementLabel(label: String(text), mode: nil)
    }
}
