import AppArmorSyntax
import FoundationEssentials
import AppArmorPolicy

/// Matches a binary against profile attachments the way the kernel picks a profile: an exact
/// attachment beats a glob, and among globs the longest literal prefix wins.
public enum AttachmentMatcher {
    /// Expansion of `{a,b}` alternations and `@{VAR}` variables stops here.
    static let maxVariants = 4096

    /// How well `attachment` matches `path`: nil for no match; exact matches rank above any
    /// glob, then longer literal prefixes.
    public static func score(_ attachment: String, matching path: String, variables: [String: [String]]) -> Int? {
        var best: Int?
        for variant in expand(Array(attachment.utf8), variables: variables) {
            let p = Array(path.utf8)
            let literal = literalPrefixLength(variant)
            if literal == variant.count {
                if unescape(variant) == p { return Int.max }
                continue
            }
            if glob(variant[...], p[...]) { best = max(best ?? 0, literal) }
        }
        return best
    }

    /// Bytes before the first glob character.
    static func literalPrefixLength(_ v: [UInt8]) -> Int {
        var i = 0
        while i < v.count {
            switch v[i] {
            case UInt8(ascii: "*"), UInt8(ascii: "?"), UInt8(ascii: "["): return i
            case UInt8(ascii: "\\"): i += 2
            default: i += 1
            }
        }
        return v.count
    }

    static func unescape(_ v: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < v.count {
            if v[i] == UInt8(ascii: "\\"), i + 1 < v.count { out.append(v[i + 1]); i += 2 } else { out.append(v[i]); i += 1 }
        }
        return out
    }

    /// Every variant of a pattern with its `{...}` alternations and `@{VAR}` references
    /// expanded (a `{` not closed is kept as a literal byte).
    static func expand(_ pattern: [UInt8], variables: [String: [String]], depth: Int = 0) -> [[UInt8]] {
        var i = 0
        while i < pattern.count {
            let b = pattern[i]
            if b == UInt8(ascii: "\\") { i += 2; continue }
            if b == UInt8(ascii: "@"), i + 1 < pattern.count, pattern[i + 1] == UInt8(ascii: "{"),
               let close = pattern[(i + 2)...].firstIndex(of: UInt8(ascii: "}")) {
                let name = String(decoding: pattern[(i + 2)..<close], as: UTF8.self)
                let values = depth < 16 ? (variables[name] ?? []) : []
                var out: [[UInt8]] = []
                for v in values {
                    let joined = Array(pattern[..<i]) + Array(v.utf8) + Array(pattern[(close + 1)...])
                    out += expand(joined, variables: variables, depth: depth + 1)
                    if out.count > maxVariants { break }
                }
                return out
            }
            if b == UInt8(ascii: "{"), let (alternatives, end) = alternation(pattern, from: i) {
                var out: [[UInt8]] = []
                for alt in alternatives {
                    out += expand(Array(pattern[..<i]) + alt + Array(pattern[end...]), variables: variables, depth: depth)
                    if out.count > maxVariants { break }
                }
                return out
            }
            i += 1
        }
        return [pattern]
    }

    /// The comma-separated alternatives of the `{...}` at `start`, and the index after `}`.
    static func alternation(_ p: [UInt8], from start: Int) -> ([[UInt8]], Int)? {
        var level = 0, i = start, itemStart = start + 1
        var items: [[UInt8]] = []
        while i < p.count {
            switch p[i] {
            case UInt8(ascii: "\\"): i += 1
            case UInt8(ascii: "{"): level += 1
            case UInt8(ascii: "}"):
                level -= 1
                if level == 0 { items.append(Array(p[itemStart..<i])); return (items, i + 1) }
            case UInt8(ascii: ",") where level == 1:
                items.append(Array(p[itemStart..<i]))
                itemStart = i + 1
            default: break
            }
            i += 1
        }
        return nil
    }

    /// `*` (within one path element), `**` (across elements), `?`, `[...]`, `\x`.
    static func glob(_ p: ArraySlice<UInt8>, _ s: ArraySlice<UInt8>) -> Bool {
        guard let c = p.first else { return s.isEmpty }
        let rest = p.dropFirst()
        switch c {
        case UInt8(ascii: "*"):
            let anyDepth = rest.first == UInt8(ascii: "*")
            let tail = anyDepth ? rest.drop { $0 == UInt8(ascii: "*") } : rest
            var k = s.startIndex
            while true {
                if glob(tail, s[k...]) { return true }
                if k == s.endIndex || (!anyDepth && s[k] == UInt8(ascii: "/")) { return false }
                k += 1
            }
        case UInt8(ascii: "?"):
            guard let f = s.first, f != UInt8(ascii: "/") else { return false }
            return glob(rest, s.dropFirst())
        case UInt8(ascii: "["):
            guard let f = s.first, let close = rest.dropFirst().firstIndex(of: UInt8(ascii: "]")) else {
                return s.first == c && glob(rest, s.dropFirst())
            }
            var set = rest[rest.startIndex..<close]
            let negate = set.first == UInt8(ascii: "^")
            if negate { set = set.dropFirst() }
            var hit = false
            var i = set.startIndex
            while i < set.endIndex {
                if i + 2 < set.endIndex, set[i + 1] == UInt8(ascii: "-") {
                    if (set[i]...set[i + 2]).contains(f) { hit = true }
                    i += 3
                } else {
                    if set[i] == f { hit = true }
                    i += 1
                }
            }
            return hit != negate && f != UInt8(ascii: "/") && glob(p[(close + 1)...], s.dropFirst())
        case UInt8(ascii: "\\"):
            guard let e = rest.first else { return false }
            return s.first == e && glob(rest.dropFirst(), s.dropFirst())
        default:
            return s.first == c && glob(rest, s.dropFirst())
        }
    }
}

/// Variables defined in a policy folder's tunables (`@{VAR} = ...` and `+=`), read only when
/// an attachment needs them.
public enum TunableVariables {
    public static func load(folder: String) -> [String: [String]] {
        var vars: [String: [String]] = [:]
        let root = folder + "/tunables"
        let files = PosixFiles.files(below: root, skipping: { _ in false }).map { root + "/" + $0 }
        for file in files.sorted() {
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            collect(Parser.parse(path: file, bytes: Array(data)), into: &vars)
        }
        return vars
    }

    /// Adds the file's top-level assignments to `vars`.
    public static func collect(_ r: ParseResult, into vars: inout [String: [String]]) {
        for node in r.root.childNodes where node.kind == .variableAssignment {
            guard let a = AssignmentSyntax(node) else { continue }
            let name = a.name(in: r)
            if a.operatorToken.kind == .plusEquals { vars[name, default: []] += a.values(in: r) }
            else { vars[name] = a.values(in: r) }
        }
    }
}
