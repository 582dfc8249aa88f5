import AuditLog
import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension LogprofEventCollector {
    /// Reads a whole log held in memory. Plain one-line records (audit.log, syslog, dmesg) take
    /// a fast path: a record whose text from `apparmor=` on was seen before is counted but not
    /// parsed again (logs repeat the same request many times). Anything else (journald
    /// export or JSON, multi-line USER_AVC records) goes through the full reader.
    public mutating func read(bytes: [UInt8]) {
        if Self.needsFullReader(bytes) {
            read(LineSource(fd: Self.pipe(bytes)))
            return
        }
        var seen: [ArraySlice<UInt8>: (records: Int, events: Int)] = [:]
        bytes.withUnsafeBufferPointer { all in
            var start = 0
            let n = all.count
            while start < n {
                var end = start
                if let base = all.baseAddress, let hit = memchr(base + start, 0x0A, n - start) {
                    end = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                } else {
                    end = n
                }
                stats.lines += 1
                let line = UnsafeBufferPointer(rebasing: all[start..<end])
                start = end + 1
                guard let key = Self.recordKey(line) else { continue }
                let slice = bytes[(line.baseAddress! - all.baseAddress! + key)..<(line.baseAddress! - all.baseAddress! + line.count)]
                if let known = seen[slice] {
                    stats.appArmorRecords += known.records
                    stats.events += known.events
                    continue
                }
                let before = stats
                add(AuditRecordParser.parse(line))
                seen[slice] = (stats.appArmorRecords - before.appArmorRecords, stats.events - before.events)
            }
        }
    }

    /// Where the deduplication key of a line starts (`apparmor=`, else the whole line for
    /// `operation=` and `type=AVC` lines); nil for lines that are not AppArmor records.
    static func recordKey(_ line: UnsafeBufferPointer<UInt8>) -> Int? {
        if let at = find(line, Array("apparmor=".utf8)) { return at }
        if find(line, Array("operation=".utf8)) != nil || find(line, Array("type=AVC".utf8)) != nil { return 0 }
        return nil
    }

    static func find(_ hay: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Int? {
        guard let base = hay.baseAddress, hay.count >= needle.count, let first = needle.first else { return nil }
        return needle.withUnsafeBufferPointer { nb in
            var k = 0
            let last = hay.count - nb.count
            while k <= last {
                guard let hit = memchr(base + k, Int32(first), last - k + 1) else { return nil }
                let at = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(hit))
                if memcmp(base + at, nb.baseAddress!, nb.count) == 0 { return at }
                k = at + 1
            }
            return nil
        }
    }

    /// Whether the log holds journald output or multi-line records.
    static func needsFullReader(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { b in
            if b.first == UInt8(ascii: "{") || b.first == 0x20 || b.first == 0x09 { return true }
            for marker in ["__CURSOR=", "msg='", "\n{", "\n ", "\n\t"] where find(b, Array(marker.utf8)) != nil {
                return true
            }
            return false
        }
    }

    /// A pipe whose read end delivers `bytes` (written by a helper thread).
    static func pipe(_ bytes: [UInt8]) -> Int32 {
        var fds: [Int32] = [0, 0]
        guard Glibc.pipe(&fds) == 0 else { return -1 }
        let wfd = fds[1]
        let writer = Thread {
            bytes.withUnsafeBytes { b in
                var off = 0
                while off < b.count {
                    let w = write(wfd, b.baseAddress! + off, b.count - off)
                    if w <= 0 { break }
                    off += w
                }
            }
            close(wfd)
        }
        writer.start()
        return fds[0]
    }
}
