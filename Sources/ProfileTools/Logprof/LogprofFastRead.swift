import AppArmorPolicy
import AuditLog
import CGlibcExtras
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

extension LogprofEventCollector {
    /// Reads a whole log held in memory. Plain one-line records (audit.log, syslog, dmesg) take
    /// a fast path: only lines with `apparmor=` are looked at, and a record whose text from
    /// `apparmor=` on was seen before is counted but not parsed again (logs repeat the same
    /// request many times). Anything else (journald export or JSON, multi-line USER_AVC
    /// records, pre-2.6.36 records) goes through the full reader.
    public mutating func read(bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { read(buffer: $0) }
    }

    /// `read(bytes:)` on bytes held elsewhere (a mapped file).
    public mutating func read(buffer all: UnsafeBufferPointer<UInt8>) {
        // A big log is checked for what needs the full reader on a second thread while the
        // fast path reads it; the fast path's result is dropped when the check says so.
        if all.count >= 1 << 20 {
            let check = FullReaderCheck(all)
            var fast = self
            fast.readFast(all, countLines: false)
            let (full, lines) = check.wait()
            if full {
                read(LineSource(fd: Self.pipe(Array(all))))
            } else {
                self = fast
                stats.lines += lines
            }
            return
        }
        if Self.needsFullReader(all) {
            read(LineSource(fd: Self.pipe(Array(all))))
            return
        }
        readFast(all)
    }

    /// The fast path of `read(buffer:)`.
    private mutating func readFast(_ all: UnsafeBufferPointer<UInt8>, countLines: Bool = true) {
        var seen: [RecordText: (records: Int, events: Int)] = [:]
        do {
            let n = all.count
            guard let base = all.baseAddress else { return }
            if countLines { stats.lines += Self.lineCount(all) }
            // Jump from one `apparmor=` to the next: lines without it are not read at all.
            var pos = 0
            while pos < n, let at = Self.find(UnsafeBufferPointer(rebasing: all[pos...]), Self.apparmorKey) {
                let hit = pos + at
                var end = n
                if let nl = memchr(base + hit, 0x0A, n - hit) { end = base.distance(to: nl.assumingMemoryBound(to: UInt8.self)) }
                pos = end + 1
                let key = RecordText(UnsafeBufferPointer(rebasing: all[hit..<end]))
                if let known = seen[key] {
                    stats.appArmorRecords += known.records
                    stats.events += known.events
                    continue
                }
                // A new record: parsed from the start of its line.
                var start = hit
                while start > 0, all[start - 1] != 0x0A { start -= 1 }
                let before = stats
                add(AuditRecordParser.parse(UnsafeBufferPointer(rebasing: all[start..<end])))
                seen[key] = (stats.appArmorRecords - before.appArmorRecords, stats.events - before.events)
            }
        }
    }

    static let apparmorKey = Array("apparmor=".utf8)

    /// The number of newlines.
    static func lineCount(_ all: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = all.baseAddress else { return 0 }
        var count = 0
        var at = 0
        while at < all.count, let nl = memchr(base + at, 0x0A, all.count - at) {
            count += 1
            at = base.distance(to: nl.assumingMemoryBound(to: UInt8.self)) + 1
        }
        return count
    }

    static func find(_ hay: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Int? {
        guard let base = hay.baseAddress, hay.count >= needle.count, !needle.isEmpty else { return nil }
        return needle.withUnsafeBufferPointer { nb in
            guard let hit = aaswift_memmem(base, hay.count, nb.baseAddress!, nb.count) else { return nil }
            return UnsafeRawPointer(base).distance(to: UnsafeRawPointer(hit))
        }
    }

    /// `find` driven by `memchr` on the needle's byte at `anchor` (one rare in logs), each hit
    /// checked in place.
    static func find(_ hay: UnsafeBufferPointer<UInt8>, _ needle: [UInt8], anchor: Int) -> Int? {
        guard let base = hay.baseAddress, hay.count >= needle.count else { return nil }
        let c = Int32(needle[anchor])
        var from = anchor
        while from < hay.count, let p = memchr(base + from, c, hay.count - from) {
            let at = base.distance(to: p.assumingMemoryBound(to: UInt8.self))
            from = at + 1
            let start = at - anchor
            guard start + needle.count <= hay.count else { return nil }
            if memcmp(base + start, needle, needle.count) == 0 { return start }
        }
        return nil
    }

    /// Whether the log holds journald output or multi-line records (a `msg='` not closed on
    /// its line).
    static func needsFullReader(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        do {
            // journald: export format starts with `__CURSOR=`, JSON output with `{`.
            var first = 0
            while first < b.count, b[first] == 0x20 || b[first] == 0x09 || b[first] == 0x0A { first += 1 }
            if first < b.count, b[first] == UInt8(ascii: "{") { return true }
            if find(UnsafeBufferPointer(rebasing: b[first..<min(b.count, first + 9)]), Array("__CURSOR=".utf8)) != nil { return true }
            // Records of kernels before 2.6.36 (`type=APPARMOR_DENIED`, `type=1503`) carry no
            // `apparmor=`.
            if find(b, Array("APPARMOR_".utf8), anchor: 6) != nil || find(b, Array("type=150".utf8)) != nil { return true }
            // `msg='...'` closed on its line is a one-line record; an unclosed one continues.
            // Found from each `'` (rare in logs) looking back for `msg=`.
            guard let base = b.baseAddress else { return false }
            let quote = Int32(UInt8(ascii: "'"))
            var from = 0
            while from < b.count, let q = memchr(base + from, quote, b.count - from) {
                let at = base.distance(to: q.assumingMemoryBound(to: UInt8.self))
                from = at + 1
                guard at >= 4, b[at - 4] == UInt8(ascii: "m"), b[at - 3] == UInt8(ascii: "s"), b[at - 2] == UInt8(ascii: "g"),
                      b[at - 1] == UInt8(ascii: "=") else { continue }
                let k = at + 1
                var lineEnd = b.count
                if let nl = memchr(base + k, 0x0A, b.count - k) { lineEnd = base.distance(to: nl.assumingMemoryBound(to: UInt8.self)) }
                guard let close = memchr(base + k, quote, lineEnd - k) else { return true }
                from = base.distance(to: close.assumingMemoryBound(to: UInt8.self)) + 1
            }
            return false
        }
    }

    /// A pipe whose read end delivers `bytes` (written by a helper thread).
    static func pipe(_ bytes: [UInt8]) -> Int32 {
        var fds: [Int32] = [0, 0]
        guard Glibc.pipe(&fds) == 0 else { return -1 }
        let wfd = fds[1]
        PosixThread {
            bytes.withUnsafeBytes { b in
                var off = 0
                while off < b.count {
                    let w = write(wfd, b.baseAddress! + off, b.count - off)
                    if w <= 0 { break }
                    off += w
                }
            }
            close(wfd)
        }.detach()
        return fds[0]
    }
}

/// `needsFullReader` (and the line count) worked out on a thread of its own.
private final class FullReaderCheck: @unchecked Sendable {
    private let buffer: UnsafeBufferPointer<UInt8>
    private var result = (full: false, lines: 0)
    private var thread: PosixThread?

    init(_ buffer: UnsafeBufferPointer<UInt8>) {
        self.buffer = buffer
        thread = PosixThread { [self] in
            let full = LogprofEventCollector.needsFullReader(self.buffer)
            result = (full, full ? 0 : LogprofEventCollector.lineCount(self.buffer))
        }
    }

    func wait() -> (full: Bool, lines: Int) {
        thread?.join()
        return result
    }
}

/// A record's text (from `apparmor=` to the end of its line) in the log buffer, hashed once
/// by words rather than byte by byte; equal when the bytes are.
struct RecordText: Hashable {
    let text: UnsafeBufferPointer<UInt8>
    let hash: UInt64

    init(_ text: UnsafeBufferPointer<UInt8>) {
        self.text = text
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(text.count)
        let raw = UnsafeRawBufferPointer(text)
        var i = 0
        while i + 8 <= raw.count {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0x9E37_79B9_7F4A_7C15
            h ^= h >> 29
            i += 8
        }
        while i < raw.count {
            h = (h ^ UInt64(raw[i])) &* 0x100_0000_01b3
            i += 1
        }
        hash = h
    }

    static func == (a: RecordText, b: RecordText) -> Bool {
        a.hash == b.hash && a.text.count == b.text.count
            && (a.text.count == 0 || memcmp(a.text.baseAddress!, b.text.baseAddress!, a.text.count) == 0)
    }

    func hash(into hasher: inout Hasher) { hasher.combine(hash) }
}

