import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// The checks aa-easyprof applies to names, paths and variables, with the same outcomes.
public enum EasyprofValidation {
    /// Python's `os.path.normpath` for POSIX paths.
    public static func normalize(_ path: String) -> String {
        if path.isEmpty { return "." }
        let initialSlashes: Int
        if path.hasPrefix("//") && !path.hasPrefix("///") {
            initialSlashes = 2
        } else if path.hasPrefix("/") {
            initialSlashes = 1
        } else {
            initialSlashes = 0
        }
        var parts: [Substring] = []
        for comp in path.split(separator: "/", omittingEmptySubsequences: true) {
            if comp == "." { continue }
            if comp == ".." {
                if initialSlashes == 0 && (parts.isEmpty || parts.last == "..") {
                    parts.append(comp)
                } else if !parts.isEmpty {
                    parts.removeLast()
                }
                continue
            }
            parts.append(comp)
        }
        let joined = parts.joined(separator: "/")
        let result = String(repeating: "/", count: initialSlashes) + joined
        return result.isEmpty ? "." : result
    }

    /// `valid_path`: absolute (unless `relativeOK`), no `"`, no `../`, already normalised.
    public static func isValidPath(_ path: String, relativeOK: Bool = false) -> Bool {
        if !relativeOK && !path.hasPrefix("/") { return false }
        if path.contains("\"") { return false }
        if path.contains("../") { return false }
        return normalize(path) == path
    }

    /// Why a read/write path is refused, or nil when it is fine. Upstream only refuses relative
    /// paths here; we also refuse `..` components and double quotes, which would escape the
    /// intended folder or break the rule. A trailing `/` is meaningful and allowed.
    public static func pathProblem(_ path: String) -> String? {
        if !path.hasPrefix("/") && !path.hasPrefix("@") { return "it is relative (paths must start with '/' or a variable)" }
        if path.contains("\"") { return "it contains a double quote" }
        if path.split(separator: "/").contains("..") { return "it contains a '..' component" }
        return nil
    }

    /// Refuses a control character (a line break, a tab, ...) in any field: each field becomes
    /// part of one line of the profile, and a line break would let it write lines of its own
    /// (`read_path` of `"/srv/a r,\n  /etc/shadow rwk,\n  /srv/b"`). Upstream accepts them.
    public static func checkControlCharacters(_ p: EasyprofProfileOptions) throws {
        var fields: [(String, String?)] = [
            ("binary", p.binary), ("binary", p.manifestBinary), ("profile name", p.profileName), ("name", p.name),
            ("template", p.template), ("abstractions", p.abstractions), ("policy groups", p.policyGroups),
            ("comment", p.comment), ("author", p.author), ("copyright", p.copyright),
            ("policy vendor", p.policyVendor), ("policy version", p.policyVersionText),
        ]
        fields += p.templateVariables.map { ("template variable", $0) }
        fields += p.readPaths.map { ("read path", $0) } + p.writePaths.map { ("write path", $0) }
        for (field, value) in fields {
            guard let value, value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || $0.value == 0x85 || $0.value == 0x2028 || $0.value == 0x2029 }) else { continue }
            throw EasyprofError("the \(field) \(value.debugDescription) holds a control character (a line break, a tab...): each field must stay on its line")
        }
    }

    /// `^[a-zA-Z_0-9\-\.]+$`: vendors, policy groups, abstractions and template names.
    public static func isSafeName(_ s: String) -> Bool {
        !s.isEmpty && s.unicodeScalars.allSatisfy { c in
            isASCIIAlnum(c) || c == "_" || c == "-" || c == "."
        }
    }

    /// A profile name is either a valid absolute path or `^[a-zA-Z0-9][a-zA-Z0-9_+\-.:~]+$`.
    public static func isValidProfileName(_ s: String) -> Bool {
        if s.hasPrefix("/") { return isValidPath(s) }
        let scalars = Array(s.unicodeScalars)
        guard scalars.count >= 2, isASCIIAlnum(scalars[0]) else { return false }
        return scalars.dropFirst().allSatisfy { c in
            isASCIIAlnum(c) || "_+-.:~".unicodeScalars.contains(c)
        }
    }

    /// A template is a safe name, or (outside manifests) a valid absolute path.
    public static func isValidTemplateName(_ s: String) -> Bool {
        if s.hasPrefix("/") { return isValidPath(s) }
        return isSafeName(s)
    }

    /// `float(v) >= 0`, with Python's idea of what a float literal is.
    public static func isValidPolicyVersion(_ v: String) -> Bool {
        guard let d = pythonFloat(v) else { return false }
        return !(d < 0)
    }

    /// `@{NAME}=value`: exactly one `=`, a word-character name, no `"`, and a value containing
    /// `/` must be a valid (possibly relative) path.
    public static func isValidVariable(_ v: String) -> Bool {
        let parts = v.split(separator: "=", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        let key = parts[0], value = String(parts[1])
        guard key.hasPrefix("@{"), key.hasSuffix("}"), key.count > 3 else { return false }
        let inner = key.dropFirst(2).dropLast()
        guard inner.unicodeScalars.allSatisfy({ isASCIIAlnum($0) || $0 == "_" }) else { return false }
        if value.contains("/") {
            if !isValidPath(value, relativeOK: !value.hasPrefix("/")) { return false }
        }
        return !value.contains("\"")
    }

    /// A binary path as aa-easyprof accepts it: absolute, normalised, and not a symlink.
    public static func isValidBinaryPath(_ path: String) -> Bool {
        guard path.hasPrefix("/"), normalize(path) == path else { return false }
        var st = stat()
        if lstat(path, &st) != 0 { return true }  // a binary that is not installed yet
        guard let resolved = realpath(path, nil) else { return false }
        defer { free(resolved) }
        return String(cString: resolved) == path
    }

    static func isASCIIAlnum(_ c: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c)
    }

    /// Python's `float()` on a string: surrounding whitespace, underscores between digits,
    /// `inf`/`nan` spellings.
    static func pythonFloat(_ raw: String) -> Double? {
        let s = raw.trimmed(where: \.isWhitespace)
        if s.isEmpty { return nil }
        let lower = s.lowercased()
        let body = lower.hasPrefix("+") || lower.hasPrefix("-") ? String(lower.dropFirst()) : lower
        if ["inf", "infinity", "nan"].contains(body) {
            return lower.hasPrefix("-") ? -Double.infinity : (body == "nan" ? Double.nan : Double.infinity)
        }
        let allowed = Set("0123456789.e+-_")
        guard lower.allSatisfy({ allowed.contains($0) }) else { return nil }
        return Double(lower.replacing("_", with: ""))
    }
}
