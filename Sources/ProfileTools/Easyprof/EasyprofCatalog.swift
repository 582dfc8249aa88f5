import FoundationEssentials

/// One template or policy group: its name, where it was found, and its text.
public struct EasyprofSourceFile: Sendable, Equatable {
    public let name: String
    /// The file it came from, or nil for a built-in default.
    public let path: String?
    public let contents: String
}

/// The two kinds of files easyprof assembles a profile from.
public enum EasyprofFileKind: String, Sendable {
    case templates, policygroups

    var configKey: String { self == .templates ? "TEMPLATES_DIR" : "POLICYGROUPS_DIR" }
    var singular: String { self == .templates ? "template" : "policy group" }
}

/// Where one kind of file is looked up: a primary folder (or the built-in set) and an optional
/// extra folder searched after it.
public struct EasyprofStore: Sendable, Equatable {
    public enum Primary: Sendable, Equatable {
        case directory(String)
        case builtIn
    }

    public let kind: EasyprofFileKind
    public let primary: Primary
    public let include: String?

    /// Every available file, primary first, in aa-easyprof's order (sorted per folder; an
    /// extra folder's files follow).
    public func list() -> [EasyprofSourceFile.Listing] {
        var out: [EasyprofSourceFile.Listing] = []
        switch primary {
        case .directory(let dir):
            out += Self.files(in: dir).map { .init(name: EasyprofText.basename($0), path: $0) }
        case .builtIn:
            out += EasyprofBuiltIn.names(kind).map { .init(name: $0, path: nil) }
        }
        if let include {
            for f in Self.files(in: include) where !out.contains(where: { $0.path == f }) {
                out.append(.init(name: EasyprofText.basename(f), path: f))
            }
        }
        return out
    }

    /// Finds `name` in the primary store, then in the extra folder.
    /// Policy groups must also be listed (a regular, non-hidden file), as upstream requires.
    public func find(_ name: String) throws -> EasyprofSourceFile {
        let listing = kind == .policygroups ? list() : nil
        func acceptable(_ path: String) -> Bool {
            guard FileManager.default.fileExists(atPath: path) else { return false }
            guard let listing else { return true }
            return listing.contains { $0.path == path }
        }
        switch primary {
        case .directory(let dir):
            let p = dir + "/" + name
            if acceptable(p) { return try Self.load(name: name, path: p, kind: kind) }
        case .builtIn:
            if let text = EasyprofBuiltIn.contents(kind, name) {
                return EasyprofSourceFile(name: name, path: nil, contents: text)
            }
        }
        if let include {
            let p = include + "/" + name
            if acceptable(p) { return try Self.load(name: name, path: p, kind: kind) }
        }
        let known = list().map(\.name)
        let hint = known.isEmpty ? "" : " (available: \(known.joined(separator: ", ")))"
        throw EasyprofError("\(kind.singular) '\(name)' does not exist in \(describeLocation())\(hint)")
    }

    public func describeLocation() -> String {
        var where_: String
        switch primary {
        case .directory(let d): where_ = d
        case .builtIn: where_ = "the built-in \(kind.rawValue)"
        }
        if let include { where_ += " or \(include)" }
        return where_
    }

    static func load(name: String, path: String, kind: EasyprofFileKind) throws -> EasyprofSourceFile {
        var isDir = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir {
            throw EasyprofError("\(kind.singular) '\(path)' is a directory, not a file")
        }
        return EasyprofSourceFile(name: EasyprofText.basename(path), path: path, contents: try EasyprofText.readText(path))
    }

    /// `glob(dir + "/*")`, sorted, regular files only (symlinks followed).
    static func files(in dir: String) -> [String] {
        guard EasyprofValidation.isValidPath(dir),
            let names = try? FileManager.default.contentsOfDirectory(atPath: dir)
        else { return [] }
        let paths = names.filter { !$0.hasPrefix(".") }.map { dir == "/" ? "/" + $0 : dir + "/" + $0 }
        return EasyprofText.pythonSorted(paths).filter { p in
            var isDir = false
            return FileManager.default.fileExists(atPath: p, isDirectory: &isDir) && !isDir
        }
    }
}

extension EasyprofSourceFile {
    /// An entry of `--list-templates` / `--list-policy-groups`.
    public struct Listing: Sendable, Equatable {
        public let name: String
        public let path: String?
    }
}

/// Decides the stores from the options, in this order: an explicit folder (`--templates-dir`,
/// `--policy-groups-dir`), the folder of an absolute `--template`, the config file (`-c`, else
/// /etc/apparmor/easyprof.conf when its folders exist, as aa-easyprof reads it), the installed
/// defaults, the built-in defaults. `--policy-vendor`/`--policy-version` then select
/// `<folder>/<vendor>/<version>`.
public enum EasyprofStoreResolver {
    public static func resolve(
        search: EasyprofSearchOptions, profile: EasyprofProfileOptions, cwd: String
    ) throws -> (templates: EasyprofStore, policyGroups: EasyprofStore) {
        var config = try search.configFile.map { try readConfig($0, cwd: cwd) } ?? [:]
        if search.configFile == nil, let system = search.systemConfigFile, let found = try? readConfig(system, cwd: cwd) {
            config = found
        }

        func primary(_ kind: EasyprofFileKind, explicit: String?) throws -> EasyprofStore.Primary {
            if let explicit {
                let abs = absolute(explicit, cwd: cwd)
                guard isDirectory(abs) else {
                    throw EasyprofError("\(kind.rawValue) directory '\(explicit)' does not exist")
                }
                return .directory(abs)
            }
            if kind == .templates, profile.template.hasPrefix("/"),
                EasyprofValidation.isValidPath(profile.template),
                FileManager.default.fileExists(atPath: profile.template), !isDirectory(profile.template)
            {
                return .directory(EasyprofText.dirname(profile.template))
            }
            if let d = config[kind] { return .directory(d) }
            if let base = search.installedDefaultsDir {
                let d = base + "/" + kind.rawValue
                if isDirectory(d) { return .directory(d) }
            }
            return .builtIn
        }

        func include(_ dir: String?) -> String? {
            guard let dir else { return nil }
            let abs = absolute(dir, cwd: cwd)
            return isDirectory(abs) ? abs : nil
        }

        var t = try primary(.templates, explicit: search.templatesDir)
        var g = try primary(.policygroups, explicit: search.policyGroupsDir)

        let version = profile.policyVersionText, vendor = profile.policyVendor
        if (version == nil) != (vendor == nil) {
            throw EasyprofError("Must specify both policy version and vendor")
        }
        if let version, let vendor {
            func versioned(_ p: EasyprofStore.Primary, _ kind: EasyprofFileKind) throws -> EasyprofStore.Primary {
                guard case .directory(let d) = p else {
                    throw EasyprofError(
                        "the built-in \(kind.rawValue) have no vendor/version folders; give --\(kind == .templates ? "templates-dir" : "policy-groups-dir")"
                    )
                }
                let v = d + "/" + vendor + "/" + version
                guard isDirectory(v) else { throw EasyprofError("Could not find \(kind.rawValue) directory '\(v)'") }
                return .directory(v)
            }
            t = try versioned(t, .templates)
            g = try versioned(g, .policygroups)
        }
        return (
            EasyprofStore(kind: .templates, primary: t, include: include(search.includeTemplatesDir)),
            EasyprofStore(kind: .policygroups, primary: g, include: include(search.includePolicyGroupsDir))
        )
    }

    /// Reads `TEMPLATES_DIR="..."` and `POLICYGROUPS_DIR="..."` from an easyprof.conf.
    static func readConfig(_ file: String, cwd: String) throws -> [EasyprofFileKind: String] {
        let path = absolute(file, cwd: cwd)
        let text = try EasyprofText.readText(path)
        var dirs: [EasyprofFileKind: String] = [:]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            for kind in [EasyprofFileKind.templates, .policygroups] where line.hasPrefix(kind.configKey + "=\"") {
                let value = line.trimmed()
                    .split(separator: "=", maxSplits: 2, omittingEmptySubsequences: false)[1]
                dirs[kind] = value.trimmed(where: { "[\"'".contains($0) })
            }
        }
        for kind in [EasyprofFileKind.templates, .policygroups] {
            guard let d = dirs[kind] else { throw EasyprofError("Could not find \(kind.configKey) in '\(path)'") }
            guard isDirectory(d) else { throw EasyprofError("Could not find '\(d)' (\(kind.configKey) in '\(path)')") }
        }
        return dirs
    }

    /// Python's `os.path.abspath`.
    public static func absolute(_ path: String, cwd: String) -> String {
        EasyprofValidation.normalize(path.hasPrefix("/") ? path : cwd + "/" + path)
    }

    static func isDirectory(_ path: String) -> Bool {
        var isDir = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir
    }
}
