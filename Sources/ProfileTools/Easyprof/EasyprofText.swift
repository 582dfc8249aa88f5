import FoundationEssentials
import SystemAppArmor

/// Small text operations that behave the way aa-easyprof's Python does, so output matches
/// byte for byte: universal-newline reading, `str.splitlines`, and `re.sub` replacement strings.
enum EasyprofText {
    /// Reads a UTF-8 text file the way Python's `open(path).read()` does: `\r\n` and `\r`
    /// become `\n`.
    static func readText(_ path: String) throws -> String {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw EasyprofError("Could not read '\(path)': \(describeError(error))")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw EasyprofError("'\(path)' is not valid UTF-8 text")
        }
        return universalNewlines(text)
    }

    static func universalNewlines(_ text: String) -> String {
        guard text.unicodeScalars.contains("\r") else { return text }
        var out = String.UnicodeScalarView()
        var previousCR = false
        for c in text.unicodeScalars {
            if c == "\r" {
                out.append("\n")
                previousCR = true
                continue
            }
            if c == "\n" && previousCR {
                previousCR = false
                continue
            }
            previousCR = false
            out.append(c)
        }
        return String(out)
    }

    /// Python's `str.splitlines()` (without keepends).
    static func splitLines(_ text: String) -> [String] {
        let breaks: Set<UInt32> = [0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029]
        var lines: [String] = []
        var current = String.UnicodeScalarView()
        var skipLF = false
        var pending = false
        for c in text.unicodeScalars {
            if skipLF {
                skipLF = false
                if c == "\n" { continue }
            }
            if breaks.contains(c.value) {
                lines.append(String(current))
                current = String.UnicodeScalarView()
                pending = false
                if c == "\r" { skipLF = true }
                continue
            }
            current.append(c)
            pending = true
        }
        if pending { lines.append(String(current)) }
        return lines
    }

    /// Expands a Python `re.sub` replacement string that has no groups to refer to: `\\`, `\n`,
    /// `\t` and friends are translated; a backslash before any other ASCII letter or digit, or at
    /// the end, is an error (as it is in Python); any other escaped character stays as written.
    static func expandReplacement(_ repl: String) throws -> String {
        guard repl.contains("\\") else { return repl }
        let simple: [Character: String] = [
            "a": "\u{07}", "b": "\u{08}", "f": "\u{0C}", "n": "\n", "r": "\r", "t": "\t",
            "v": "\u{0B}", "\\": "\\",
        ]
        var out = ""
        var it = repl.makeIterator()
        while let c = it.next() {
            guard c == "\\" else {
                out.append(c)
                continue
            }
            guard let e = it.next() else {
                throw EasyprofError("a value ends with a lone backslash")
            }
            if let s = simple[e] {
                out += s
            } else if e.isASCII && (e.isLetter || e.isNumber) {
                throw EasyprofError("a value contains the unsupported escape '\\\(e)'")
            } else {
                out.append("\\")
                out.append(e)
            }
        }
        return out
    }

    /// Replaces every occurrence of `needle` preceded by any number of spaces (` *needle`).
    static func replacePlaceholder(_ needle: String, in text: String, with replacement: String, eatLeadingSpaces: Bool)
        -> String
    {
        guard text.contains(needle) else { return text }
        var out = ""
        var rest = Substring(text)
        while let r = rest.firstRange(of: needle) {
            var before = rest[rest.startIndex..<r.lowerBound]
            if eatLeadingSpaces {
                while before.last == " " { before = before.dropLast() }
            }
            out += before
            out += replacement
            rest = rest[r.upperBound...]
        }
        out += rest
        return out
    }

    /// Python's `sorted()` on strings: by code point.
    static func pythonSorted(_ items: [String]) -> [String] {
        items.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
    }

    static func basename(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    static func dirname(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        var head = String(path[...slash])
        if head.allSatisfy({ $0 == "/" }) { return head }
        while head.hasSuffix("/") { head.removeLast() }
        return head
    }
}
