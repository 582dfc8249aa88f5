// The prefixes put before a record by syslog daemons and by the kernel's ring buffer.

enum DmesgStamp {
    /// `[ 1612.746129]`: digits and spaces, a period, digits.
    static func skip(_ s: inout RecordScanner) -> Bool {
        let start = s.i
        guard s.consume("[") else { return false }
        var sawDigit = false
        while !s.atEnd, isDigit(s.p[s.i]) || s.p[s.i] == 0x20 {
            if isDigit(s.p[s.i]) { sawDigit = true }
            s.i += 1
        }
        if s.consume(".") {
            while !s.atEnd, isDigit(s.p[s.i]) { s.i += 1 }
        }
        guard sawDigit, s.consume("]") else {
            s.i = start
            return false
        }
        return true
    }
}

enum SyslogHeader {
    static let months: [StaticString] = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September",
        "October", "November", "December",
        "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]

    /// Reads a syslog date, host and tag, then the record after them. Returns false (having read
    /// nothing) when the line does not start with a syslog date.
    static func skip(_ s: inout RecordScanner) -> Bool {
        let start = s.i
        guard skipDate(&s) else {
            s.i = start
            return false
        }
        s.skipSpace()
        _ = skipHostAndTag(&s)
        return true
    }

    /// Reads `host tag:` (or socklog's `kern.notice:`) and the record after it. Returns false,
    /// having read nothing, when no tag ending in ':' follows.
    static func skipHostAndTag(_ s: inout RecordScanner) -> Bool {
        let begin = s.i
        // socklog writes the facility instead of a host: `kern.notice: ...`
        let tagStart = s.i
        while !s.atEnd, !isSpace(s.p[s.i]) { s.i += 1 }
        var userTag = false
        if !(s.starts(with: "kern.", at: tagStart) && s.p[s.i - 1] == UInt8(ascii: ":")) {
            // That was the host name; the tag follows.
            s.skipSpace()
            let t2 = s.i
            while !s.atEnd, !isSpace(s.p[s.i]) { s.i += 1 }
            guard s.i - t2 > 1, s.p[s.i - 1] == UInt8(ascii: ":") else {
                s.i = begin
                s.fail()
                return false
            }
            userTag = !s.range(t2, s.i, is: "kernel:")
        }
        s.parseKernelTail(allowBareKeys: userTag)
        return true
    }

    /// `Jul 24 12:25:33`, `Jan  1 15:09:04.562575+08:00`, `2013-01-01T15:09:04-08:00`, ...
    static func skipDate(_ s: inout RecordScanner) -> Bool {
        if !s.atEnd, isDigit(s.p[s.i]) {
            guard let y = s.readDigits() else { return false }
            // journalctl's short-unix: seconds since the epoch with a fraction.
            if y.end - y.start >= 9, s.consume(".") {
                guard s.readDigits() != nil else { return false }
                return !s.atEnd && s.p[s.i] == 0x20
            }
            guard y.end - y.start == 4, s.consume("-"),
                  s.readDigits() != nil, s.consume("-"), s.readDigits() != nil else { return false }
            guard s.consume("T") || s.consume(" ") else { return false }
            return skipTime(&s)
        }
        guard months.contains(where: { s.consume($0) }) else { return false }
        guard !s.atEnd, s.p[s.i] == 0x20 else { return false }
        s.skipSpace()
        guard s.readDigits() != nil else { return false }
        s.skipSpace()
        return skipTime(&s)
    }

    static func skipTime(_ s: inout RecordScanner) -> Bool {
        guard s.readDigits() != nil, s.consume(":"), s.readDigits() != nil, s.consume(":"),
              s.readDigits() != nil else { return false }
        if s.consume(".") || s.consume(",") { _ = s.readDigits() }
        if s.consume("Z") { return true }
        if s.consume("+") || s.consume("-") {
            guard s.readDigits() != nil else { return false }
            if s.consume(":") { _ = s.readDigits() }
        }
        return !s.atEnd && s.p[s.i] == 0x20
    }
}
