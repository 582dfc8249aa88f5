import AppArmorSyntax
import FoundationEssentials

/// Lint findings as a SARIF 2.1.0 log (the subset GitHub code scanning reads): one run, the
/// tool's rules (every lint check, with its rationale and the man page as help), and one
/// result per finding with its rule, level, message and start position.
public struct SARIFLog: Codable, Sendable, Equatable {
    public static let schemaURI = "https://json.schemastore.org/sarif-2.1.0.json"

    public var schema: String
    public var version: String
    public var runs: [Run]

    enum CodingKeys: String, CodingKey {
        case schema = "$schema"
        case version, runs
    }

    public struct Run: Codable, Sendable, Equatable {
        public var tool: Tool
        public var results: [Result]
    }

    public struct Tool: Codable, Sendable, Equatable {
        public var driver: Driver
    }

    public struct Driver: Codable, Sendable, Equatable {
        public var name: String
        public var version: String?
        public var informationUri: String?
        public var rules: [Rule]
    }

    public struct Rule: Codable, Sendable, Equatable {
        public var id: String
        public var name: String
        public var shortDescription: Text
        public var helpUri: String?
        public var defaultConfiguration: Configuration
    }

    public struct Configuration: Codable, Sendable, Equatable {
        public var level: String
    }

    public struct Text: Codable, Sendable, Equatable {
        public var text: String
    }

    public struct Result: Codable, Sendable, Equatable {
        public var ruleId: String
        public var ruleIndex: Int?
        public var level: String
        public var message: Text
        public var locations: [Location]
    }

    public struct Location: Codable, Sendable, Equatable {
        public var physicalLocation: PhysicalLocation
    }

    public struct PhysicalLocation: Codable, Sendable, Equatable {
        public var artifactLocation: ArtifactLocation
        public var region: Region
    }

    public struct ArtifactLocation: Codable, Sendable, Equatable {
        public var uri: String
    }

    public struct Region: Codable, Sendable, Equatable {
        public var startLine: Int
        public var startColumn: Int
    }

    /// SARIF's level for a severity.
    public static func level(_ s: Severity) -> String {
        switch s {
        case .error: "error"
        case .warning: "warning"
        case .note: "note"
        }
    }

    /// The log of a run's findings. Paths become relative URIs when under `baseDirectory`
    /// (GitHub matches them against the repository), with `%`-escapes where URIs need them.
    public init(findings: [LintFinding], toolVersion: String?, baseDirectory: String? = nil) {
        let rules = LintRule.all
        let index = Dictionary(uniqueKeysWithValues: rules.enumerated().map { ($1.id, $0) })
        let driver = Driver(
            name: "aaswift", version: toolVersion, informationUri: "https://gitlab.com/apparmor/apparmor",
            rules: rules.map { r in
                Rule(id: r.id, name: r.name, shortDescription: Text(text: r.summary), helpUri: nil,
                     defaultConfiguration: Configuration(level: Self.level(r.severity)))
            })
        let results = findings.map { f in
            Result(ruleId: f.rule.id, ruleIndex: index[f.rule.id], level: Self.level(f.rule.severity), message: Text(text: f.message),
                   locations: [Location(physicalLocation: PhysicalLocation(
                       artifactLocation: ArtifactLocation(uri: Self.uri(f.file, base: baseDirectory)),
                       region: Region(startLine: f.line, startColumn: f.column)))])
        }
        self.init(schema: Self.schemaURI, version: "2.1.0", runs: [Run(tool: Tool(driver: driver), results: results)])
    }

    public init(schema: String, version: String, runs: [Run]) {
        self.schema = schema
        self.version = version
        self.runs = runs
    }

    /// The log as JSON text (keys sorted, indented, as code scanning uploads usually are).
    public func encoded() throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try e.encode(self), as: UTF8.self)
    }

    /// A file path as a URI reference: relative to `base` when under it, bytes outside
    /// RFC 3986's unreserved set and `/` percent-encoded.
    static func uri(_ path: String, base: String?) -> String {
        var p = path
        if let base, !base.isEmpty {
            let prefix = base.hasSuffix("/") ? base : base + "/"
            if p.hasPrefix(prefix) { p = String(p.dropFirst(prefix.count)) }
        }
        if p.hasPrefix("./") { p.removeFirst(2) }
        var out = p.hasPrefix("/") ? "file://" : ""
        for b in p.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out += "%" + String(decoding: [hex[Int(b >> 4)], hex[Int(b & 15)]], as: UTF8.self)
            }
        }
        return out
    }
}
