#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials

// Two helpers full Foundation used to give (`trimmingCharacters(in:)`, `localizedDescription`),
// which FoundationEssentials lacks: the tools import FoundationEssentials only, so the static
// binary carries no ICU data table.

extension StringProtocol {
    /// The text without leading and trailing characters for which `isTrimmed` holds (by
    /// default spaces and tabs, as `trimmingCharacters(in: .whitespaces)`).
    public func trimmed(where isTrimmed: (Character) -> Bool = { $0 == " " || $0 == "\t" }) -> String {
        guard let first = firstIndex(where: { !isTrimmed($0) }), let last = lastIndex(where: { !isTrimmed($0) }) else { return "" }
        return String(self[first...last])
    }
}

/// What an error says to a user: the system's message for file errors (`No such file or
/// directory`), else the error's own description.
public func describeError(_ error: Error) -> String {
    if let e = error as? CocoaError, let posix = e.underlying as? POSIXError {
        return String(cString: strerror(posix.code.rawValue))
    }
    if let e = error as? POSIXError { return String(cString: strerror(e.code.rawValue)) }
    if let e = error as? CocoaError {
        return e.filePath.map { "cannot access \($0) (error \(e.code.rawValue))" } ?? "file error \(e.code.rawValue)"
    }
    return "\(error)"
}
