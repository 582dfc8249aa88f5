// Counts of records per event type, per profile and per operation, for `decode-log --format summary`.

public struct LogSummary {
    public private(set) var total = 0
    public private(set) var byEvent = [Int](repeating: 0, count: AuditEventType.allCases.count)
    private var byProfile: [LogBytes: [Int]] = [:]
    private var byOperation: [LogBytes: Int] = [:]

    public init() {}

    public mutating func add(_ r: AuditRecord) {
        total += 1
        let e = r.event.rawValue
        byEvent[e] += 1
        let key = r.profile ?? []
        byProfile[key, default: [Int](repeating: 0, count: AuditEventType.allCases.count)][e] += 1
        if let op = r.operation { byOperation[op, default: 0] += 1 }
    }

    /// Counts for one profile (nil for records without a profile is the empty name).
    public func counts(profile: String) -> [AuditEventType: Int] {
        guard let c = byProfile[Array(profile.utf8)] else { return [:] }
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
        let names = byProfile.keys.map { ($0, String(decoding: $0, as: UTF8.self)) }.sorted { $0.1 < $1.1 }
        for (key, name) in names {
            let c = byProfile[key]!
            let parts = AuditEventType.allCases.filter { c[$0.rawValue] > 0 }.map { "\($0.keyword)=\(c[$0.rawValue])" }
            s += "  \(name.isEmpty ? "(none)" : name)  \(parts.joined(separator: " "))\n"
        }
        s += "\noperation\n"
        for (op, n) in byOperation.map({ (String(decoding: $0.key, as: UTF8.self), $0.value) }).sorted(by: { $0.0 < $1.0 }) {
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
