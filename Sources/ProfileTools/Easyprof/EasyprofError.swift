/// Everything that can stop `easyprof`: each case carries the message a user reads.
public struct EasyprofError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    /// Extra lines to show after the message (for example the parser's diagnostics).
    public let details: String?

    public init(_ message: String, details: String? = nil) {
        self.message = message
        self.details = details
    }

    public var description: String { message }
}

/// A non-fatal note for the user (printed as `WARN:` by the command).
public struct EasyprofWarning: Sendable, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
}
