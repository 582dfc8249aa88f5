public enum Severity: String, Sendable, Comparable {
    case note, warning, error

    private var rank: Int {
        switch self {
        case .note: 0
        case .warning: 1
        case .error: 2
        }
    }

    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// A stable identifier for each kind of diagnostic. AA1xxx: syntax; AA2xxx: policy semantics
/// (includes, variables); AA3xxx: rule validation. The IDs never change meaning once released.
public struct DiagnosticID: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ raw: String) { self.rawValue = raw }
    public var description: String { rawValue }

    // Syntax (AA1xxx)
    public static let unexpectedToken = DiagnosticID("AA1001")
    public static let missingComma = DiagnosticID("AA1002")
    public static let unterminatedString = DiagnosticID("AA1003")
    public static let unclosedBlock = DiagnosticID("AA1004")
    public static let unmatchedClose = DiagnosticID("AA1005")
    public static let unknownStatement = DiagnosticID("AA1006")
    public static let missingName = DiagnosticID("AA1007")
    public static let unclosedParen = DiagnosticID("AA1008")
    public static let badConditionExpr = DiagnosticID("AA1009")
    public static let badInclude = DiagnosticID("AA1010")
    public static let badAssignment = DiagnosticID("AA1011")
    public static let badCharacter = DiagnosticID("AA1012")
    public static let emptyRule = DiagnosticID("AA1013")
    public static let tooDeep = DiagnosticID("AA1014")
    /// The file holds a NUL byte: binary data, not read (and never shown).
    public static let binaryInput = DiagnosticID("AA1015")
    /// The per-file limit of diagnostics was reached; the rest of the file is not read.
    public static let tooManyErrors = DiagnosticID("AA1016")
}

/// A message about a byte range of a file.
public struct Diagnostic: Sendable, Equatable {
    public let id: DiagnosticID
    public let severity: Severity
    public let message: String
    public let range: Range<Int>
    /// The file it is about (the path as given), when it is not the file being parsed.
    public var path: String?
    /// Extra lines printed after the message (for example an include chain).
    public var notes: [String]

    public init(_ id: DiagnosticID, _ severity: Severity = .error, _ message: String, range: Range<Int>, path: String? = nil, notes: [String] = []) {
        self.id = id
        self.severity = severity
        self.message = Diagnostic.shortened(message)
        self.range = range
        self.path = path
        self.notes = notes
    }
}

extension Diagnostic {
    /// Messages quote what they are about; a quoted 100 KB pattern would make one diagnostic
    /// as long as the file. Past this many bytes, the middle of a message is left out.
    public static let maxMessageBytes = 400

    static func shortened(_ message: String) -> String {
        guard message.utf8.count > maxMessageBytes else { return message }
        // Counted in bytes, cut between scalars: a replacement character (undecodable input)
        // takes three bytes.
        let keep = maxMessageBytes / 2 - 10
        func take<S: Sequence<Unicode.Scalar>>(_ scalars: S) -> [Unicode.Scalar] {
            var out: [Unicode.Scalar] = []
            var bytes = 0
            for u in scalars {
                bytes += UTF8.width(u)
                if bytes > keep { break }
                out.append(u)
            }
            return out
        }
        var head = String.UnicodeScalarView(), tail = String.UnicodeScalarView()
        head.append(contentsOf: take(message.unicodeScalars))
        tail.append(contentsOf: take(message.unicodeScalars.reversed()).reversed())
        return String(head) + " [...] " + String(tail)
    }

    /// `file:line:col: error: message [AA1001]`, the source line and a caret under the range.
    public func rendered(in source: SourceFile, color: Bool = false) -> String {
        let loc = source.location(of: range.lowerBound)
        let sev = severity.rawValue
        let (bold, red, yellow, cyan, reset) = color
            ? ("\u{1B}[1m", "\u{1B}[31m", "\u{1B}[33m", "\u{1B}[36m", "\u{1B}[0m") : ("", "", "", "", "")
        let sevColor = severity == .error ? red : severity == .warning ? yellow : cyan
        var out = "\(bold)\(path ?? source.path):\(loc.line):\(loc.column): \(sevColor)\(sev):\(reset)\(bold) \(message) [\(id)]\(reset)\n"
        let line = source.lineRange(loc.line)
        if !line.isEmpty, id != .binaryInput {
            // Show at most 120 bytes of the line, around the column; unprintable bytes as '?'.
            // Only those bytes are read: a long line costs no more than a short one.
            let col = loc.column - 1
            let from = line.count <= 120 ? 0 : max(0, min(col - 40, line.count - 120))
            let to = min(line.count, from + 120)
            var shown = from > 0 ? "..." : ""
            for b in source.bytes[(line.lowerBound + from)..<(line.lowerBound + to)] {
                shown.unicodeScalars.append(b == 0x09 ? " " : (b >= 0x20 && b < 0x7F ? Unicode.Scalar(b) : "?"))
            }
            if to < line.count { shown += "..." }
            out += "  \(shown)\n"
            let caretCol = col - from + (from > 0 ? 3 : 0)
            let width = max(1, min(range.count, to - col))
            out += "  " + String(repeating: " ", count: max(0, caretCol)) + "\(sevColor)^" + String(repeating: "~", count: max(0, width - 1)) + "\(reset)\n"
        }
        for note in notes { out += "  note: \(note)\n" }
        return out
    }

    /// The one-line form used in tsv reports.
    public func oneLine(in source: SourceFile) -> String {
        let loc = source.location(of: range.lowerBound)
        return "\(path ?? source.path):\(loc.line):\(loc.column): \(severity.rawValue): \(message) [\(id)]"
    }
}
