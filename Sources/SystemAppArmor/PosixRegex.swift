#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A POSIX regular expression, matched anywhere in the text: basic by default (regcomp without
/// REG_EXTENDED), as aa-status's `--filter.*` options take them; extended for notify's filters.
public final class PosixRegex: @unchecked Sendable {
    // regexec on a compiled pattern is safe to call from several threads; the pattern is
    // never changed after init.
    private var compiled = regex_t()
    public let pattern: String
    /// `.*` and the empty pattern match every text (aa-status's default filters): nothing is
    /// compiled (regcomp and its locale set-up were a tenth of `status`'s own work) or called.
    public let matchesAll: Bool

    /// Nil when the pattern does not compile.
    public init?(_ pattern: String, extended: Bool = false) {
        self.pattern = pattern
        matchesAll = pattern == ".*" || pattern.isEmpty
        if matchesAll { return }
        guard regcomp(&compiled, pattern, REG_NOSUB | (extended ? REG_EXTENDED : 0)) == 0 else { return nil }
    }

    deinit { if !matchesAll { regfree(&compiled) } }

    public func matches(_ text: String) -> Bool {
        matchesAll || regexec(&compiled, text, 0, nil, 0) == 0
    }
}
