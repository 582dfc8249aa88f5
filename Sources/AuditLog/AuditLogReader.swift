// Record-level reading of a log source: plain audit.log/syslog/dmesg lines, multi-line USER_AVC
// records, and journald output, each handed to the parser as it is read.

#if canImport(Glibc)
import CGlibcExtras
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public struct AuditLogReader {
    /// Skip lines that cannot be AppArmor records (no `apparmor=`, `operation=` or `type=AVC`),
    /// as upstream's logprof does.
    public var onlyAppArmor: Bool
    /// Asked about each plain line before it is parsed: true leaves it out (logprof: a record
    /// of a profile the folder lacks, `UnknownProfileLines`, which only ever leaves out lines
    /// that `onlyAppArmor` keeps).
    public var skipLine: ((UnsafeBufferPointer<UInt8>) -> Bool)?
    private let source: LineSource

    public init(source: LineSource, onlyAppArmor: Bool = false) {
        self.source = source
        self.onlyAppArmor = onlyAppArmor
    }

    /// Calls `body` with every record, in order, and the number of the line it started on.
    public func forEachRecord(_ body: (AuditRecord, Int) -> Void) {
        var pending: [UInt8]? = nil      // an unclosed multi-line USER_AVC record
        var pendingLine = 0
        var journal: JournalExportEntry? = nil
        while true {
            let more: Bool? = source.nextLine { line -> Bool in
                let n = source.lineNumber
                if var acc = pending {
                    // An indented line continues the record unless it starts one itself: a
                    // record ends there, whatever quoting is still open.
                    if let f = line.first, isSpace(f), !startsRecord(line) {
                        acc.append(0x0A)
                        acc.append(contentsOf: line)
                        if memchrByte(line, UInt8(ascii: "'")) {
                            emit(acc, pendingLine, body)
                            pending = nil
                        } else if acc.count > 1 << 16 {
                            emit(acc, pendingLine, body)
                            pending = nil
                        } else {
                            pending = acc
                        }
                        return true
                    }
                    emit(acc, pendingLine, body)
                    pending = nil
                }
                if journal != nil || startsWith(line, "__CURSOR=") {
                    if journal == nil { journal = JournalExportEntry(line: n) }
                    if line.isEmpty {
                        if let text = journal!.recordLine() { emit(text, journal!.line, body) }
                        journal = nil
                    } else {
                        journal!.add(line: line, source: source)
                    }
                    return true
                }
                guard let first = firstNonSpace(line) else { return true }
                if line[first] == UInt8(ascii: "{") {
                    if let text = JournalJSON.recordLine(UnsafeBufferPointer(rebasing: line[first...])) {
                        emit(text, n, body)
                    }
                    return true
                }
                // Most lines hold no quote at all (memchr, wide): no `msg='` to look for.
                if memchrByte(line, UInt8(ascii: "'")), let q = find(line, "msg='"),
                   !memchrByte(UnsafeBufferPointer(rebasing: line[(q + 5)...]), UInt8(ascii: "'")) {
                    pending = Array(line)
                    pendingLine = n
                    return true
                }
                // A line the skip check leaves out is an AppArmor record (it holds an
                // `apparmor=` key): asked first, it spares those lines the filter's search.
                if let skip = skipLine, skip(line) { return true }
                if onlyAppArmor && !looksLikeAppArmor(line) { return true }
                body(AuditRecordParser.parse(line), n)
                return true
            }
            if more == nil { break }
        }
        if let acc = pending { emit(acc, pendingLine, body) }
        if let j = journal, let text = j.recordLine() { emit(text, j.line, body) }
    }

    /// Whether a line holds the start of an audit record (`type=` first, or an `audit(SECONDS`
    /// stamp): a multi-line record never goes on past such a line.
    public static func isRecordStart(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        AuditLog.startsRecord(line)
    }

    private func emit(_ bytes: [UInt8], _ line: Int, _ body: (AuditRecord, Int) -> Void) {
        bytes.withUnsafeBufferPointer { b in
            if onlyAppArmor && !looksLikeAppArmor(b) { return }
            body(AuditRecordParser.parse(b), line)
        }
    }
}

func firstNonSpace(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
    var k = 0
    while k < b.count {
        if !isSpace(b[k]) { return k }
        k += 1
    }
    return nil
}

func memchrByte(_ b: UnsafeBufferPointer<UInt8>, _ c: UInt8) -> Bool {
    ByteSearch.firstIndex(of: c, in: b) != nil
}

func startsWith(_ b: UnsafeBufferPointer<UInt8>, _ s: StaticString) -> Bool {
    let n = s.utf8CodeUnitCount
    guard b.count >= n else { return false }
    return memcmp(b.baseAddress!, s.utf8Start, n) == 0
}

/// The offset of `s` in `b`, if present.
func find(_ b: UnsafeBufferPointer<UInt8>, _ s: StaticString) -> Int? {
    ByteSearch.find(UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount), in: b)
}

/// Finding bytes in a line: glibc's memmem, which skips ahead by a table of the needle's byte
/// pairs instead of stopping at each of its first byte (`apparmor=` starts with a byte most
/// lines hold dozens of).
public enum ByteSearch {
    /// The offset of the first `byte` in `hay` (glibc's memchr, a word at a time), if present.
    @inline(__always) public static func firstIndex(of byte: UInt8, in hay: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let base = hay.baseAddress, hay.count > 0, let hit = memchr(base, Int32(byte), hay.count) else { return nil }
        return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
    }

    /// The offset of `needle` in `hay`, if present.
    public static func find(_ needle: UnsafeBufferPointer<UInt8>, in hay: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let base = hay.baseAddress, let nb = needle.baseAddress, needle.count > 0, hay.count >= needle.count,
              let hit = aaswift_memmem(base, hay.count, nb, needle.count) else { return nil }
        return UnsafeRawPointer(base).distance(to: UnsafeRawPointer(hit))
    }

    public static func find(_ needle: [UInt8], in hay: UnsafeBufferPointer<UInt8>) -> Int? {
        needle.withUnsafeBufferPointer { find($0, in: hay) }
    }

    public static func find(_ needle: [UInt8], in hay: [UInt8]) -> Int? {
        hay.withUnsafeBufferPointer { find(needle, in: $0) }
    }
}

/// Whether a line holds the start of an audit record: `type=` first, or an `audit(SECONDS`
/// stamp (audit.log, syslog and dmesg layouts).
func startsRecord(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
    if let first = firstNonSpace(b), startsWith(UnsafeBufferPointer(rebasing: b[first...]), "type=") { return true }
    var rest = b[...]
    while let at = find(UnsafeBufferPointer(rebasing: rest), "audit(") {
        let next = rest.startIndex + at + 6
        if next < b.count, b[next] >= 0x30, b[next] <= 0x39 { return true }
        rest = b[(rest.startIndex + at + 1)...]
    }
    return false
}

func looksLikeAppArmor(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
    find(b, "apparmor=") != nil || find(b, "operation=") != nil || find(b, "type=AVC") != nil
}
