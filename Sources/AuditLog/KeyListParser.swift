// The key list of a record: `key=value` pairs, each value read by the kind its key takes.

extension RecordScanner {
    /// Reads keys until the end (or `terminator`, left unread). Returns false after a grammar
    /// error (the record is then INVALID).
    mutating func parseKeyList(terminator: UInt8?) -> Bool {
        var count = 0
        // Once per list, not once per key (a global's every read checks its initialisation).
        let keys = RecordKeys.table
        while true {
            skipSpace()
            if atEnd { break }
            if let t = terminator, p[i] == t { break }
            // The key's bytes are packed into its code as they are scanned (one pass).
            let keyStart = i
            var code = KeyCode()
            while i < p.count {
                let c = p[i]
                guard isKeyChar(c) else { break }
                code.add(c, at: i - keyStart)
                i += 1
            }
            let keyEnd = i
            if keyEnd == keyStart || atEnd || p[i] != UInt8(ascii: "=") {
                // Text that is not a key: upstream's "rest of message" makes the record INVALID.
                i = keyStart
                record._info = restOfLine()
                record.event = .invalid
                count += 1
                continue
            }
            i += 1
            code.count = keyEnd - keyStart
            if code.count <= 16, let spec = keys[code] {
                guard readValue(spec) else {
                    fail()
                    return false
                }
            } else {
                guard let value = readAnyValue() else {
                    fail()
                    return false
                }
                record.extras.append(ExtraField(key: bytes(keyStart, keyEnd), value: value == 0 ? [] : Array(record.slice(value))))
            }
            count += 1
        }
        if count == 0 {
            fail()
            return false
        }
        return true
    }

    /// True when the value just read is properly ended (space, end, or a closing quote).
    @inline(__always) func valueEnds() -> Bool {
        atEnd || isSpace(p[i]) || p[i] == UInt8(ascii: "'")
    }

    mutating func readQuoted() -> FieldSpan? {
        guard !atEnd, p[i] == UInt8(ascii: "\"") else { return nil }
        i += 1
        let start = i
        // The first quote ends the value unless a backslash comes before it: two searches.
        guard let close = find(UInt8(ascii: "\""), from: start, to: p.count) else {
            // No closing quote: the value never ends.
            i = p.count
            return nil
        }
        guard let slash = find(UInt8(ascii: "\\"), from: start, to: close) else {
            i = close + 1
            return makeSpan(start, close)
        }
        // An escape keeps the next byte as it is (one follows: the quote at `close`, at least);
        // the rest is collected byte by byte.
        var acc = bytes(start, slash)
        acc.append(p[slash + 1])
        i = slash + 2
        return readQuotedTail(acc)
    }

    private mutating func readQuotedTail(_ prefix: LogBytes) -> FieldSpan? {
        var acc = prefix
        while i < p.count {
            let c = p[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                return record.store(acc)
            }
            if c == UInt8(ascii: "\\") && i + 1 < p.count {
                acc.append(p[i + 1])
                i += 2
                continue
            }
            acc.append(c)
            i += 1
        }
        return nil
    }

    /// An upper-case hex string of whole bytes, decoded.
    mutating func readHex() -> FieldSpan? {
        let start = i
        while i < p.count && hexValue(p[i]) != nil { i += 1 }
        let n = i - start
        guard n > 0, n % 2 == 0, valueEnds() else {
            i = start
            return nil
        }
        let first = record.storage.count
        record.storage.reserveCapacity(first + n / 2)
        var k = start
        while k < i {
            record.storage.append(hexValue(p[k])! << 4 | hexValue(p[k + 1])!)
            k += 2
        }
        return makeSpan(first, record.storage.count)
    }

    mutating func readBare() -> FieldSpan? {
        let start = i
        while i < p.count && !isSpace(p[i]) && p[i] != UInt8(ascii: "'") { i += 1 }
        return i > start ? makeSpan(start, i) : nil
    }

    mutating func readSafe() -> FieldSpan? {
        if !atEnd && p[i] == UInt8(ascii: "\"") { return readQuoted() }
        return readHex()
    }

    mutating func readNumber() -> Int? {
        guard let d = readDigits(), valueEnds() else { return nil }
        return d.value
    }

    /// A value of a key this parser does not know: quoted, single-quoted or a bare word.
    /// 0 stands for an empty value.
    mutating func readAnyValue() -> FieldSpan? {
        if atEnd { return 0 }
        if p[i] == UInt8(ascii: "\"") { return readQuoted() }
        if p[i] == UInt8(ascii: "'") {
            i += 1
            let start = i
            while i < p.count && p[i] != UInt8(ascii: "'") { i += 1 }
            guard i < p.count else { return nil }
            defer { i += 1 }
            return makeSpan(start, i)
        }
        return readBare() ?? 0
    }

    mutating func readValue(_ spec: KeySpec) -> Bool {
        switch spec.kind {
        case .quoted:
            guard let v = readQuoted() else { return false }
            set(spec.field, v)
        case .safe:
            guard let v = readSafe() else { return false }
            set(spec.field, v)
        case .digits:
            let start = i
            guard let n = readNumber() else { return false }
            set(spec.field, n)
            if spec.field == .pid { record._pidDigits = makeSpan(start, i) }
        case .errorCode:
            if !atEnd && p[i] == UInt8(ascii: "-") { i += 1 }
            guard let n = readNumber() else { return false }
            record.errorCode = n
        case .proto:
            if !atEnd && p[i] == UInt8(ascii: "\"") {
                guard let v = readQuoted() else { return false }
                record._proto = v
            } else {
                guard let n = readNumber() else { return false }
                record.proto = Array(RecordKeys.protocolName(n).utf8)
            }
        case .address:
            let v = (!atEnd && p[i] == UInt8(ascii: "\"")) ? readQuoted() : readBare()
            guard let v else { return false }
            set(spec.field, v)
        case .identifier:
            let v = (!atEnd && p[i] == UInt8(ascii: "\"")) ? readQuoted() : readBare()
            guard let v else { return false }
            set(spec.field, v)
        case .apparmor:
            let start = i + 1
            guard readQuoted() != nil else { return false }
            let end = i - 1
            if range(start, end, is: "DENIED") { record.event = .denied }
            else if range(start, end, is: "ALLOWED") { record.event = .allowed }
            else if range(start, end, is: "AUDIT") { record.event = .audit }
            else if range(start, end, is: "HINT") { record.event = .hint }
            else if range(start, end, is: "STATUS") { record.event = .status }
            else if range(start, end, is: "ERROR") { record.event = .error }
            else { return false }
        case .auditType:
            guard let n = readNumber() else { return false }
            record.auditType = n
            record.event = AuditEventType.fromAuditType(n)
        case .optionalSafe:
            if consume("?") { return valueEnds() }
            return readSafe() != nil
        case .unixAddress:
            if consume("?") || consume("none") { return valueEnds() }
            guard let v = readQuoted() ?? readHex() else { return false }
            set(spec.field, v)
        case .userMessage:
            // msg='key=value ...' of a user-space (D-Bus) record: the keys before it describe the
            // daemon that logged the message, so its pid gives way to the inner one.
            guard consume("'") else { return false }
            record.pid = 0
            guard parseKeyList(terminator: UInt8(ascii: "'")) else { return false }
            // A record cut after its last key (the closing quote on a line that never came)
            // is still complete, as upstream's grammar has it.
            guard consume("'") || atEnd else { return false }
        }
        return true
    }

    mutating func set(_ field: RecordField, _ v: FieldSpan) {
        switch field {
        case .operation: record._operation = v
        case .name: record._name = v
        case .name2: record._name2 = v
        case .namespace: record._namespace = v
        case .profile: record._profile = v
        case .peerProfile: record._peerProfile = v
        case .comm: record._comm = v
        case .deniedMask: record._deniedMask = v
        case .requestedMask: record._requestedMask = v
        case .attribute: record._attribute = v
        case .info: record._info = v
        case .peerInfo: record._peerInfo = v
        case .peer: record._peer = v
        case .family: record._family = v
        case .sockType: record._sockType = v
        case .proto: record._proto = v
        case .localAddr: record._localAddr = v
        case .foreignAddr: record._foreignAddr = v
        case .dbusBus: record._dbusBus = v
        case .dbusPath: record._dbusPath = v
        case .dbusInterface: record._dbusInterface = v
        case .dbusMember: record._dbusMember = v
        case .signal: record._signal = v
        case .fsType: record._fsType = v
        case .flags: record._flags = v
        case .srcName: record._srcName = v
        case .recordClass: record._recordClass = v
        case .execpath: record._execpath = v
        case .netAddr: record._netAddr = v
        case .peerAddr: record._peerAddr = v
        default: break
        }
    }

    mutating func set(_ field: RecordField, _ n: Int) {
        switch field {
        case .task: record.task = n
        case .parent: record.parent = n
        case .magicToken: record.magicToken = n
        case .pid: record.pid = n
        case .peerPid: record.peerPid = n
        case .fsuid: record.fsuid = n
        case .ouid: record.ouid = n
        case .localPort: record.localPort = n
        case .foreignPort: record.foreignPort = n
        default: break
        }
    }
}
