// A byte-level parser for one AppArmor audit record, following libapparmor's grammar
// (grammar.y/scanner.l) in what it accepts and in what it leaves set after an error, but
// keeping keys it does not know instead of failing the record.

/// Parses one log record (a line, or the joined lines of a multi-line USER_AVC record).
public enum AuditRecordParser {
    public static func parse(_ bytes: [UInt8]) -> AuditRecord {
        bytes.withUnsafeBufferPointer { parse($0) }
    }

    public static func parse(_ text: String) -> AuditRecord {
        var s = text
        return s.withUTF8 { parse($0) }
    }

    public static func parse(_ buffer: UnsafeBufferPointer<UInt8>) -> AuditRecord {
        var s = RecordScanner(p: buffer)
        s.parseLine()
        return s.record
    }
}

@inline(__always) func isSpace(_ c: UInt8) -> Bool {
    c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0x1D
}

@inline(__always) func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

/// a-z, A-Z, 0-9, `_` and `-`: one bit per byte value (below 64, and 64 to 127), one test
/// instead of five ranges on the parser's hottest loop.
@inline(__always) func isKeyChar(_ c: UInt8) -> Bool {
    let below64: UInt64 = 0x03FF_2000_0000_0000
    let below128: UInt64 = 0x07FF_FFFE_87FF_FFFE
    let word = c < 64 ? below64 : c < 128 ? below128 : 0
    return (word &>> UInt64(c & 63)) & 1 != 0
}

@inline(__always) func hexValue(_ c: UInt8) -> UInt8? {
    if isDigit(c) { return c - 0x30 }
    if c >= 0x41 && c <= 0x46 { return c - 0x41 + 10 }
    return nil
}

/// Where the record's event type comes from once the key list is read.
enum EventSource {
    case keys                    // apparmor="..." or type=N inside the list (AVC, syslog, dmesg)
    case fixed(AuditEventType)   // type=APPARMOR_DENIED, UNKNOWN[1503], ...
}

struct RecordScanner {
    let p: UnsafeBufferPointer<UInt8>
    var i = 0
    var record: AuditRecord

    init(p: UnsafeBufferPointer<UInt8>) {
        self.p = p
        record = AuditRecord(line: p)
    }

    /// True when bytes `a..<b` of the line are exactly `s`.
    func range(_ a: Int, _ b: Int, is s: StaticString) -> Bool {
        b - a == s.utf8CodeUnitCount && starts(with: s, at: a)
    }

    // MARK: small helpers

    @inline(__always) var atEnd: Bool { i >= p.count }

    /// Where `byte` first is in bytes `from..<to` of the line (`ByteSearch.firstIndex`).
    @inline(__always) func find(_ byte: UInt8, from: Int, to: Int) -> Int? {
        guard from < to, let k = ByteSearch.firstIndex(of: byte, in: UnsafeBufferPointer(rebasing: p[from..<to])) else { return nil }
        return from + k
    }

    @inline(__always) mutating func skipSpace() {
        while i < p.count && isSpace(p[i]) { i += 1 }
    }

    func starts(with s: StaticString, at k: Int? = nil) -> Bool {
        let at = k ?? i
        let n = s.utf8CodeUnitCount
        guard at + n <= p.count else { return false }
        let u = s.utf8Start
        for j in 0..<n where p[at + j] != u[j] { return false }
        return true
    }

    mutating func consume(_ s: StaticString) -> Bool {
        guard starts(with: s) else { return false }
        i += s.utf8CodeUnitCount
        return true
    }

    mutating func readDigits() -> (value: Int, start: Int, end: Int)? {
        let start = i
        var v = 0
        while i < p.count && isDigit(p[i]) {
            v = v &* 10 &+ Int(p[i] - 0x30)
            i += 1
        }
        return i > start ? (v, start, i) : nil
    }

    func bytes(_ a: Int, _ b: Int) -> LogBytes { Array(p[a..<b]) }

    /// The grammar failed: the record is INVALID and keeps what was set so far.
    mutating func fail() {
        record.event = .invalid
    }

    // MARK: line forms

    mutating func parseLine() {
        skipSpace()
        // auditd's name_format puts the host first: `node=web1 type=AVC msg=...`.
        if starts(with: "node=") {
            while i < p.count && !isSpace(p[i]) { i += 1 }
            skipSpace()
        }
        if starts(with: "type=") {
            parseAuditTypeForm()
        } else if starts(with: "msg=audit(") {
            i += 4
            guard parseAuditID() else { return fail() }
            _ = parseKeyList(terminator: nil)
        } else if atEnd {
            fail()
        } else if starts(with: "apparmor=") {
            // A user-space logger's bare key list (journald's MESSAGE of dbus-daemon).
            _ = parseKeyList(terminator: nil)
        } else if p[i] == UInt8(ascii: "[") {
            // dmesg, or journalctl's short-monotonic: `[ 12.345678] host kernel: audit: ...`
            let start = i
            if DmesgStamp.skip(&self) {
                skipSpace()
                if !(starts(with: "audit") || starts(with: "type=")), SyslogHeader.skipHostAndTag(&self) {
                    return
                }
            }
            i = start
            parseKernelTail(allowBareKeys: false)
        } else if starts(with: "audit:") || starts(with: "audit(") {
            parseKernelTail(allowBareKeys: false)
        } else if SyslogHeader.skip(&self) {
            return
        } else {
            fail()
        }
    }

    /// `type=X msg=audit(...): ...` as audit.log writes it.
    mutating func parseAuditTypeForm() {
        i += 5
        let start = i
        while i < p.count && (isKeyChar(p[i]) || p[i] == UInt8(ascii: "[") || p[i] == UInt8(ascii: "]")) { i += 1 }
        let end = i
        var source = EventSource.keys
        var other = false
        if range(start, end, is: "AVC") {
            record.auditType = 1400
        } else if range(start, end, is: "USER_AVC") {
            record.auditType = 1107
        } else if starts(with: "APPARMOR_", at: start) {
            let kinds: [(StaticString, Int, AuditEventType)] = [
                ("APPARMOR_AUDIT", 1501, .audit), ("APPARMOR_ALLOWED", 1502, .allowed),
                ("APPARMOR_DENIED", 1503, .denied), ("APPARMOR_HINT", 1504, .hint),
                ("APPARMOR_STATUS", 1505, .status), ("APPARMOR_ERROR", 1506, .error),
            ]
            if let k = kinds.first(where: { range(start, end, is: $0.0) }) {
                record.auditType = k.1
                source = .fixed(k.2)
            } else {
                other = true
            }
        } else if starts(with: "UNKNOWN[", at: start) && p[end - 1] == UInt8(ascii: "]") {
            let n = Int(String(decoding: p[(start + 8)..<(end - 1)], as: UTF8.self)) ?? 0
            record.auditType = n
            source = .fixed(AuditEventType.fromAuditType(n))
        } else if end > start && p[start..<end].allSatisfy(isDigit) {
            let n = Int(String(decoding: p[start..<end], as: UTF8.self)) ?? 0
            record.auditType = n
            if n >= 1500 && n <= 1599 { source = .fixed(AuditEventType.fromAuditType(n)) } else if n != 1400 && n != 1107 { other = true }
        } else {
            if end == start { return fail() }
            other = true
        }
        skipSpace()
        guard consume("msg="), parseAuditID() else { return fail() }
        if other {
            skipSpace()
            guard !atEnd else { return fail() }
            record._operation = makeSpan(start, end)
            record.event = .invalid
            record._info = restOfLine()
            return
        }
        guard parseKeyList(terminator: nil) else { return }
        if case .fixed(let e) = source { record.event = e }
    }

    /// What follows a kernel or syslog prefix: `[stamp] audit: type=N audit(...): keys`, with each
    /// part optional except the audit id (or bare keys after a user-space tag such as `dbus[12]:`).
    mutating func parseKernelTail(allowBareKeys: Bool) {
        skipSpace()
        var sawPrefix = false
        if !atEnd && p[i] == UInt8(ascii: "[") {
            guard DmesgStamp.skip(&self) else { return fail() }
            sawPrefix = true
            skipSpace()
        }
        if consume("audit:") { sawPrefix = true; skipSpace() }
        if consume("type=") {
            guard let n = readDigits() else { return fail() }
            record.auditType = n.value
            record.event = AuditEventType.fromAuditType(n.value)
            sawPrefix = true
            skipSpace()
        }
        if starts(with: "audit(") || starts(with: "msg=audit(") {
            if p[i] == UInt8(ascii: "m") { i += 4 }
            guard parseAuditID() else { return fail() }
            _ = parseKeyList(terminator: nil)
        } else if allowBareKeys && !sawPrefix {
            _ = parseKeyList(terminator: nil)
        } else {
            fail()
        }
    }

    /// `audit(1279948288.415:39):` sets the audit id, epoch and serial.
    mutating func parseAuditID() -> Bool {
        guard consume("audit(") else { return false }
        guard let secs = readDigits(), consume(".") else { return false }
        guard readDigits() != nil, consume(":") else { return false }
        guard let serial = readDigits(), consume(")"), consume(":") else { return false }
        record._auditID = makeSpan(secs.start, serial.end)
        record.epoch = secs.value
        record.auditSubID = serial.value
        return true
    }

    mutating func restOfLine() -> FieldSpan {
        let start = i
        while i < p.count && p[i] != 0x0A { i += 1 }
        return makeSpan(start, i)
    }
}
