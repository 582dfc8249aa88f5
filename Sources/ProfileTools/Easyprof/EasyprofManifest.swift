/// JSON manifests: reading `{"security": {"profiles": {NAME: {...}}}}` into profile options,
/// writing them back (`--output-format json`), and `--verify-manifest`'s safety review.
public enum EasyprofManifest {
    static let validKeys: Set<String> = [
        "abstractions", "author", "binary", "comment", "copyright", "name", "policy_groups", "policy_version",
        "policy_vendor", "profile_name", "read_path", "template", "template_variables", "write_path",
    ]

    /// One options value per profile in the manifest, in the manifest's order.
    /// `base` holds the command line's values; each entry starts from a copy of it.
    public static func parse(_ text: String, base: EasyprofProfileOptions = .init()) throws -> [EasyprofProfileOptions] {
        let root: EasyprofJSON
        do {
            root = try EasyprofJSON.parse(text)
        } catch let e as EasyprofError {
            throw EasyprofError("Could not parse manifest", details: e.message)
        }
        let top = root["security"] ?? root
        guard let table = top["profiles"] else {
            throw EasyprofError("Could not parse manifest (could not find 'profiles')")
        }
        guard case .object(let entries) = table else { throw EasyprofError("Wrong JSON structure") }
        // Like a Python dict: a repeated key keeps its first position and its last value.
        var order: [String] = []
        var last: [String: EasyprofJSON] = [:]
        for (key, value) in entries {
            if last.updateValue(value, forKey: key) == nil { order.append(key) }
        }
        return try order.map { try profile(named: $0, last[$0]!, base: base) }
    }

    static func profile(named key: String, _ value: EasyprofJSON, base: EasyprofProfileOptions) throws
        -> EasyprofProfileOptions
    {
        guard case .object(let fields) = value else { throw EasyprofError("Wrong JSON structure") }
        var o = base
        o.binary = nil
        if key.hasPrefix("/") {
            if value["binary"] != nil { throw EasyprofError("Profile name should not specify path with binary") }
            o.binary = key
        } else {
            o.profileName = key
            if let b = value["binary"] {
                let s = try string(b, "binary")
                o.binary = s
                o.manifestBinary = s
            }
        }
        for (k, v) in fields {
            guard validKeys.contains(k) else { throw EasyprofError("Invalid key '\(k)'") }
            switch k {
            case "binary": continue
            case "abstractions": o.abstractions = try list(v, k).joined(separator: ",")
            case "policy_groups": o.policyGroups = try list(v, k).joined(separator: ",")
            case "read_path": o.readPaths = try list(v, k)
            case "write_path": o.writePaths = try list(v, k)
            case "template_variables":
                guard case .object(let vars) = v else { throw EasyprofError("'template_variables' must be an object") }
                o.templateVariables = try vars.map { "@{\($0.0)}=\(try string($0.1, "template_variables"))" }
            case "policy_version": o.policyVersion = v
            case "author": o.author = try string(v, k)
            case "comment": o.comment = try string(v, k)
            case "copyright": o.copyright = try string(v, k)
            case "name": o.name = try string(v, k)
            case "policy_vendor": o.policyVendor = try string(v, k)
            case "profile_name": o.profileName = try string(v, k)
            case "template": o.template = try string(v, k)
            default: break
            }
        }
        return o
    }

    static func string(_ v: EasyprofJSON, _ key: String) throws -> String {
        guard let s = v.pythonString else { throw EasyprofError("manifest key '\(key)' must be a string") }
        return s
    }

    static func list(_ v: EasyprofJSON, _ key: String) throws -> [String] {
        guard case .array(let items) = v else { throw EasyprofError("manifest key '\(key)' must be a list") }
        return try items.map { try string($0, key) }
    }

    /// The manifest aa-easyprof would print for these options (`--output-format json`).
    public static func generate(_ o: EasyprofProfileOptions, templateName: String) throws -> String {
        let profileName = o.profileName.flatMap { $0.isEmpty ? nil : $0 }
        guard let key = profileName ?? o.binary else { throw EasyprofError("Must supply binary or profile name") }
        var fields: [(String, EasyprofJSON)] = []
        if templateName != "default" { fields.append(("template", .string(templateName))) }
        if let v = o.policyVersion { fields.append(("policy_version", v)) }
        if let v = o.policyVendor, !v.isEmpty { fields.append(("policy_vendor", .string(v))) }
        if profileName != nil, let b = o.binary, !b.isEmpty { fields.append(("binary", .string(b))) }
        if let n = EasyprofRenderer.policyName(for: o) { fields.append(("name", .string(n))) }
        if !o.templateVariables.isEmpty {
            var vars: [(String, EasyprofJSON)] = []
            for tv in o.templateVariables {
                _ = try EasyprofRenderer.variableDeclaration(tv)
                let parts = tv.split(separator: "=", omittingEmptySubsequences: false)
                var k = Substring(parts[0])
                while k.first == "@" { k = k.dropFirst() }
                while k.first == "{" { k = k.dropFirst() }
                while k.last == "}" { k = k.dropLast() }
                vars.append((String(k), .string(String(parts[1]))))
            }
            fields.append(("template_variables", .object(vars)))
        }
        func sortedList(_ s: String?) -> EasyprofJSON? {
            guard let s, !s.isEmpty else { return nil }
            return .array(EasyprofText.pythonSorted(s.components(separatedBy: ",")).map { .string($0) })
        }
        if let a = sortedList(o.abstractions) { fields.append(("abstractions", a)) }
        if let g = sortedList(o.policyGroups) { fields.append(("policy_groups", g)) }
        if !o.readPaths.isEmpty { fields.append(("read_path", .array(o.readPaths.map { .string($0) }))) }
        if !o.writePaths.isEmpty { fields.append(("write_path", .array(o.writePaths.map { .string($0) }))) }
        for (k, v) in [("comment", o.comment), ("author", o.author), ("copyright", o.copyright)] {
            if let v, !v.isEmpty { fields.append((k, .string(v))) }
        }
        let doc = EasyprofJSON.object([("security", .object([("profiles", .object([(key, .object(fields))]))]))])
        return doc.serialized()
    }

    /// `--verify-manifest`: the reasons a manifest entry needs a human review (empty: safe).
    /// Read/write paths, abstractions other than `base`, path-like profile names, and template
    /// variables with globs, braces or `..` are flagged.
    public static func review(_ o: EasyprofProfileOptions) -> [String] {
        var problems: [String] = []
        if let p = o.profileName, !p.isEmpty, p.hasPrefix("/") || p.contains("*") {
            problems.append("profile_name '\(p)'")
        }
        for tv in o.templateVariables {
            guard EasyprofValidation.isValidVariable(tv) else {
                problems.append(tv)
                continue
            }
            let value = tv.split(separator: "=", omittingEmptySubsequences: false)[1]
            if value.contains("..") || value.contains(where: { "*/{}[]".contains($0) }) { problems.append(tv) }
        }
        if let a = o.abstractions, !a.isEmpty {
            for x in a.components(separatedBy: ",") where x != "base" { problems.append("found '\(x)' abstraction") }
        }
        if !o.readPaths.isEmpty { problems.append("found read_path key") }
        if !o.writePaths.isEmpty { problems.append("found write_path key") }
        return problems
    }
}
