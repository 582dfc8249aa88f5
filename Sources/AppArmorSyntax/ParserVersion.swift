/// The apparmor_parser version a policy is written for: what `check`, logprof and easyprof judge
/// against where the language's meaning changed between versions. A plain value: the policy
/// layer does no system I/O, so the caller finds the version (`--parser-version`, the installed
/// parser's `--version`, or the profile's `abi`) and passes it in.
public struct ParserVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let major: Int
    public let minor: Int
    public let patch: Int

    public init(_ major: Int, _ minor: Int, _ patch: Int = 0) {
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    /// Debian 12's parser.
    public static let v3_0 = ParserVersion(3, 0)
    public static let v4_0 = ParserVersion(4, 0)
    /// Debian 13's and Ubuntu 25.04's parser.
    public static let v4_1 = ParserVersion(4, 1)
    /// What a policy is judged against when nothing names a version: the newest semantics known.
    public static let latest = v4_1

    /// Reads `4.1`, `3.0.8`, `4.1.0~beta1`, `v4.1`, or the first line of
    /// `apparmor_parser --version` ("AppArmor parser version 4.1.0"); nil when no version is there.
    public init?(parsing text: some StringProtocol) {
        var s = Substring(text)
        if let nl = s.firstIndex(of: "\n") { s = s[..<nl] }
        let marker = "version "
        if let i = s.indices.first(where: { s[$0...].hasPrefix(marker) }) { s = s[s.index(i, offsetBy: marker.count)...] }
        s = s.drop(while: { $0 == " " || $0 == "v" })
        var parts: [Int] = []
        var digits = ""
        for ch in s {
            if ch.isASCII, ch.isNumber {
                digits.append(ch)
            } else if ch == ".", !digits.isEmpty, parts.count < 2 {
                parts.append(Int(digits) ?? 0)
                digits = ""
            } else {
                break
            }
        }
        if !digits.isEmpty { parts.append(Int(digits) ?? 0) }
        guard parts.count >= 2, digits.count <= 6 else { return nil }
        self.init(parts[0], parts[1], parts.count > 2 ? parts[2] : 0)
    }

    /// The version an `abi <abi/4.0>,` statement declares: the parser line that ships that ABI.
    public init?(abiName: String) {
        let name = abiName.split(separator: "/").last.map(String.init) ?? abiName
        guard let v = ParserVersion(parsing: name) else { return nil }
        self = v
    }

    public var description: String { "\(major).\(minor).\(patch)" }

    /// `4.1`, or `3.0.8` when the patch level is known: how messages name a version.
    public var shortDescription: String { patch == 0 ? "\(major).\(minor)" : description }

    public static func < (a: ParserVersion, b: ParserVersion) -> Bool {
        (a.major, a.minor, a.patch) < (b.major, b.minor, b.patch)
    }

    // MARK: what changed between versions

    /// `priority=N` before a rule: new in 4.1; older parsers reject the keyword.
    public var hasRulePriority: Bool { self >= .v4_1 }

    /// The first parser line that reads a rule keyword, for the keywords 3.0 does not know
    /// (`userns`, `mqueue`, `io_uring`, `all`: new in 4.0); nil for the rest.
    public static func firstReading(_ kind: SyntaxKind) -> ParserVersion? {
        switch kind {
        case .usernsRule, .mqueueRule, .ioUringRule, .allRule: .v4_0
        default: nil
        }
    }

    /// Whether the parser knows a profile flag (its name, without `=value`). 3.0 stops at the
    /// 4.x ones with "Invalid profile flag"; `attach_disconnected.ipc` is newer than 4.1.
    public func readsProfileFlag(_ name: String) -> Bool {
        switch name {
        case "prompt", "default_allow", "interruptible", "debug", "kill.signal", "error", "attach_disconnected.path": self >= .v4_0
        case "attach_disconnected.ipc": self > .v4_1
        default: true
        }
    }

    /// Network rules with permissions or conditions: 3.0 reads a domain and a type only
    /// ("Invalid network entry"); 4.0 adds permissions and ip/port/peer.
    public var readsNetworkAccess: Bool { self >= .v4_0 }

    /// A network condition key: `label` and `interface` are newer than 4.1.
    public func readsNetworkCondition(_ key: String) -> Bool {
        key == "label" || key == "interface" ? self > .v4_1 : readsNetworkAccess
    }

    /// A mount option: `symfollow`, `nosymfollow`, `nostrictatime`, `lazytime` and
    /// `nolazytime` are new in 4.0 (3.0 stops with "unsupported mount options").
    public func readsMountOption(_ option: String) -> Bool {
        switch option {
        case "symfollow", "nosymfollow", "nostrictatime", "lazytime", "nolazytime": self >= .v4_0
        default: true
        }
    }

    /// How a mount rule's options are encoded (AppArmorPolicy's MountEncoding): 3.0 counts
    /// every option, set or cleared, `options=` or `options in`, as one list, and a propagation
    /// change (`private`, `shared`...) takes no source ("Encoding of mount rule failed"); 4.x
    /// encodes each `options=` list by the flags it sets, `options in` as optional flags, and a
    /// propagation change with a source or a mount point.
    public var mountsChangeWithASource: Bool { self >= .v4_0 }

    /// Opposite mount options in one `options=` list (`rw` and `ro`...): 4.x stops with
    /// "conflicting flags in the rule"; 3.0 takes the last one.
    public var refusesConflictingMountOptions: Bool { self >= .v4_0 }

    /// The profile variables `@{exec_path}` and `@{attach_path}` (a profile's attachment):
    /// newer than 4.1; 3.0.8 and 4.1 stop with "Found reference to variable exec_path, but is
    /// never declared". `@{profile_name}` is older than both.
    public var hasAttachmentVariables: Bool { self > .v4_1 }

    /// An attachment that starts with a variable must still be an absolute path once expanded:
    /// newer than 4.1 (3.0.8 and 4.1 check only an attachment written with a leading `/`).
    public var checksExpandedAttachment: Bool { self > .v4_1 }

    /// `abi <kernel>` and `abi <default>` naming the running kernel's and the parser's own ABI:
    /// newer than 4.1 (3.0.8 and 4.1 look for a file of that name: "Could not open 'default'").
    public var namesBuiltinABIs: Bool { self > .v4_1 }

    /// `profile NAME + identities=(...)`: newer than 4.1 (3.0.8 stops at the `+`, 4.1 too).
    public var hasProfileIdentities: Bool { self > .v4_1 }

    /// `?=` (define unless defined) and `:=` (override) for variables and booleans: newer than
    /// 4.1; 3.0.8 stops with "Lexer found unexpected character: '?'", 4.1 with "unexpected
    /// TOK_ID, expecting TOK_EQUALS" for `:=`.
    public var hasConditionalAssignment: Bool { self > .v4_1 }

    /// `defined $NAME` of a boolean that is not set: 4.1 stops with "Unset boolean variable
    /// $NAME used in if-expression"; 3.0.8 and the development line read it as false. (4.0 is
    /// taken to be 4.1's line.)
    public var refusesDefinedUnsetBoolean: Bool { self >= .v4_0 && self <= .v4_1 }

    /// Conditions beyond `not`, `$BOOL`, `defined @{SET}` and `defined $BOOL`: `and`, `or`,
    /// parentheses, comparisons (`==`, `<`, `in` ...) and the literals `true` and `false`. New
    /// after 4.1 (upstream's development line); 3.0.8 and 4.1 both stop at them with
    /// "unexpected TOK_ID, expecting TOK_OPEN".
    public var hasCompoundConditions: Bool { self > .v4_1 }

    /// Exec rules: a pattern without `*`, `**`, `?` or `[^...]` is an exact match that overrides
    /// an overlapping glob's x mode. 4.x counts character classes (`[56]`) and alternations as
    /// exact; 3.x counts a character class as a glob.
    public var characterClassIsExactMatch: Bool { self >= .v4_0 }
}
