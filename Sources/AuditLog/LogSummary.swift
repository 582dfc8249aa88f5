// Counts of records per event type, per profile and per operation, for `decode-log --format summary`.

public struct LogSummary {
    public private(set) var total = 0
    public private(set) var byEvent = [Int](repeating: 0, count: AuditEventType.allCases.count)
    private var byProfile: [BytesKey: [Int]] = [:]
    private var byOperation: [BytesKey: Int] = [:]

    public init() {}

    public mutating func add(_ r: AuditRecord) {
        total += 1
        let e = r.event.rawValue
        byEvent[e] += 1
        let key = BytesKey(r.profileSlice ?? [])
        byProfile[key, default: [Int](repeating: 0, count: AuditEventType.allCases.count)][e] += 1
        if let op = r.operationSlice { byOperation[BytesKey(op), default: 0] += 1 }
    }

    /// Adds the counts of another part of the same log.
    public mutating func merge(_ other: LogSummary) {
        total += other.total
        for e in byEvent.indices { byEvent[e] += other.byEvent[e] }
        for (k, c) in other.byProfile {
            var mine = byProfile[k, default: [Int](repeating: 0, count: AuditEventType.allCases.count)]
            for e in mine.indices { mine[e] += c[e] }
            byProfile[k] = mine
        }
        for (k, n) in other.byOperation { byOperation[k, default: 0] += n }
    }

    /// The summary of a regular log file; a big one is cut into parts (`LogFileParts`) read at
    /// once on `threads` threads, their counts added up (the same counts as one pass).
    public static func of(fd: Int32, size: Int, threads: Int) -> LogSummary {
        var summary = LogSummary()
        let others = LogFileParts.read(fd, parts: LogFileParts.split(fd, 0..<size, count: threads),
                                       first: { summary = read($0) }, rest: { read($0) })
        for s in others { summary.merge(s) }
        return summary
    }

    /// The summary of what `source` holds.
    public static func read(_ source: LineSource) -> LogSummary {
        var summary = LogSummary()
        AuditLogReader(source: source, onlyAppArmor: true).forEachRecord { record, _ in summary.add(record) }
        return summary
    }

    /// Counts for one profile (nil for records without a profile is the empty name).
    public func counts(profile: String) -> [AuditEventType: Int] {
        guard let c = byProfile[BytesKey(ArraySlice(profile.utf8))] else { return [:] }
        var out: [AuditEventType: Int] = [:]
        for e in AuditEventType.allCases where c[e.rawValue] > 0 { out[e] = c[e.rawValue] }
        return out
    }

    public func render() -> String {
        var s = "records: \(total)\n\nevent type\n"
        for e in AuditEventType.allCases where byEvent[e.rawValue] > 0 {
            s += "  \(e.keyword.padding(8))\(byEvent[e.rawValue])\n"
        }
        s += "\nprofile\n"
        let names = byProfile.keys.map { ($0, String(decoding: $0.bytes, as: UTF8.self)) }.sorted { $0.1 < $1.1 }
        for (key, name) in names {
            let c = byProfile[key]!
            let parts = AuditEventType.allCases.filter { c[$0.rawValue] > 0 }.map { "\($0.keyword)=\(c[$0.rawValue])" }
            s += "  \(name.isEmpty ? "(none)" : name)  \(parts.joined(separator: " "))\n"
        }
        s += "\noperation\n"
        for (op, n) in byOperation.map({ (String(decoding: $0.key.bytes, as: UTF8.self), $0.value) }).sorted(by: { $0.0 < $1.0 }) {
            s += "  \(op.padding(20))\(n)\n"
        }
        return s
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}

/// Bytes as a dictionary key with a precomputed FNV-1a hash (one combine per lookup instead of
/// one per byte).
struct BytesKey: Hashable {
    let bytes: ArraySlice<UInt8>
    let hash: UInt64

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        hash = h
    }

    static func == (a: Self, b: Self) -> Bool { a.hash == b.hash && a.bytes == b.bytes }
    func hash(into hasher: inout Hasher) { hasher.combine(hash) }
}
