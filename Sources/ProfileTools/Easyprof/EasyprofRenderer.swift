import FoundationEssentials

/// Fills a template's placeholders the way aa-easyprof does: same order, same comments for
/// empty sections, same sorting, same indentation (taken from the placeholder's line).
public struct EasyprofRenderer: Sendable {
    public let template: EasyprofSourceFile
    public let policyGroups: EasyprofStore
    public let search: EasyprofSearchOptions

    public init(template: EasyprofSourceFile, policyGroups: EasyprofStore, search: EasyprofSearchOptions) {
        self.template = template
        self.policyGroups = policyGroups
        self.search = search
    }

    /// The policy's descriptive name: `--name`, else the profile name, else the binary's file name.
    public static func policyName(for o: EasyprofProfileOptions) -> String? {
        if let n = o.name, !n.isEmpty { return n }
        if let p = o.profileName, !p.isEmpty { return p }
        if let b = o.binary, !b.isEmpty { return EasyprofText.basename(b) }
        return nil
    }

    public func render(_ o: EasyprofProfileOptions) throws -> String {
        var policy = stripUsage(template.contents)

        let binary = o.binary.flatMap { $0.isEmpty ? nil : $0 }
        let profileName = o.profileName.flatMap { $0.isEmpty ? nil : $0 }
        let attachment: String
        if let binary {
            guard EasyprofValidation.isValidBinaryPath(binary) else {
                throw EasyprofError("Invalid path for binary: '\(binary)'")
            }
            attachment = profileName.map { "profile \"\($0)\" \"\(binary)\"" } ?? "\"\(binary)\""
        } else if let profileName {
            attachment = "profile \"\(profileName)\""
        } else {
            throw EasyprofError("Must specify binary and/or profile name")
        }
        policy = try substitute("###PROFILEATTACH###", attachment, in: policy)
        policy = try substitute("###NAME###", Self.policyName(for: o) ?? "", in: policy)
        if let c = o.comment, !c.isEmpty { policy = try substitute("###COMMENT###", "Comment: \(c)", in: policy) }
        if let a = o.author, !a.isEmpty { policy = try substitute("###AUTHOR###", "Author: \(a)", in: policy) }
        if let c = o.copyright, !c.isEmpty {
            policy = try substitute("###COPYRIGHT###", "Copyright: \(c)", in: policy)
        }

        policy = try section("###ABSTRACTIONS###", in: policy, empty: "# No abstractions specified") {
            var lines: [String?] = []
            if let list = o.abstractions, !list.isEmpty {
                lines.append("# Specified abstractions")
                for a in EasyprofText.pythonSorted(list.components(separatedBy: ",")) {
                    lines.append(try abstractionRule(a))
                }
            }
            if !o.extraRules.isEmpty {
                if !lines.isEmpty { lines.append(nil) }
                for r in o.extraRules {
                    lines.append("# --auto: \(r.reason)")
                    lines.append(r.rule)
                }
            }
            return lines.isEmpty ? nil : lines
        }
        policy = try section("###POLICYGROUPS###", in: policy, empty: "# No policy groups specified") {
            guard let list = o.policyGroups, !list.isEmpty else { return nil }
            let given = list.components(separatedBy: ",")
            var lines: [String?] = ["# Rules specified via policy groups"]
            for g in EasyprofText.pythonSorted(given) {
                lines += EasyprofText.splitLines(try policyGroups.find(g).contents)
                // Upstream separates groups with an unindented blank line, except after the
                // group that was named last on the command line (whatever its sorted position).
                if g != given.last { lines.append(nil) }
            }
            return lines
        }
        policy = try section("###VAR###", in: policy, empty: "# No template variables specified") {
            guard !o.templateVariables.isEmpty else { return nil }
            return try ["# Specified profile variables"]
                + EasyprofText.pythonSorted(o.templateVariables).map(Self.variableDeclaration)
        }
        policy = try section("###READS###", in: policy, empty: "# No read paths specified") {
            guard !o.readPaths.isEmpty else { return nil }
            return try ["# Specified read permissions"]
                + EasyprofText.pythonSorted(o.readPaths).flatMap { try Self.pathRules($0, access: "rk") }
        }
        policy = try section("###WRITES###", in: policy, empty: "# No write paths specified") {
            guard !o.writePaths.isEmpty else { return nil }
            return try ["# Specified write permissions"]
                + EasyprofText.pythonSorted(o.writePaths).flatMap { try Self.pathRules($0, access: "rwk") }
        }
        return policy
    }

    /// Drops everything up to and including the `###ENDUSAGE###` line, if there is one.
    func stripUsage(_ text: String) -> String {
        guard text.contains("###ENDUSAGE###") else { return text }
        var found = false
        var out = ""
        for line in EasyprofText.splitLines(text) {
            if !found {
                if line.hasPrefix("###ENDUSAGE###") { found = true }
                continue
            }
            out += line + "\n"
        }
        return out
    }

    func substitute(_ placeholder: String, _ value: String, in policy: String) throws -> String {
        guard policy.contains(placeholder) else { return policy }
        return EasyprofText.replacePlaceholder(
            placeholder, in: policy, with: try EasyprofText.expandReplacement(value), eatLeadingSpaces: false)
    }

    /// Replaces ` *PLACEHOLDER` with the lines, each indented like the placeholder's first
    /// line that starts with spaces only.
    /// A nil line is an empty line without indentation.
    func section(_ placeholder: String, in policy: String, empty: String, lines make: () throws -> [String?]?)
        throws -> String
    {
        var prefix = ""
        for line in EasyprofText.splitLines(policy) {
            let trimmed = line.drop { $0 == " " }
            if trimmed.hasPrefix(placeholder) {
                let allSpace = line.prefix { $0 == " " || $0 == "\t" || $0.isWhitespace }
                prefix = String(repeating: " ", count: allSpace.unicodeScalars.count)
                break
            }
        }
        let lines = try make() ?? [empty]
        let text = lines.map { $0.map { prefix + $0 } ?? "" }.joined(separator: "\n")
        guard policy.contains(placeholder) else { return policy }
        return EasyprofText.replacePlaceholder(
            placeholder, in: policy, with: try EasyprofText.expandReplacement(text), eatLeadingSpaces: true)
    }

    /// `#include <abstractions/NAME>`, after checking it exists under `-b` (or `-I`).
    func abstractionRule(_ name: String) throws -> String {
        let base = search.effectiveParserBase + "/abstractions/" + name
        if !FileManager.default.fileExists(atPath: base) {
            guard let inc = search.parserInclude else { throw EasyprofError("\(base) does not exist") }
            let other = inc + "/abstractions/" + name
            if !FileManager.default.fileExists(atPath: other) {
                throw EasyprofError("Neither \(base) nor \(other) exist")
            }
        }
        return "#include <abstractions/\(name)>"
    }

    /// `@{NAME}="value"`, always quoted.
    public static func variableDeclaration(_ v: String) throws -> String {
        guard EasyprofValidation.isValidVariable(v) else {
            throw EasyprofError("Invalid variable declaration '\(v)'")
        }
        let parts = v.split(separator: "=", omittingEmptySubsequences: false)
        return "\(parts[0])=\"\(parts[1])\""
    }

    /// The rules for one `--read-path`/`--write-path`: `owner` under /home and @{HOME...};
    /// `dir/` also covers `dir/**`; `dir/*` and `dir/**` also allow the folder itself.
    public static func pathRules(_ path: String, access: String) throws -> [String] {
        guard path.hasPrefix("/") || path.hasPrefix("@") else {
            throw EasyprofError("'\(path)' should not be relative path")
        }
        let owner = path.hasPrefix("/home/") || path.hasPrefix("@{HOME") ? "owner " : ""
        if path.hasSuffix("/") {
            return ["\(path) \(access),", "\(owner)\(path)** \(access),"]
        }
        if path.hasSuffix("/**") || path.hasSuffix("/*") {
            return ["\(EasyprofText.dirname(path)) \(access),", "\(owner)\(path) \(access),"]
        }
        return ["\(owner)\(path) \(access),"]
    }
}
