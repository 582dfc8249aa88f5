/// A line diff (Myers' O(ND) algorithm) and its unified rendering, used for `--dry-run` and
/// for reports. Lines are byte strings; a last line without a line end is marked the GNU way.
enum LineDiff {
    enum Op: Equatable { case same, delete, insert }

    struct Line: Equatable, Hashable {
        let bytes: ArraySlice<UInt8>
        var hasNewline: Bool { bytes.last == 0x0A }
    }

    static func lines(_ bytes: [UInt8]) -> [Line] {
        var out: [Line] = []
        var start = 0
        for (i, b) in bytes.enumerated() where b == 0x0A {
            out.append(Line(bytes: bytes[start...i]))
            start = i + 1
        }
        if start < bytes.count { out.append(Line(bytes: bytes[start...])) }
        return out
    }

    /// The edit script turning `a` into `b`, as (op, index in a or b) pairs in order.
    static func script(_ a: [Line], _ b: [Line]) -> [(Op, Int, Int)] {
        var pre = 0
        while pre < a.count, pre < b.count, a[pre] == b[pre] { pre += 1 }
        var suf = 0
        while suf < a.count - pre, suf < b.count - pre, a[a.count - 1 - suf] == b[b.count - 1 - suf] { suf += 1 }
        let a2 = Array(a[pre..<(a.count - suf)]), b2 = Array(b[pre..<(b.count - suf)])
        var out: [(Op, Int, Int)] = (0..<pre).map { (.same, $0, $0) }
        for (op, i, j) in myers(a2, b2) { out.append((op, i + pre, j + pre)) }
        for k in 0..<suf { out.append((.same, a.count - suf + k, b.count - suf + k)) }
        return out
    }

    static func myers(_ a: [Line], _ b: [Line]) -> [(Op, Int, Int)] {
        let n = a.count, m = b.count, maxD = n + m
        if maxD == 0 { return [] }
        var v = [Int](repeating: 0, count: 2 * maxD + 2)
        var trace: [[Int]] = []
        outer: for d in 0...maxD {
            trace.append(v)
            for k in stride(from: -d, through: d, by: 2) {
                var x = (k == -d || (k != d && v[maxD + k - 1] < v[maxD + k + 1])) ? v[maxD + k + 1] : v[maxD + k - 1] + 1
                var y = x - k
                while x < n, y < m, a[x] == b[y] { x += 1; y += 1 }
                v[maxD + k] = x
                if x >= n && y >= m { trace.append(v); break outer }
            }
        }
        // Walk back through the saved frontiers.
        var ops: [(Op, Int, Int)] = []
        var x = n, y = m
        for d in stride(from: trace.count - 2, through: 0, by: -1) {
            let vd = trace[d]
            let k = x - y
            let prevK = (k == -d || (k != d && vd[maxD + k - 1] < vd[maxD + k + 1])) ? k + 1 : k - 1
            let prevX = d == 0 ? 0 : vd[maxD + prevK]
            let prevY = prevX - prevK
            while x > prevX && y > prevY { x -= 1; y -= 1; ops.append((.same, x, y)) }
            if d == 0 { break }
            if x == prevX { y -= 1; ops.append((.insert, x, y)) } else { x -= 1; ops.append((.delete, x, y)) }
        }
        while x > 0 && y > 0 { x -= 1; y -= 1; ops.append((.same, x, y)) }
        return ops.reversed()
    }

    /// `--- old` / `+++ new` and `@@` hunks with `context` lines around each change; empty
    /// when the bytes are equal.
    static func unified(_ old: [UInt8], _ new: [UInt8], oldLabel: String, newLabel: String, context: Int = 3) -> String {
        if old == new { return "" }
        let a = lines(old), b = lines(new)
        let ops = script(a, b)
        let changed = ops.indices.filter { ops[$0].0 != .same }
        guard !changed.isEmpty else { return "" }
        var out = "--- \(oldLabel)\n+++ \(newLabel)\n"
        var h = 0
        while h < changed.count {
            var lo = max(0, changed[h] - context), hi = min(ops.count, changed[h] + context + 1)
            var e = h
            while e + 1 < changed.count, changed[e + 1] - context <= hi { e += 1; hi = min(ops.count, changed[e] + context + 1) }
            lo = max(0, lo)
            let slice = ops[lo..<hi]
            let aStart = slice.first { $0.0 != .insert }.map { $0.1 } ?? slice.first!.1
            let bStart = slice.first { $0.0 != .delete }.map { $0.2 } ?? slice.first!.2
            let aCount = slice.filter { $0.0 != .insert }.count, bCount = slice.filter { $0.0 != .delete }.count
            out += "@@ -\(range(aStart, aCount)) +\(range(bStart, bCount)) @@\n"
            for (op, i, j) in slice {
                let line: Line, mark: String
                switch op {
                case .same: line = a[i]; mark = " "
                case .delete: line = a[i]; mark = "-"
                case .insert: line = b[j]; mark = "+"
                }
                out += mark + String(decoding: line.bytes, as: UTF8.self)
                if !line.hasNewline { out += "\n\\ No newline at end of file\n" }
            }
            h = e + 1
        }
        return out
    }

    static func range(_ start: Int, _ count: Int) -> String {
        let first = count == 0 ? start : start + 1
        return count == 1 ? "\(first)" : "\(first),\(count)"
    }
}
