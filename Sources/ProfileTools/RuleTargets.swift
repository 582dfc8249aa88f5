import AppArmorPolicy
import AppArmorSyntax
import AuditLog
import FoundationEssentials
import PolicyAnalysis
import SystemAppArmor

/// The command-line overrides of the rule target: `--abi FILE`, `--features-file FILE`,
/// `--parser-version X.Y.Z`.
public struct RuleTargetOptions: Sendable, Equatable {
    public var abiFile: String?
    public var featuresFile: String?
    public var parserVersion: String?

    public init(abiFile: String? = nil, featuresFile: String? = nil, parserVersion: String? = nil) {
        self.abiFile = abiFile
        self.featuresFile = featuresFile
        self.parserVersion = parserVersion
    }

    /// Why an override cannot be used, or nil.
    public func problem() -> String? {
        if let v = parserVersion, ParserVersion(parsing: v) == nil { return "--parser-version: '\(v)' is not a version such as 3.0.8" }
        for (flag, f) in [("--abi", abiFile), ("--features-file", featuresFile)] {
            if let f, !FileManager.default.isReadableFile(atPath: f) { return "\(flag): cannot read \(f)" }
        }
        return nil
    }
}

/// What rules may use, per profile file: the installed apparmor_parser's version (from
/// `apparmor_parser --version`, the program `ApparmorParser` runs) and the policy ABI, taken
/// from the file's `abi <...>,` statement, else the running kernel's features, else the
/// `policy-features`/`features-file` of parser.conf. Each part is worked out on first use
/// (logprof runs that ask no network question never start the parser).
public final class RuleTargets {
    let options: RuleTargetOptions
    let root: SystemRoot
    let profileDir: String
    let parserProgram: String
    private var parserDone = false
    private var parserValue: ParserVersion?
    private var systemDone = false
    private var systemValue: Set<String>?
    /// The features of each ABI file read, by its path.
    private var abiFiles: [String: Set<String>?] = [:]

    public init(options: RuleTargetOptions = RuleTargetOptions(), profileDir: String, root: SystemRoot = .live,
                parserProgram: String? = nil) {
        self.options = options
        self.root = root
        self.profileDir = profileDir
        self.parserProgram = parserProgram ?? ApparmorParser().program
    }

    /// The installed parser's version (nil when it does not run).
    public var parser: ParserVersion? {
        if !parserDone {
            parserDone = true
            if let v = options.parserVersion { parserValue = ParserVersion(parsing: v) } else {
                parserValue = ApparmorParser(program: parserProgram).versionLine().flatMap { ParserVersion(parsing: $0) }
            }
        }
        return parserValue
    }

    /// The policy ABI when a file has no `abi` statement (or `--abi`/`--features-file`).
    public var systemFeatures: Set<String>? {
        if !systemDone {
            systemDone = true
            if let f = options.abiFile ?? options.featuresFile {
                systemValue = featureFile(f)
            } else if let live = Self.featureTree(root: root) {
                systemValue = live
            } else if let conf = Self.parserConfFeatures(root: root) {
                systemValue = featureFile(root.path(conf))
            }
        }
        return systemValue
    }

    /// The target of a file whose `abi` statement names `abi` (nil: none).
    public func target(abi: String?) -> RuleTarget {
        if options.abiFile != nil || options.featuresFile != nil { return RuleTarget(parser: parser, features: systemFeatures) }
        if let abi, let path = resolveABI(abi), let f = featureFile(path) { return RuleTarget(parser: parser, features: f) }
        return RuleTarget(parser: parser, features: systemFeatures)
    }

    /// The target for rules of a file: its `abi` statement decides the ABI.
    public func target(file bytes: [UInt8]) -> RuleTarget { target(abi: Self.abiName(bytes)) }

    func resolveABI(_ name: String) -> String? {
        let candidates = name.hasPrefix("/") ? [name] : [PathNames.appending(profileDir, name), "/etc/apparmor.d/" + name]
        return candidates.first { FileManager.default.isReadableFile(atPath: $0) }
    }

    func featureFile(_ path: String) -> Set<String>? {
        if let hit = abiFiles[path] { return hit }
        let f = (try? FeatureSet(contentsOf: path))?.paths
        abiFiles[path] = f
        return f
    }

    /// The name in a file's first `abi <name>,` or `abi "name",` statement.
    public static func abiName(_ bytes: [UInt8]) -> String? {
        let r = Parser.parse(path: "", bytes: bytes)
        guard let n = r.root.childNodes.first(where: { $0.kind == .abi }) else { return nil }
        let text = String(decoding: bytes[Int(n.textRange.lowerBound)..<Int(n.textRange.upperBound)], as: UTF8.self)
        guard let open = text.firstIndex(where: { $0 == "<" || $0 == "\"" }) else { return nil }
        let close: Character = text[open] == "<" ? ">" : "\""
        let rest = text[text.index(after: open)...]
        guard let end = rest.firstIndex(of: close) else { return nil }
        return rest[..<end].trimmed()
    }

    /// `/sys/kernel/security/apparmor/features` as feature paths: folders and files by their
    /// relative path, and each word of a file below its path.
    static func featureTree(root: SystemRoot) -> Set<String>? {
        let top = "/sys/kernel/security/apparmor/features"
        guard root.isDirectory(top) else { return nil }
        var out = Set<String>()
        var stack = [""]
        while let rel = stack.popLast() {
            let abs = rel.isEmpty ? top : top + "/" + rel
            for name in root.list(abs) ?? [] {
                let r = rel.isEmpty ? name : rel + "/" + name
                out.insert(r)
                if root.isDirectory(top + "/" + r) {
                    stack.append(r)
                } else if let text = root.readText(top + "/" + r) {
                    for w in text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }) { out.insert(r + "/" + w) }
                }
            }
        }
        return out
    }

    /// parser.conf's `policy-features=` (or `features-file=`) path.
    static func parserConfFeatures(root: SystemRoot) -> String? {
        guard let text = root.readText("/etc/apparmor/parser.conf") else { return nil }
        for line in text.split(separator: "\n") {
            let t = line.trimmed()
            for key in ["policy-features", "features-file"] {
                for prefix in [key + "=", "--" + key + "="] where t.hasPrefix(prefix) {
                    let v = t.dropFirst(prefix.count).trimmed()
                    if !v.isEmpty { return v }
                }
            }
        }
        return nil
    }
}

extension RuleTargets {
    /// The rules of a plan that its files' target cannot take, as messages (`aaswift apply`).
    public func problems(in plan: LogprofPlan) -> [String] {
        let reader = RuleTextReader()
        var out: [String] = []
        var byFile: [String: RuleTarget] = [:]
        for c in plan.changes where c.kind == .rule && c.family != .hat && c.family != .child {
            let t = byFile[c.file] ?? target(file: FileManager.default.contents(atPath: c.file).map(Array.init) ?? [])
            byFile[c.file] = t
            for r in reader.rules(c.text) {
                guard let u = t.unsupported(r), let need = RuleTarget.requirements[u] else { continue }
                let features = need.featuresAnyOf.isEmpty ? "" : " and a policy ABI with " + need.featuresAnyOf.joined(separator: " or ")
                let have = "apparmor_parser " + (t.parser.map(\.description) ?? "unknown")
                out.append("\(c.file): '\(c.text)' needs apparmor_parser \(need.parser)\(features) (\(have))")
            }
        }
        return out
    }
}
