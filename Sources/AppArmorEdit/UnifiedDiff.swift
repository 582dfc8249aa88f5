/// A unified diff of two byte strings, as GNU `diff -u` prints it: `---`/`+++` header lines,
/// `@@ -l,s +l,s @@` hunks with (by default) 3 lines of context, hunks closer than twice the
/// context merged, and `\ No newline at end of file` after a last line without one.
/// Lines are compared byte for byte (a last line without a newline differs from the same
/// text with one). Identical inputs give an empty diff.
public struct UnifiedDiff: Sendable {
    public var oldLabel: String
    public var newLabel: String
    public var context: Int

    /// Labels as `git diff` and `diff -u --label` print them.
    public init(oldLabel: String = "a", newLabel: String = "b", context: Int = 3) {
        self.oldLabel = oldLabel
        self.newLabel = newLabel
        self.context = max(0, context)
    }

    /// Labels `a/<path>` and `b/<path>` (a leading slash dropped).
    public static func forFile(_ path: String, context: Int = 3) -> UnifiedDiff {
        let rel = path.hasPrefix("/") ? String(path.dropFirst()) : path
        return UnifiedDiff(oldLabel: "a/" + rel, newLabel: "b/" + rel, context: context)
    }

    /// One run of changed lines: `deleted` lines of the old file at `oldStart`, replaced by
    /// `inserted` lines of the new file at `newStart` (0-based).
    public struct Change: Sendable, Equatable {
        public var oldStart: Int
        public var deleted: Int
        public var newStart: Int
        public var inserted: Int
    }

    /// Splits into lines, each keeping its newline; a last line without one stays as it is.
    public static func lines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var out: [ArraySlice<UInt8>] = []
        var start = 0
        for i in bytes.indices where bytes[i] == 0x0A {
            out.append(bytes[start...i])
            start = i + 1
        }
        if start < bytes.count { out.append(bytes[start...]) }
        return out
    }

    /// The changes between two texts, in order.
    public func changes(old: [UInt8], new: [UInt8]) -> [Change] {
        Self.changes(Self.lines(old), Self.lines(new), horizon: context)
    }

    static func changes(_ a: [ArraySlice<UInt8>], _ b: [ArraySlice<UInt8>], horizon: Int) -> [Change] {
        let flags = LineMatcher(old: a, new: b, horizon: horizon).changedLines()
        var out: [Change] = []
        var i = 0, j = 0
        while i < a.count || j < b.count {
            let ci = i < a.count && flags[0][i], cj = j < b.count && flags[1][j]
            if ci || cj {
                let si = i, sj = j
                while i < a.count && flags[0][i] { i += 1 }
                while j < b.count && flags[1][j] { j += 1 }
                out.append(Change(oldStart: si, deleted: i - si, newStart: sj, inserted: j - sj))
            } else {
                i += 1
                j += 1
            }
        }
        return out
    }

    /// The diff as bytes; empty when the inputs are equal.
    public func diff(old: [UInt8], new: [UInt8]) -> [UInt8] {
        let a = Self.lines(old), b = Self.lines(new)
        let changes = Self.changes(a, b, horizon: context)
        guard !changes.isEmpty else { return [] }
        var out: [UInt8] = []
        out.reserveCapacity(old.count / 4 + 256)
        out += Array("--- \(oldLabel)\n+++ \(newLabel)\n".utf8)
        var index = 0
        while index < changes.count {
            var end = index
            while end + 1 < changes.count
                && changes[end + 1].oldStart - (changes[end].oldStart + changes[end].deleted) < 2 * context + 1 {
                end += 1
            }
            writeHunk(changes[index...end], a, b, into: &out)
            index = end + 1
        }
        return out
    }

    /// The diff of two strings (UTF-8); empty when they are equal.
    public func diff(old: String, new: String) -> String {
        String(decoding: diff(old: Array(old.utf8), new: Array(new.utf8)), as: UTF8.self)
    }

    private func writeHunk(_ hunk: ArraySlice<Change>, _ a: [ArraySlice<UInt8>], _ b: [ArraySlice<UInt8>], into out: inout [UInt8]) {
        let first = hunk.first!, last = hunk.last!
        let lead = min(context, first.oldStart)
        let start0 = first.oldStart - lead, start1 = first.newStart - lead
        let trail = min(context, a.count - (last.oldStart + last.deleted))
        let end0 = last.oldStart + last.deleted + trail
        let end1 = last.newStart + last.inserted + trail
        out += Array("@@ -\(Self.range(start0, end0)) +\(Self.range(start1, end1)) @@\n".utf8)
        var i = start0
        for change in hunk {
            while i < change.oldStart { Self.write(0x20, a[i], into: &out); i += 1 }
            for k in change.oldStart..<(change.oldStart + change.deleted) { Self.write(0x2D, a[k], into: &out) }
            for k in change.newStart..<(change.newStart + change.inserted) { Self.write(0x2B, b[k], into: &out) }
            i = change.oldStart + change.deleted
        }
        while i < end0 { Self.write(0x20, a[i], into: &out); i += 1 }
    }

    /// `start,count` with GNU's short forms: `start` alone for one line, `before,0` for none.
    static func range(_ start: Int, _ end: Int) -> String {
        let count = end - start
        if count == 0 { return "\(start),0" }
        if count == 1 { return "\(start + 1)" }
        return "\(start + 1),\(count)"
    }

    private static func write(_ marker: UInt8, _ line: ArraySlice<UInt8>, into out: inout [UInt8]) {
        out.append(marker)
        out += line
        if line.last != 0x0A { out += Array("\n\\ No newline at end of file\n".utf8) }
    }
}
