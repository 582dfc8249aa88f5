/// The line matching behind `UnifiedDiff`: GNU diff's method, so that the hunks come out as
/// `diff -u` prints them. Common leading and trailing lines are set aside (keeping a horizon
/// of context lines); lines without a match in the other file are discarded before the
/// search; the O(ND) middle-snake search (Myers) finds the changes; then runs of changes are
/// slid to line up with each other, as GNU's shift_boundaries does.
struct LineMatcher {
    /// A line as a dictionary key, hashed in bulk (an array slice's own hash adds its bytes
    /// one at a time).
    struct Line: Hashable {
        let bytes: ArraySlice<UInt8>
        func hash(into h: inout Hasher) {
            bytes.withUnsafeBytes { h.combine(bytes: $0) }
            h.combine(bytes.count)
        }
    }

    /// Equivalence class of every line of each file (equal lines, equal class; classes from 1).
    let equivs: [[Int]]
    /// Lines of context kept around the middle part (GNU's horizon: at least the context).
    let horizon: Int

    init(old: [ArraySlice<UInt8>], new: [ArraySlice<UInt8>], horizon: Int) {
        var classes: [Line: Int] = [:]
        classes.reserveCapacity(old.count + new.count)
        func classify(_ lines: [ArraySlice<UInt8>]) -> [Int] {
            lines.map { bytes in
                let line = Line(bytes: bytes)
                if let c = classes[line] { return c }
                let c = classes.count + 1
                classes[line] = c
                return c
            }
        }
        let a = classify(old)
        let b = classify(new)
        equivs = [a, b]
        self.horizon = horizon
    }

    /// For each file, which lines are changed (deleted from the old, inserted in the new).
    func changedLines() -> [[Bool]] {
        let a = equivs[0], b = equivs[1]
        var prefix = 0
        while prefix < a.count && prefix < b.count && a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix && suffix < b.count - prefix
            && a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }
        // The buffered part: the middle plus up to `horizon` common lines on each side.
        let lo = prefix - min(prefix, horizon)
        let hiCut = suffix - min(suffix, horizon)
        let bufA = Array(a[lo..<(a.count - hiCut)])
        let bufB = Array(b[lo..<(b.count - hiCut)])

        var changed = [ChangeFlags(count: bufA.count), ChangeFlags(count: bufB.count)]
        let kept = Self.discardConfusingLines([bufA, bufB], changed: &changed)
        var search = MiddleSnakeSearch(x: kept[0].map { bufA[$0] }, y: kept[1].map { bufB[$0] })
        search.compare(xoff: 0, xlim: kept[0].count, yoff: 0, ylim: kept[1].count, findMinimal: false)
        for i in search.deletedX { changed[0][kept[0][i]] = true }
        for j in search.insertedY { changed[1][kept[1][j]] = true }
        Self.shiftBoundaries([bufA, bufB], changed: &changed)

        var result = [[Bool](repeating: false, count: a.count), [Bool](repeating: false, count: b.count)]
        for f in 0..<2 {
            for i in 0..<changed[f].count where changed[f][i] { result[f][lo + i] = true }
        }
        return result
    }

    /// GNU's discard_confusing_lines: lines with no match in the other file are marked
    /// changed up front; lines with very many matches are dropped from the search when they sit
    /// inside runs of such lines. Returns, per file, the indexes of the lines kept.
    static func discardConfusingLines(_ files: [[Int]], changed: inout [ChangeFlags]) -> [[Int]] {
        var counts = [[Int: Int](), [Int: Int]()]
        for f in 0..<2 { for e in files[f] { counts[f][e, default: 0] += 1 } }
        var discards: [[UInt8]] = [[], []]
        for f in 0..<2 {
            let end = files[f].count
            var many = 5
            var tem = end / 64
            while true { tem >>= 2; if tem <= 0 { break }; many *= 2 }
            discards[f] = files[f].map { e in
                let n = counts[1 - f][e] ?? 0
                return n == 0 ? 1 : (n > many ? 2 : 0)
            }
        }
        for f in 0..<2 {
            var d = discards[f]
            let end = d.count
            var i = 0
            while i < end {
                if d[i] == 2 {
                    d[i] = 0
                } else if d[i] != 0 {
                    var j = i
                    var provisional = 0
                    while j < end && d[j] != 0 { if d[j] == 2 { provisional += 1 }; j += 1 }
                    while j > i && d[j - 1] == 2 { j -= 1; d[j] = 0; provisional -= 1 }
                    let length = j - i
                    if provisional * 4 > length {
                        while j > i { j -= 1; if d[j] == 2 { d[j] = 0 } }
                    } else {
                        var minimum = 1
                        var t = length >> 2
                        while true { t >>= 2; if t <= 0 { break }; minimum <<= 1 }
                        minimum += 1
                        var consec = 0
                        var k = 0
                        while k < length {
                            if d[i + k] != 2 {
                                consec = 0
                            } else {
                                consec += 1
                                if minimum == consec { k -= consec } else if minimum < consec { d[i + k] = 0 }
                            }
                            k += 1
                        }
                        Self.cancelProvisionalsAtRunEnd(&d, from: i, step: 1, length: length)
                        i += length - 1
                        Self.cancelProvisionalsAtRunEnd(&d, from: i, step: -1, length: length)
                    }
                }
                i += 1
            }
            discards[f] = d
        }
        var kept: [[Int]] = [[], []]
        for f in 0..<2 {
            for i in 0..<discards[f].count {
                if discards[f][i] == 0 { kept[f].append(i) } else { changed[f][i] = true }
            }
        }
        return kept
    }

    /// From one end of a run, cancel provisional discards until three real discards in a row,
    /// or the first real discard at least 8 lines in.
    private static func cancelProvisionalsAtRunEnd(_ d: inout [UInt8], from start: Int, step: Int, length: Int) {
        var consec = 0
        for k in 0..<length {
            let at = start + step * k
            if k >= 8 && d[at] == 1 { break }
            if d[at] == 2 {
                consec = 0
                d[at] = 0
            } else if d[at] == 0 {
                consec = 0
            } else {
                consec += 1
            }
            if consec == 3 { break }
        }
    }

    /// GNU's shift_boundaries: slide each run of changes back to merge with earlier runs, then
    /// forward as far as it goes, then back again to line up with a run in the other file.
    static func shiftBoundaries(_ files: [[Int]], changed: inout [ChangeFlags]) {
        for f in 0..<2 {
            let equivs = files[f]
            let iEnd = equivs.count
            var i = 0, j = 0
            while true {
                while i < iEnd && !changed[f][i] {
                    while changed[1 - f][j] { j += 1 }
                    j += 1
                    i += 1
                }
                if i == iEnd { break }
                var start = i
                i += 1
                while changed[f][i] { i += 1 }
                while changed[1 - f][j] { j += 1 }
                var corresponding = iEnd
                var runLength = 0
                repeat {
                    runLength = i - start
                    while start > 0 && equivs[start - 1] == equivs[i - 1] {
                        start -= 1; changed[f][start] = true
                        i -= 1; changed[f][i] = false
                        while changed[f][start - 1] { start -= 1 }
                        j -= 1
                        while changed[1 - f][j] { j -= 1 }
                    }
                    corresponding = changed[1 - f][j - 1] ? i : iEnd
                    while i != iEnd && equivs[start] == equivs[i] {
                        changed[f][start] = false; start += 1
                        changed[f][i] = true; i += 1
                        while changed[f][i] { i += 1 }
                        j += 1
                        while changed[1 - f][j] { j += 1; corresponding = i }
                    }
                } while runLength != i - start
                while corresponding < i {
                    start -= 1; changed[f][start] = true
                    i -= 1; changed[f][i] = false
                    j -= 1
                    while changed[1 - f][j] { j -= 1 }
                }
            }
        }
    }
}

/// Change flags with a false sentinel on each side (index -1 and count), as GNU keeps them.
struct ChangeFlags {
    private var storage: [Bool]
    let count: Int

    init(count: Int) {
        self.count = count
        storage = [Bool](repeating: false, count: count + 2)
    }

    subscript(i: Int) -> Bool {
        get { storage[i + 1] }
        set { storage[i + 1] = newValue }
    }
}
