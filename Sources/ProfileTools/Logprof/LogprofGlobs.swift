import AuditLog
import FoundationEssentials

/// Path candidates for a file question: the `[globs]` rewrites and `.so` version globs of
/// logprof.conf, the (G)lob and Glob with (E)xtension steps, and the option order.
public struct LogprofGlobs: Sendable {
    /// A `[globs]` rewrite, with the text any path it matches must hold (at its start when
    /// anchored): a path without it is not run through the regex.
    struct Rewrite: Sendable {
        let regex: PathRegex
        let replacement: String
        let required: (bytes: [UInt8], anchored: Bool)?
    }
    let rules: [Rewrite]
    let soVersions: [(regex: PathRegex, replacement: String)]

    public init(config: LogprofConfig) {
        rules = config.globs.compactMap { g in
            guard let re = PathRegex(g.pattern) else { return nil }
            return Rewrite(regex: re, replacement: g.replacement, required: Self.requiredLiteral(g.pattern))
        }
        soVersions = [(#"[\d\.]+\.so$"#, "*.so"), (#"\.so\.[\d\.]+$"#, ".so.*")].map {
            (PathRegex($0.0)!, $0.1)
        }
    }

    /// The rewrites of `path` by the `.so` version rule and the `[globs]` table, sorted.
    public func common(_ path: String) -> [String] {
        var out = Set<String>()
        var so = path
        let bytes = Array(path.utf8)
        if ByteSearch.find(Self.soBytes, in: bytes) != nil {
            for (re, rep) in soVersions { so = Self.apply(re, rep, so) }
            if so != path { out.insert(so) }
        }
        for i in rules.indices {
            if let need = rules[i].required,
               !(need.anchored ? bytes.starts(with: need.bytes) : ByteSearch.find(need.bytes, in: bytes) != nil) { continue }
            guard rules[i].regex.matches(path) else { continue }
            let g = rules[i].regex.replacingMatches(in: path, with: rules[i].replacement)
            if g != path { out.insert(g) }
        }
        return out.sorted()
    }

    /// The literal text a regex starts with (after `^`), which every match holds; nil when
    /// there is none or the regex has alternations or groups.
    static func requiredLiteral(_ pattern: String) -> (bytes: [UInt8], anchored: Bool)? {
        if pattern.contains("|") || pattern.contains("(") { return nil }
        let chars = Array(pattern.unicodeScalars)
        var i = 0
        var anchored = false
        if chars.first == "^" { anchored = true; i = 1 }
        var lit: [Unicode.Scalar] = []
        while i < chars.count {
            var c = chars[i]
            var width = 1
            if c == "\\" {
                guard i + 1 < chars.count, !chars[i + 1].properties.isAlphabetic, !("0"..."9").contains(chars[i + 1]) else { break }
                c = chars[i + 1]
                width = 2
            } else if ".[]()*+?{}|^$".unicodeScalars.contains(c) {
                if (c == "*" || c == "?" || c == "{") && !lit.isEmpty { lit.removeLast() }
                break
            }
            lit.append(c)
            i += width
        }
        guard !lit.isEmpty else { return nil }
        var s = String.UnicodeScalarView()
        s.append(contentsOf: lit)
        return (Array(String(s).utf8), anchored)
    }

    static let soBytes = Array(".so".utf8)

    /// Options in upstream's order: sorted, the logged path last.
    public static func ordered(_ paths: Set<String>, raw: String) -> [String] {
        var list = paths.subtracting([raw]).sorted()
        list.append(raw)
        return list
    }

    /// (G)lob: the last component becomes `*`; `/x/*` and `/x/**` become `/**`; folders
    /// become `/*/`, then `/**/`.
    public static func globPath(_ p: String) -> String {
        if p.hasSuffix("/") {
            if p.hasSuffix("/**/") || p.hasSuffix("/*/") { return replace(#"/[^/]+/\*{1,2}/$"#, in: p, with: "/**/") }
            if matches(#"/[^/]+\*\*[^/]*/$"#, p) { return replace(#"/[^/]+\*\*[^/]*/$"#, in: p, with: "/**/") }
            if matches(#"/\*\*[^/]+/$"#, p) { return replace(#"/\*\*[^/]+/$"#, in: p, with: "/**/") }
            return replace(#"/[^/]+/$"#, in: p, with: "/*/")
        }
        if p.hasSuffix("/**") || p.hasSuffix("/*") { return replace(#"/[^/]+/\*{1,2}$"#, in: p, with: "/**") }
        if matches(#"/[^/]*\*\*[^/]+$"#, p) { return replace(#"/[^/]*\*\*[^/]+$"#, in: p, with: "/**") }
        if matches(#"/[^/]+\*\*$"#, p) { return replace(#"/[^/]+\*\*$"#, in: p, with: "/**") }
        return replace(#"/[^/]+$"#, in: p, with: "/*")
    }

    /// Glob with (E)xtension: `/a/b/c.ext` to `/a/b/*.ext` to `/a/**.ext`.
    public static func globExtension(_ p: String) -> String {
        if let ext = capture(#"/\*{1,2}(\.[^/]+)$"#, in: p) { return replace(#"/[^/]+/\*{1,2}\.[^/]+$"#, in: p, with: "/**" + ext) }
        if let ext = capture(#"/[^/]+\*\*[^/]*(\.[^/]+)$"#, in: p) { return replace(#"/[^/]+\*\*[^/]*\.[^/]+$"#, in: p, with: "/**" + ext) }
        if let ext = capture(#"/\*\*[^/]+(\.[^/]+)$"#, in: p) { return replace(#"/\*\*[^/]+\.[^/]+$"#, in: p, with: "/**" + ext) }
        if let ext = capture(#"(\.[^/]+)$"#, in: p) { return replace(#"/[^/]+(\.[^/]+)$"#, in: p, with: "/*" + ext) }
        return p
    }

    static func apply(_ re: PathRegex, _ rep: String, _ s: String) -> String {
        re.replacingMatches(in: s, with: rep)
    }

    static func matches(_ pattern: String, _ s: String) -> Bool {
        PathRegex(pattern)?.matches(s) ?? false
    }

    static func replace(_ pattern: String, in s: String, with rep: String) -> String {
        PathRegex(pattern)?.replacingMatches(in: s, with: rep) ?? s
    }

    static func capture(_ pattern: String, in s: String) -> String? {
        PathRegex(pattern)?.firstCapture(in: s)
    }
}

/// A regular expression of logprof.conf's syntax (Python's `re`), matched on Unicode scalars
/// as Python matches code points. Swift's own Regex, not NSRegularExpression, which is not in
/// FoundationEssentials and would bring ICU into the binary.
struct PathRegex: @unchecked Sendable {
    // Regex values are immutable; matching does not change them.
    let regex: Regex<AnyRegexOutput>

    init?(_ pattern: String) {
        guard let r = try? Regex(pattern) else { return nil }
        regex = r.matchingSemantics(.unicodeScalar)
    }

    func matches(_ s: String) -> Bool { s.contains(regex) }

    /// Every match replaced by `replacement`, taken literally.
    func replacingMatches(in s: String, with replacement: String) -> String {
        s.replacing(regex, with: replacement)
    }

    /// The first group of the first match.
    func firstCapture(in s: String) -> String? {
        guard let m = s.firstMatch(of: regex), m.output.count > 1, let sub = m.output[1].substring else { return nil }
        return String(sub)
    }
}
