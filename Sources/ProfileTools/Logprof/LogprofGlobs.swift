import Foundation

/// Path candidates for a file question: the `[globs]` rewrites and `.so` version globs of
/// logprof.conf, the (G)lob and Glob with (E)xtension steps, and the option order.
public struct LogprofGlobs: Sendable {
    let rules: [(regex: NSRegularExpressionBox, replacement: String)]
    let soVersions: [(regex: NSRegularExpressionBox, replacement: String)]

    public init(config: LogprofConfig) {
        rules = config.globs.compactMap { g in
            guard let re = try? NSRegularExpression(pattern: g.pattern) else { return nil }
            return (NSRegularExpressionBox(re), g.replacement)
        }
        soVersions = [(#"[\d\.]+\.so$"#, "*.so"), (#"\.so\.[\d\.]+$"#, ".so.*")].map {
            (NSRegularExpressionBox(try! NSRegularExpression(pattern: $0.0)), $0.1)
        }
    }

    /// The rewrites of `path` by the `.so` version rule and the `[globs]` table, sorted.
    public func common(_ path: String) -> [String] {
        var out = Set<String>()
        var so = path
        if path.contains(".so") {
            for (re, rep) in soVersions { so = Self.apply(re, rep, so) }
            if so != path { out.insert(so) }
        }
        for (re, rep) in rules {
            let ns = path as NSString
            let range = NSRange(location: 0, length: ns.length)
            guard re.value.firstMatch(in: path, range: range) != nil else { continue }
            let g = re.value.stringByReplacingMatches(in: path, range: range, withTemplate: NSRegularExpression.escapedTemplate(for: rep))
            if g != path { out.insert(g) }
        }
        return out.sorted()
    }

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
            if p.range(of: #"/[^/]+\*\*[^/]*/$"#, options: .regularExpression) != nil { return replace(#"/[^/]+\*\*[^/]*/$"#, in: p, with: "/**/") }
            if p.range(of: #"/\*\*[^/]+/$"#, options: .regularExpression) != nil { return replace(#"/\*\*[^/]+/$"#, in: p, with: "/**/") }
            return replace(#"/[^/]+/$"#, in: p, with: "/*/")
        }
        if p.hasSuffix("/**") || p.hasSuffix("/*") { return replace(#"/[^/]+/\*{1,2}$"#, in: p, with: "/**") }
        if p.range(of: #"/[^/]*\*\*[^/]+$"#, options: .regularExpression) != nil { return replace(#"/[^/]*\*\*[^/]+$"#, in: p, with: "/**") }
        if p.range(of: #"/[^/]+\*\*$"#, options: .regularExpression) != nil { return replace(#"/[^/]+\*\*$"#, in: p, with: "/**") }
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

    static func apply(_ re: NSRegularExpressionBox, _ rep: String, _ s: String) -> String {
        re.value.stringByReplacingMatches(in: s, range: NSRange(location: 0, length: (s as NSString).length),
                                          withTemplate: NSRegularExpression.escapedTemplate(for: rep))
    }

    static func replace(_ pattern: String, in s: String, with rep: String) -> String {
        guard let re = try? NSRegularExpression(pattern: pattern) else { return s }
        let ns = s as NSString
        return re.stringByReplacingMatches(in: s, range: NSRange(location: 0, length: ns.length),
                                           withTemplate: NSRegularExpression.escapedTemplate(for: rep))
    }

    static func capture(_ pattern: String, in s: String) -> String? {
        guard let re = try? NSRegularExpression(pattern: pattern),
              let m = re.firstMatch(in: s, range: NSRange(location: 0, length: (s as NSString).length)),
              m.numberOfRanges > 1, let r = Range(m.range(at: 1), in: s) else { return nil }
        return String(s[r])
    }
}

/// NSRegularExpression is immutable and thread-safe; this box lets a Sendable value hold one.
struct NSRegularExpressionBox: @unchecked Sendable {
    let value: NSRegularExpression
    init(_ v: NSRegularExpression) { value = v }
}
