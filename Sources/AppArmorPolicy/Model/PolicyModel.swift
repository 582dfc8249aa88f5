import AppArmorSyntax

/// `audit`, `allow`/`deny`, `owner`/`other`, `priority=N` and the prompt modes of a rule
/// (from its own prefix and any qualifier blocks around it).
public struct RuleQualifiers: Sendable, Hashable {
    public var audit = false
    public var allow = false
    public var deny = false
    public var owner = false
    public var other = false
    /// `quiet`, `kill`, `complain`, `prompt` when given.
    public var mode: String?
    public var priority: Int?

    public init() {}

    /// These qualifiers inside a block that has `outer`.
    public func merged(into outer: RuleQualifiers) -> RuleQualifiers {
        var q = self
        q.audit = audit || outer.audit
        q.allow = allow || outer.allow
        q.deny = deny || outer.deny
        q.owner = owner || outer.owner
        q.other = other || outer.other
        q.mode = mode ?? outer.mode
        q.priority = priority ?? outer.priority
        return q
    }
}

/// A condition of a rule, `key=value`, `key=(a b)`, `key in (a b)`, or inside `peer=( )`.
public struct RuleCondition: Sendable, Equatable {
    public var key: String
    public var values: [String]
    /// Inside `peer=(...)`.
    public var isPeer: Bool
    /// The bytes of the condition in its file (for diagnostics); not part of equality.
    public var range: Range<Int>

    public init(key: String, values: [String], isPeer: Bool = false, range: Range<Int> = 0..<0) {
        self.key = key
        self.values = values
        self.isPeer = isPeer
        self.range = range
    }

    public static func == (a: RuleCondition, b: RuleCondition) -> Bool {
        a.key == b.key && a.values == b.values && a.isPeer == b.isPeer
    }
}

/// What a rule says, by family. Paths and names are after variable expansion (a variable with
/// several values becomes an alternation `{a,b}`).
public enum RuleDetail: Sendable {
    case file(FileRule)
    case link(LinkRule)
    case capability([String])
    case network(NetworkRule)
    /// unix, dbus, signal, ptrace, mqueue, io_uring, userns, all: permissions and conditions.
    case access(AccessRule)
    case mount(MountRule)
    case pivotRoot(oldRoot: String?, newRoot: String?, target: String?)
    case changeProfile(ChangeProfileRule)
    case rlimit(resource: String, value: String)
    case changeHat(String)
}

/// One rule of a profile, typed, linked to its syntax node and file. Immutable; shared by
/// every profile that includes the same abstraction.
public final class PolicyRule: Sendable {
    public let kind: SyntaxKind
    public let qualifiers: RuleQualifiers
    public let detail: RuleDetail
    public let node: SyntaxNode
    /// The file the rule is written in (an include, or the profile's own file).
    public let file: String

    public init(kind: SyntaxKind, qualifiers: RuleQualifiers, detail: RuleDetail, node: SyntaxNode, file: String) {
        self.kind = kind
        self.qualifiers = qualifiers
        self.detail = detail
        self.node = node
        self.file = file
    }
}

public struct AccessRule: Sendable, Equatable {
    public var perms: [String]
    public var conditions: [RuleCondition]

    public func values(_ key: String, peer: Bool = false) -> [String]? {
        conditions.first { $0.key == key && $0.isPeer == peer }?.values
    }
}

/// A profile, child profile or hat, with its rules and children, to any depth.
public struct Profile: Sendable {
    public var name: String
    /// The namespace from `:ns:name`, when given.
    public var namespace: String?
    public var attachment: String?
    public var flags: [String]
    public var xattrs: [RuleCondition]
    public var isHat: Bool
    public var rules: [PolicyRule]
    public var children: [Profile]
    public let node: SyntaxNode
    public let file: String

    /// The profile's full name: `parent//child`.
    public var fullName: String { name }
}

/// Everything one profile file loads to: its profiles with includes resolved and variables
/// expanded, the variables, and the files it read.
public struct LoadedPolicy: Sendable {
    public var path: String
    public var profiles: [Profile]
    public var variables: VariableTable
    public var filesRead: [String]
}
