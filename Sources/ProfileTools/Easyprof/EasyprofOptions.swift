/// What one profile is generated from: the values aa-easyprof takes on its command line, or
/// from one entry of a JSON manifest.
public struct EasyprofProfileOptions: Sendable, Equatable {
    /// Absolute path of the program (the attachment), if any.
    public var binary: String?
    /// The `binary` key of a manifest entry (validated as a path, like upstream).
    public var manifestBinary: String?
    public var profileName: String?
    /// The policy's descriptive name (`###NAME###`), not the AppArmor profile name.
    public var name: String?
    public var template: String = "default"
    /// Comma-separated, as given.
    public var abstractions: String?
    /// Comma-separated, as given.
    public var policyGroups: String?
    public var templateVariables: [String] = []
    public var readPaths: [String] = []
    public var writePaths: [String] = []
    public var comment: String?
    public var author: String?
    public var copyright: String?
    /// As given: a string from the command line, a number or string from a manifest.
    public var policyVersion: EasyprofJSON?
    public var policyVendor: String?
    /// Extra rules (from `--auto`), placed after the abstractions; not part of manifests.
    public var extraRules: [AutoRule] = []

    public init() {}

    var policyVersionText: String? { policyVersion?.pythonString }
}

/// Where templates and policy groups come from, and how abstractions are resolved.
public struct EasyprofSearchOptions: Sendable, Equatable {
    public var templatesDir: String?
    public var includeTemplatesDir: String?
    public var policyGroupsDir: String?
    public var includePolicyGroupsDir: String?
    /// `-c FILE`: read `TEMPLATES_DIR=` and `POLICYGROUPS_DIR=` from it.
    public var configFile: String?
    /// Without `-c`: the system's easyprof.conf (the command sets `standardConfigFile`, as
    /// aa-easyprof reads it); used when it names two existing folders, else skipped. Nil (the
    /// library's default, so that a session depends on no file of the system): not read.
    public var systemConfigFile: String?
    /// Folder of installed defaults (`<dir>/templates`, `<dir>/policygroups`); consulted after
    /// the explicit folders and before the built-in defaults.
    public var installedDefaultsDir: String? = EasyprofSearchOptions.standardInstalledDir
    /// `-b`: base folder for abstractions (default `/etc/apparmor.d`).
    public var parserBase: String?
    /// `-I`: extra folder for abstractions.
    public var parserInclude: String?

    public static let standardInstalledDir = "/usr/share/aaswift/easyprof"
    public static let standardConfigFile = "/etc/apparmor/easyprof.conf"
    public static let standardParserBase = "/etc/apparmor.d"

    public init() {}

    var effectiveParserBase: String { parserBase ?? EasyprofSearchOptions.standardParserBase }
}

public enum EasyprofOutputFormat: String, Sendable, CaseIterable {
    case text, json
}
