// One kernel audit event can be several records that share a stamp `audit(SECS.MS:SERIAL)`:
// the AppArmor record (AVC, or type 1400 on the kernel's log) and, when syscall auditing is on,
// SYSCALL (which program, which call, did it succeed), CWD, PATH (one per name the call used),
// PROCTITLE (the command line) and, on the netlink socket, EOE (end of event). The joiner puts
// them back together: each AppArmor record comes out with what its event's other records say
// about the process, in the order the AppArmor records came in.
//
// auditd's log has no EOE, and records of events that overlap (two processors) can interleave,
// so an event is complete at its EOE, when `window` later events have started, or at `flush()`
// (the end of a file, or a quiet moment of a live source).

/// What the other records of an AppArmor record's event say about the process.
public struct AuditEventContext: Sendable, Equatable {
    /// SYSCALL's `exe`: the program's file.
    public var exe: LogBytes?
    /// SYSCALL's `comm`.
    public var comm: LogBytes?
    /// PROCTITLE's command line, its arguments separated by spaces.
    public var proctitle: LogBytes?
    /// CWD's `cwd`.
    public var cwd: LogBytes?
    /// PATH records' `name`s, in item order.
    public var paths: [LogBytes] = []
    /// SYSCALL's `syscall` number (as the kernel logs it for `arch`), `success` and `exit`.
    public var syscall: Int?
    public var success: Bool?
    public var exit: Int?
    public var pid: Int?
    public var ppid: Int?
    public var uid: Int?
    public var auid: Int?

    public init() {}

    public var isEmpty: Bool { self == AuditEventContext() }
}

/// An AppArmor record with what its event's other records said (empty when there were none).
public struct JoinedRecord: Sendable {
    public var record: AuditRecord
    public var context: AuditEventContext
}

public struct AuditEventJoiner {
    /// Events held open at most; the oldest is completed when one more starts.
    public let window: Int
    private var events: [PendingEvent] = []
    /// AppArmor records held in all; past `maxHeld` (a crafted log repeating one stamp), every
    /// event is completed, so memory stays bounded whatever the input.
    private var held = 0
    static let maxHeld = 4096
    /// PATH names kept per event (the kernel logs a handful).
    static let maxPaths = 32

    private struct PendingEvent {
        var stamp: [UInt8]          // SECS.MS:SERIAL; empty for a record without one
        var records: [AuditRecord] = []
        var context = AuditEventContext()
        var complete = false
    }

    public init(window: Int = 32) {
        self.window = max(1, window)
    }

    /// Whether events are held, waiting for more of their records.
    public var isHolding: Bool { !events.isEmpty }

    /// Reads one line of a log: an AppArmor record is parsed and held with its event; a SYSCALL,
    /// CWD, PATH, PROCTITLE or EOE record joins its event; other lines are ignored. Returns the
    /// records whose events are now complete, in the order their AppArmor records came.
    public mutating func read(line: [UInt8]) -> [JoinedRecord] {
        if AuditEventSource.mayBeAppArmor(line) {
            let r = AuditRecordParser.parse(line)
            return r.event == .invalid ? [] : add(r)
        }
        return add(line: line)
    }

    /// Adds a parsed AppArmor record; returns the records whose events are complete, in order.
    public mutating func add(_ record: AuditRecord) -> [JoinedRecord] {
        guard let stamp = record.auditID, !stamp.isEmpty else {
            events.append(PendingEvent(stamp: [], records: [record], complete: true))
            return ready()
        }
        let k = index(of: stamp) ?? start(stamp)
        events[k].records.append(record)
        held += 1
        if held > Self.maxHeld { return flush() }
        return ready()
    }

    /// Adds any other line of the log: a SYSCALL, CWD, PATH, PROCTITLE or EOE record joins its
    /// event; anything else is ignored. Returns the records whose events are now complete.
    public mutating func add(line: [UInt8]) -> [JoinedRecord] {
        guard let companion = line.withUnsafeBufferPointer({ Companion.read($0) }) else { return [] }
        let k = index(of: companion.stamp) ?? start(companion.stamp)
        companion.merge(into: &events[k].context)
        if companion.kind == .endOfEvent { events[k].complete = true }
        return ready()
    }

    /// Completes every held event (end of input, or a quiet live source).
    public mutating func flush() -> [JoinedRecord] {
        for k in events.indices { events[k].complete = true }
        return ready()
    }

    private func index(of stamp: [UInt8]) -> Int? {
        // Newest first: a record nearly always belongs to one of the last events.
        var k = events.count - 1
        while k >= 0 {
            if events[k].stamp == stamp { return k }
            k -= 1
        }
        return nil
    }

    private mutating func start(_ stamp: [UInt8]) -> Int {
        events.append(PendingEvent(stamp: stamp))
        if events.count > window {
            for k in 0..<(events.count - window) { events[k].complete = true }
        }
        return events.count - 1
    }

    private mutating func ready() -> [JoinedRecord] {
        var out: [JoinedRecord] = []
        var done = 0
        while done < events.count, events[done].complete {
            let e = events[done]
            for r in e.records { out.append(JoinedRecord(record: r, context: e.context)) }
            done += 1
        }
        if done > 0 { events.removeFirst(done) }
        held -= out.count
        return out
    }
}

/// One SYSCALL, CWD, PATH, PROCTITLE or EOE record, as audit.log (`type=SYSCALL msg=audit(...):`)
/// or the kernel's log (`audit: type=1300 audit(...):`) writes it.
struct Companion {
    enum Kind { case syscall, cwd, path, proctitle, endOfEvent }

    static let kinds: [(name: StaticString, number: StaticString, kind: Kind)] = [
        ("type=SYSCALL ", "type=1300 ", .syscall), ("type=CWD ", "type=1307 ", .cwd),
        ("type=PATH ", "type=1302 ", .path), ("type=PROCTITLE ", "type=1327 ", .proctitle),
        ("type=EOE ", "type=1320 ", .endOfEvent),
    ]

    var kind: Kind
    var stamp: [UInt8]
    var fields: [(key: [UInt8], value: [UInt8])]

    static func read(_ b: UnsafeBufferPointer<UInt8>) -> Companion? {
        var found: (Kind, Int)? = nil
        for k in kinds {
            if let at = find(b, k.name) { found = (k.kind, at + k.name.utf8CodeUnitCount); break }
            if let at = find(b, k.number) { found = (k.kind, at + k.number.utf8CodeUnitCount); break }
        }
        guard let (kind, after) = found else { return nil }
        let rest = UnsafeBufferPointer(rebasing: b[after...])
        guard let open = find(rest, "audit(") else { return nil }
        var i = open + 6
        let stampStart = i
        func digits() -> Bool {
            let s = i
            while i < rest.count, isDigit(rest[i]) { i += 1 }
            return i > s
        }
        func byte(_ c: Character) -> Bool {
            guard i < rest.count, rest[i] == c.asciiValue! else { return false }
            i += 1
            return true
        }
        guard digits(), byte("."), digits(), byte(":"), digits(), i < rest.count,
              rest[i] == UInt8(ascii: ")") else { return nil }
        let stamp = Array(rest[stampStart..<i])
        i += 1
        if i < rest.count, rest[i] == UInt8(ascii: ":") { i += 1 }
        return Companion(kind: kind, stamp: stamp, fields: keyValues(UnsafeBufferPointer(rebasing: rest[i...])))
    }

    /// `key=value` pairs: a value is `"quoted"` (the kernel quotes only plain text) or a word.
    static func keyValues(_ b: UnsafeBufferPointer<UInt8>) -> [(key: [UInt8], value: [UInt8])] {
        var out: [(key: [UInt8], value: [UInt8])] = []
        var i = 0
        while i < b.count {
            while i < b.count, isSpace(b[i]) { i += 1 }
            let keyStart = i
            while i < b.count, isKeyChar(b[i]) { i += 1 }
            guard i < b.count, i > keyStart, b[i] == UInt8(ascii: "=") else {
                while i < b.count, !isSpace(b[i]) { i += 1 }
                continue
            }
            let key = Array(b[keyStart..<i])
            i += 1
            var value: [UInt8]
            if i < b.count, b[i] == UInt8(ascii: "\"") {
                let s = i + 1
                i = s
                while i < b.count, b[i] != UInt8(ascii: "\"") { i += 1 }
                value = Array(b[s..<i])
                if i < b.count { i += 1 }
            } else {
                let s = i
                while i < b.count, !isSpace(b[i]) { i += 1 }
                value = Array(b[s..<i])
                // The kernel writes a name with spaces or odd bytes as hex, unquoted.
                if hexEncoded.contains(key), let decoded = HexDecode.decode(String(decoding: value, as: UTF8.self)) {
                    value = decoded
                }
            }
            out.append((key, value))
        }
        return out
    }

    static let hexEncoded: Set<[UInt8]> = Set(["exe", "comm", "cwd", "name", "proctitle"].map { Array($0.utf8) })

    func value(_ key: String) -> [UInt8]? {
        let k = Array(key.utf8)
        return fields.first(where: { $0.key == k })?.value
    }

    func number(_ key: String) -> Int? {
        value(key).flatMap { Int(String(decoding: $0, as: UTF8.self)) }
    }

    func merge(into c: inout AuditEventContext) {
        switch kind {
        case .syscall:
            c.exe = value("exe").flatMap { $0 == Array("(null)".utf8) ? nil : $0 } ?? c.exe
            c.comm = value("comm") ?? c.comm
            c.syscall = number("syscall") ?? c.syscall
            if let s = value("success") { c.success = s == Array("yes".utf8) }
            c.exit = number("exit") ?? c.exit
            c.pid = number("pid") ?? c.pid
            c.ppid = number("ppid") ?? c.ppid
            c.uid = number("uid") ?? c.uid
            c.auid = number("auid") ?? c.auid
        case .cwd:
            c.cwd = value("cwd") ?? c.cwd
        case .path:
            if let n = value("name"), n != Array("(null)".utf8), c.paths.count < AuditEventJoiner.maxPaths { c.paths.append(n) }
        case .proctitle:
            // The arguments are NUL-separated in the hex form.
            c.proctitle = value("proctitle").map { $0.map { $0 == 0 ? UInt8(ascii: " ") : $0 } } ?? c.proctitle
        case .endOfEvent:
            break
        }
    }
}
