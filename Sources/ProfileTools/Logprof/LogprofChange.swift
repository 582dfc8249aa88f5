import AppArmorSyntax
import FoundationEssentials

/// What a change adds: a rule of a kind (file rules included), an include, a new hat or child
/// profile, or a new profile file. Written in a plan as its keyword (`capability`, `file`,
/// `include`, `hat`...); a plan naming anything else does not load.
public enum ChangeFamily: Sendable, Hashable, Codable, CustomStringConvertible {
    case rule(SyntaxKind)
    case include, hat, child, profile

    public init?(keyword: String) {
        switch keyword {
        case "include": self = .include
        case "hat": self = .hat
        case "child": self = .child
        case "profile": self = .profile
        default:
            guard let k = SyntaxKind.ruleKind(forKeyword: keyword), k != .allRule else { return nil }
            self = .rule(k)
        }
    }

    /// The family of a rule's text: its keyword after the qualifiers, else a file rule
    /// (`owner /x r,`, `/x r,`).
    public init(ruleText: String) {
        // The first word that is not a qualifier; only the words up to it are looked at (a
        // long rule is not split whole).
        var word: Substring = ""
        var rest = Substring(ruleText)
        while let start = rest.firstIndex(where: { $0 != " " }) {
            let end = rest[start...].firstIndex(of: " ") ?? rest.endIndex
            let w = rest[start..<end]
            rest = rest[end...]
            if !["audit", "deny", "owner", "allow"].contains(w) { word = w; break }
        }
        if let k = SyntaxKind.ruleKind(forKeyword: String(word)), k != .allRule { self = .rule(k) } else { self = .rule(.fileRule) }
    }

    public var keyword: String {
        switch self {
        case .include: "include"
        case .hat: "hat"
        case .child: "child"
        case .profile: "profile"
        case .rule(let k): SyntaxKind.ruleKeywords.first { SyntaxKind.ruleKind(forKeyword: $0) == k } ?? "file"
        }
    }

    /// The syntax kind a change of this family becomes.
    public var syntaxKind: SyntaxKind {
        switch self {
        case .rule(let k): k
        case .include: .include
        case .hat, .child, .profile: .hat
        }
    }

    public var description: String { keyword }

    public init(from decoder: Decoder) throws {
        let word = try decoder.singleValueContainer().decode(String.self)
        guard let f = ChangeFamily(keyword: word) else {
            throw DecodingError.dataCorrupted(DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "unknown rule family '\(word)'"))
        }
        self = f
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(keyword)
    }
}

/// One accepted change: a rule or include added to a profile, or a new profile file.
public struct LogprofChange: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        case rule, include, newProfile
    }

    public var kind: Kind
    /// The profile file to change (for a new profile, the file to create).
    public var file: String
    /// `profile` or `profile//hat`; empty for a statement of the file's preamble (mergeprof).
    public var profile: String
    /// The rule with its comma, the include name, or the new file's text.
    public var text: String
    /// What the change adds, for placement and checking.
    public var family: ChangeFamily
    /// A new hat or child: the flags of its header (`complain` inside a complain-mode parent).
    public var flags: [String]?

    public init(kind: Kind, file: String, profile: String, text: String, family: ChangeFamily, flags: [String]? = nil) {
        self.kind = kind
        self.file = file
        self.profile = profile
        self.text = text
        self.family = family
        self.flags = flags
    }
}

/// The reviewable output of a session: what `--plan-out` writes and `aaswift apply` reads.
public struct LogprofPlan: Codable, Sendable, Equatable {
    /// The plan format this version reads and writes (2: absolute paths and file digests).
    public static let currentVersion = 2
    public var version = LogprofPlan.currentVersion
    public var profileDir: String
    public var local: Bool
    public var changes: [LogprofChange]
    /// The SHA-256 of each file the plan edits, as it was when the plan was made ("absent"
    /// for a file that did not exist): `apply` refuses a plan whose files changed since.
    public var files: [String: String]?

    public init(profileDir: String, local: Bool = false, changes: [LogprofChange], files: [String: String]? = nil) {
        self.profileDir = profileDir
        self.local = local
        self.changes = changes
        self.files = files
    }

    public func encoded() throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try e.encode(self)
    }

    public static func decode(_ data: Data) throws -> LogprofPlan {
        try JSONDecoder().decode(LogprofPlan.self, from: data)
    }
}
