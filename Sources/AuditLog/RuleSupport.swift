import AppArmorSyntax

// Which rule construct needs which apparmor_parser version and which kernel feature: the one
// table the rule writers (logprof, genprof, autodep, apply, decode-log) consult, so that every
// rule they propose is one the user's own parser reads and the policy's ABI enforces.

/// A piece of rule syntax whose support differs between parsers or kernels.
public enum RuleConstruct: String, Sendable, CaseIterable {
    /// `network (connect, send) inet stream,`: access lists on network rules.
    case networkAccessList
    /// `network inet stream ip=... port=... peer=(ip=... port=...)`: socket addresses.
    case networkAddress
    /// `userns create,`
    case userns
    /// `mqueue (read) type=posix /name,`
    case mqueue
    /// `io_uring sqpoll,`
    case ioUring
    /// `abi <abi/4.0>,` at the top of a new profile.
    case abi40
}

/// What a construct needs: a minimum parser version, and one of some kernel features in the
/// policy ABI (empty: none).
public struct ConstructRequirement: Sendable {
    public var parser: ParserVersion
    public var featuresAnyOf: [String]
}

/// A parser version and a policy ABI (kernel feature paths such as `network_v8/af_inet`)
/// rules must fit; unknown parts restrict nothing.
public struct RuleTarget: Sendable, Equatable {
    public var parser: ParserVersion?
    /// Feature paths of the policy ABI (as `FeatureSet.paths`); nil when unknown.
    public var features: Set<String>?

    public init(parser: ParserVersion? = nil, features: Set<String>? = nil) {
        self.parser = parser
        self.features = features
    }

    /// No restriction: every construct is written.
    public static let unrestricted = RuleTarget()

    /// The table. Fine-grained inet mediation needs AppArmor 4's parser and a kernel (policy
    /// ABI) with `af_inet` under `network_v8` or `network_v9`: without it apparmor_parser 4
    /// only warns and downgrades the rule, and 3.0 rejects it ("unexpected TOK_ID").
    public static let requirements: [RuleConstruct: ConstructRequirement] = [
        .networkAccessList: ConstructRequirement(parser: .v4_0, featuresAnyOf: ["network_v8/af_inet", "network_v9/af_inet"]),
        .networkAddress: ConstructRequirement(parser: .v4_0, featuresAnyOf: ["network_v8/af_inet", "network_v9/af_inet"]),
        .userns: ConstructRequirement(parser: .v4_0, featuresAnyOf: ["namespaces/mask/userns_create", "namespaces/userns_create"]),
        .mqueue: ConstructRequirement(parser: .v4_0, featuresAnyOf: ["ipc/posix_mqueue"]),
        .ioUring: ConstructRequirement(parser: .v4_0, featuresAnyOf: ["io_uring"]),
        .abi40: ConstructRequirement(parser: .v4_0, featuresAnyOf: []),
    ]

    /// Whether rules of this target may use the construct.
    public func allows(_ c: RuleConstruct) -> Bool {
        guard let need = Self.requirements[c] else { return true }
        if let parser, parser < need.parser { return false }
        if let features, !need.featuresAnyOf.isEmpty, !need.featuresAnyOf.contains(where: features.contains) { return false }
        return true
    }

    /// Whether the parser alone reads the construct (the kernel may still ignore it).
    public func parserReads(_ c: RuleConstruct) -> Bool {
        guard let need = Self.requirements[c], let parser else { return true }
        return parser >= need.parser
    }

    /// This target with another policy ABI.
    public func with(features f: Set<String>?) -> RuleTarget {
        RuleTarget(parser: parser, features: f)
    }
}
