// Counts of records per event type, per profile and per operation, for `decode-log --format summary`.

public struct LogSummary {
    public private(set) var total = 0
    public private(set) var byEvent = [Int](repeating: 0, count: AuditEventType.allCases.count)
    /// Counts per event type of each profile (by its number in `profiles`; no profile is the
    /// empty name), and records per operation.
    private var profiles = ByteStringIndex()
    private var byProfile: [[Int]] = []
    private var operations = ByteStringIndex()
    private var byOperation: [Int] = []

    public init() {}

    public mutating func add(_ r: AuditRecord) {
        total += 1
        let e = r.event.rawValue
        byEvent[e] += 1
        (r.profileSlice ?? []).withUnsafeBufferPointer { byProfile[profileNumber($0)][e] += 1 }
        if let op = r.operationSlice { op.withUnsafeBufferPointer { byOperation[operationNumber($0)] += 1 } }
    }

    private mutating func profileNumber(_ name: UnsafeBufferPointer<UInt8>) -> Int {
        let (n, new) = profiles.insert(name)
        if new { byProfile.append([Int](repeating: 0, count: AuditEventType.allCases.count)) }
        return n
    }

    private mutating func operationNumber(_ name: UnsafeBufferPointer<UInt8>) -> Int {
        let (n, new) = operations.insert(name)
        if new { byOperation.append(0) }
        return n
    }

    /// Adds the counts of another part of the same log.
    public mutating func merge(_ other: LogSummary) {
        total += other.total
        for e in byEvent.indices { byEvent[e] += other.byEvent[e] }
        for (k, c) in zip(other.profiles.keys, other.byProfile) {
            let n = k.withUnsafeBufferPointer { profileNumber($0) }
            for e in c.indices { byProfile[n][e] += c[e] }
        }
        for (k, c) in zip(other.operations.keys, other.byOperation) {
            byOperation[k.withUnsafeBufferPointer { operationNumber($0) }] += c
        }
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
        guard let n = Array(profile.utf8).withUnsafeBufferPointer({ profiles.number(of: $0) }) else { return [:] }
        let c = byProfile[n]
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
        let names = profiles.keys.enumerated().map { ($0.offset, String(decoding: $0.element, as: UTF8.self)) }.sorted { $0.1 < $1.1 }
        for (n, name) in names {
            let c = byProfile[n]
            let parts = AuditEventType.allCases.filter { c[$0.rawValue] > 0 }.map { "\($0.keyword)=\(c[$0.rawValue])" }
            s += "  \(name.isEmpty ? "(none)" : name)  \(parts.joined(separator: " "))\n"
        }
        s += "\noperation\n"
        for (op, n) in zip(operations.keys, byOperation).map({ (String(decoding: $0.0, as: UTF8.self), $0.1) }).sorted(by: { $0.0 < $1.0 }) {
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
