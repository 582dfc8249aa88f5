/// Path-name arithmetic on strings, as Foundation's `NSString` path methods do it (which
/// FoundationEssentials lacks): no file-system access.
public enum PathNames {
    /// `/a/b/` and `/a/b` give `b`; `/` gives `/`.
    public static func lastComponent(_ path: String) -> String {
        let trimmed = withoutTrailingSlashes(path)
        if trimmed == "/" { return "/" }
        guard let slash = trimmed.lastIndex(of: "/") else { return trimmed }
        return String(trimmed[trimmed.index(after: slash)...])
    }

    /// `/a/b` gives `/a`, `/a` gives `/`, `a` gives the empty string.
    public static func parent(_ path: String) -> String {
        let trimmed = withoutTrailingSlashes(path)
        if trimmed == "/" { return "/" }
        guard let slash = trimmed.lastIndex(of: "/") else { return "" }
        let head = withoutTrailingSlashes(String(trimmed[...slash]))
        return head.isEmpty ? "/" : head
    }

    /// `dir` and `name` joined by one slash; `name` alone when `dir` is empty.
    public static func appending(_ dir: String, _ name: String) -> String {
        if dir.isEmpty { return name }
        let base = dir.hasSuffix("/") ? dir : dir + "/"
        return withoutTrailingSlashes(base + name.drop { $0 == "/" })
    }

    /// The path with `.` and empty components removed and `..` taken back lexically (as
    /// `standardizingPath` does for paths without symbolic links).
    public static func standardized(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
            } else if part == "..", absolute {
                continue
            } else {
                parts.append(part)
            }
        }
        let joined = parts.joined(separator: "/")
        return absolute ? "/" + joined : (joined.isEmpty ? path : joined)
    }

    private static func withoutTrailingSlashes(_ path: String) -> String {
        var p = Substring(path)
        while p.count > 1, p.hasSuffix("/") { p.removeLast() }
        return String(p)
    }
}
