import FoundationEssentials

/// One accepted change: a rule or include added to a profile, or a new profile file.
public struct LogprofChange: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        case rule, include, newProfile
    }

    public var kind: Kind
    /// The profile file to change (for a new profile, the file to create).
    public var file: String
    /// `profile` or `profile//hat`.
    public var profile: String
    /// The rule with its comma, the include name, or the new file's text.
    public var text: String
    /// The rule's keyword (`file`, `capability`, `network`...) for placement.
    public var family: String
    /// A new hat or child: the flags of its header (`complain` inside a complain-mode parent).
    public var flags: [String]?

    public init(kind: Kind, file: String, profile: String, text: String, family: String, flags: [String]? = nil) {
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
