// journald output (`journalctl -o json` and `-o export`) turned into ordinary record lines.
//
// Kernel-transport entries carry the whole record in MESSAGE (`audit: type=1400 audit(...): ...`).
// Audit-transport entries (journald reading the audit socket) carry `AVC apparmor=...` in MESSAGE
// and the type, serial and time in _AUDIT_TYPE(_NAME), _AUDIT_ID and _SOURCE_REALTIME_TIMESTAMP:
// we rebuild the audit.log line `type=AVC msg=audit(secs.ms:serial): apparmor=...` from them.

import FoundationEssentials

enum JournalFields {
    /// The record line for one journal entry, or nil when it carries no record.
    static func recordLine(_ fields: [String: [UInt8]]) -> [UInt8]? {
        guard let message = fields["MESSAGE"] else { return nil }
        if message.withUnsafeBufferPointer({ find($0, "audit(") != nil }) {
            return message
        }
        let typeNumber = fields["_AUDIT_TYPE"].flatMap { Int(String(decoding: $0, as: UTF8.self)) }
        guard typeNumber != nil || fields["_AUDIT_TYPE_NAME"] != nil else {
            // A user-space logger (dbus-daemon): the message is a bare key list.
            return message
        }
        var typeName = fields["_AUDIT_TYPE_NAME"].map { String(decoding: $0, as: UTF8.self) }
        if typeName == nil, let n = typeNumber {
            typeName = n == 1400 ? "AVC" : n == 1107 ? "USER_AVC" : "UNKNOWN[\(n)]"
        }
        var body = message[...]
        if let name = typeName, body.starts(with: Array((name + " ").utf8)) {
            body = body.dropFirst(name.utf8.count + 1)
        }
        let micros = (fields["_SOURCE_REALTIME_TIMESTAMP"] ?? fields["__REALTIME_TIMESTAMP"])
            .flatMap { Int(String(decoding: $0, as: UTF8.self)) } ?? 0
        let serial = fields["_AUDIT_ID"].map { String(decoding: $0, as: UTF8.self) } ?? "0"
        let ms = (micros / 1000) % 1000
        let stamp = "\(micros / 1_000_000).\(ms < 10 ? "00" : ms < 100 ? "0" : "")\(ms):\(serial)"
        return Array("type=\(typeName!) msg=audit(\(stamp)): ".utf8) + body
    }
}

enum JournalJSON {
    static func recordLine(_ json: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard let obj = try? JSONDecoder().decode([String: Value].self, from: Data(buffer: json)) else {
            return nil
        }
        var fields: [String: [UInt8]] = [:]
        for (k, v) in obj {
            if let bytes = v.bytes { fields[k] = bytes }
        }
        return JournalFields.recordLine(fields)
    }

    /// A field's value: a string, a number, or (journald's form of a non-UTF-8 value) an
    /// array of byte values; anything else (null, several values) is skipped.
    struct Value: Decodable {
        let bytes: [UInt8]?

        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let s = try? c.decode(String.self) {
                bytes = Array(s.utf8)
            } else if let n = try? c.decode(Int.self) {
                bytes = Array(String(n).utf8)
            } else if let a = try? c.decode([Int].self) {
                bytes = a.map { UInt8(truncatingIfNeeded: $0) }
            } else {
                bytes = nil
            }
        }
    }
}

/// Fields of one `journalctl -o export` entry, collected line by line.
struct JournalExportEntry {
    let line: Int
    var fields: [String: [UInt8]] = [:]

    init(line: Int) { self.line = line }

    mutating func add(line: UnsafeBufferPointer<UInt8>, source: LineSource) {
        if let eq = line.firstIndex(of: UInt8(ascii: "=")) {
            let key = String(decoding: line[..<eq], as: UTF8.self)
            fields[key] = Array(line[(eq + 1)...])
        } else {
            // A binary field: the name, then a 64-bit little-endian length, the data and a newline.
            let key = String(decoding: line, as: UTF8.self)
            let len = source.readRaw(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
            guard len <= 1 << 24 else { return }  // not export format after all: ignore the field
            fields[key] = source.readRaw(Int(len))
            _ = source.readRaw(1)
        }
    }

    func recordLine() -> [UInt8]? { JournalFields.recordLine(fields) }
}
