// The decoded form of one AppArmor audit record: the fields libapparmor's aa_log_record has,
// plus the keys it does not know (kept, never dropped).

/// Raw bytes of a value from a log: names may hold any byte, including invalid UTF-8.
public typealias LogBytes = [UInt8]

/// What kind of event a record reports (libapparmor's `aa_record_event_type`, same order).
public enum AuditEventType: Int, Sendable, CaseIterable, Codable {
    case invalid = 0, error, audit, allowed, denied, hint, status

    /// The name test_multi prints, e.g. `AA_RECORD_DENIED`.
    public var recordName: String {
        switch self {
        case .invalid: return "AA_RECORD_INVALID"
        case .error: return "AA_RECORD_ERROR"
        case .audit: return "AA_RECORD_AUDIT"
        case .allowed: return "AA_RECORD_ALLOWED"
        case .denied: return "AA_RECORD_DENIED"
        case .hint: return "AA_RECORD_HINT"
        case .status: return "AA_RECORD_STATUS"
        }
    }

    /// The short name used by `apparmor="..."` and by our summaries.
    public var keyword: String {
        switch self {
        case .invalid: return "INVALID"
        case .error: return "ERROR"
        case .audit: return "AUDIT"
        case .allowed: return "ALLOWED"
        case .denied: return "DENIED"
        case .hint: return "HINT"
        case .status: return "STATUS"
        }
    }

    /// The event for a numeric audit type of the 1500 series (1501-1506), else `.invalid`.
    public static func fromAuditType(_ type: Int) -> AuditEventType {
        switch type {
        case 1501: return .audit
        case 1502: return .allowed
        case 1503: return .denied
        case 1504: return .hint
        case 1505: return .status
        case 1506: return .error
        default: return .invalid
        }
    }
}

/// A `key=value` pair the parser does not map to a field.
public struct ExtraField: Sendable, Equatable {
    public var key: LogBytes
    public var value: LogBytes
    public init(key: LogBytes, value: LogBytes) {
        self.key = key
        self.value = value
    }
}

/// One parsed audit record. Numbers use libapparmor's unset values: -1 for fsuid and ouid, 0 for
/// the rest; strings are nil when absent.
public struct AuditRecord: Sendable, Equatable {
    /// The record's line, and after it any decoded values (hex strings, escapes): string fields
    /// are spans into it, so a parse allocates once instead of once per field.
    var storage: [UInt8] = []
    /// How much of `storage` is the line itself (decoded values follow it).
    var lineLength = 0
    /// Where the digits of the `pid` key's value lie in the line (0: none read).
    var _pidDigits: FieldSpan = 0
    var _auditID: FieldSpan = 0
    var _operation: FieldSpan = 0
    var _requestedMask: FieldSpan = 0
    var _deniedMask: FieldSpan = 0
    var _profile: FieldSpan = 0
    var _peerProfile: FieldSpan = 0
    var _peer: FieldSpan = 0
    var _name: FieldSpan = 0
    var _comm: FieldSpan = 0
    var _name2: FieldSpan = 0
    var _namespace: FieldSpan = 0
    var _attribute: FieldSpan = 0
    var _info: FieldSpan = 0
    var _peerInfo: FieldSpan = 0
    var _activeHat: FieldSpan = 0
    var _netAddr: FieldSpan = 0
    var _peerAddr: FieldSpan = 0
    var _family: FieldSpan = 0
    var _sockType: FieldSpan = 0
    var _proto: FieldSpan = 0
    var _localAddr: FieldSpan = 0
    var _foreignAddr: FieldSpan = 0
    var _dbusBus: FieldSpan = 0
    var _dbusPath: FieldSpan = 0
    var _dbusInterface: FieldSpan = 0
    var _dbusMember: FieldSpan = 0
    var _signal: FieldSpan = 0
    var _fsType: FieldSpan = 0
    var _flags: FieldSpan = 0
    var _srcName: FieldSpan = 0
    var _execpath: FieldSpan = 0
    var _recordClass: FieldSpan = 0
    public var event: AuditEventType = .invalid
    public var auditID: LogBytes? {
        get { bytes(_auditID) }
        set { _auditID = store(newValue) }
    }
    public var epoch: Int = 0
    public var auditSubID: Int = 0
    public var operation: LogBytes? {
        get { bytes(_operation) }
        set { _operation = store(newValue) }
    }
    public var requestedMask: LogBytes? {
        get { bytes(_requestedMask) }
        set { _requestedMask = store(newValue) }
    }
    public var deniedMask: LogBytes? {
        get { bytes(_deniedMask) }
        set { _deniedMask = store(newValue) }
    }
    public var fsuid: Int = -1
    public var ouid: Int = -1
    public var profile: LogBytes? {
        get { bytes(_profile) }
        set { _profile = store(newValue) }
    }
    public var peerProfile: LogBytes? {
        get { bytes(_peerProfile) }
        set { _peerProfile = store(newValue) }
    }
    public var peer: LogBytes? {
        get { bytes(_peer) }
        set { _peer = store(newValue) }
    }
    public var name: LogBytes? {
        get { bytes(_name) }
        set { _name = store(newValue) }
    }
    public var comm: LogBytes? {
        get { bytes(_comm) }
        set { _comm = store(newValue) }
    }
    public var name2: LogBytes? {
        get { bytes(_name2) }
        set { _name2 = store(newValue) }
    }
    public var namespace: LogBytes? {
        get { bytes(_namespace) }
        set { _namespace = store(newValue) }
    }
    public var attribute: LogBytes? {
        get { bytes(_attribute) }
        set { _attribute = store(newValue) }
    }
    public var task: Int = 0
    public var parent: Int = 0
    public var magicToken: Int = 0
    public var info: LogBytes? {
        get { bytes(_info) }
        set { _info = store(newValue) }
    }
    public var peerInfo: LogBytes? {
        get { bytes(_peerInfo) }
        set { _peerInfo = store(newValue) }
    }
    public var errorCode: Int = 0
    public var pid: Int = 0
    public var peerPid: Int = 0
    public var activeHat: LogBytes? {
        get { bytes(_activeHat) }
        set { _activeHat = store(newValue) }
    }
    public var netAddr: LogBytes? {
        get { bytes(_netAddr) }
        set { _netAddr = store(newValue) }
    }
    public var peerAddr: LogBytes? {
        get { bytes(_peerAddr) }
        set { _peerAddr = store(newValue) }
    }
    public var family: LogBytes? {
        get { bytes(_family) }
        set { _family = store(newValue) }
    }
    public var sockType: LogBytes? {
        get { bytes(_sockType) }
        set { _sockType = store(newValue) }
    }
    public var proto: LogBytes? {
        get { bytes(_proto) }
        set { _proto = store(newValue) }
    }
    public var localAddr: LogBytes? {
        get { bytes(_localAddr) }
        set { _localAddr = store(newValue) }
    }
    public var foreignAddr: LogBytes? {
        get { bytes(_foreignAddr) }
        set { _foreignAddr = store(newValue) }
    }
    public var localPort: Int = 0
    public var foreignPort: Int = 0
    public var dbusBus: LogBytes? {
        get { bytes(_dbusBus) }
        set { _dbusBus = store(newValue) }
    }
    public var dbusPath: LogBytes? {
        get { bytes(_dbusPath) }
        set { _dbusPath = store(newValue) }
    }
    public var dbusInterface: LogBytes? {
        get { bytes(_dbusInterface) }
        set { _dbusInterface = store(newValue) }
    }
    public var dbusMember: LogBytes? {
        get { bytes(_dbusMember) }
        set { _dbusMember = store(newValue) }
    }
    public var signal: LogBytes? {
        get { bytes(_signal) }
        set { _signal = store(newValue) }
    }
    public var fsType: LogBytes? {
        get { bytes(_fsType) }
        set { _fsType = store(newValue) }
    }
    public var flags: LogBytes? {
        get { bytes(_flags) }
        set { _flags = store(newValue) }
    }
    public var srcName: LogBytes? {
        get { bytes(_srcName) }
        set { _srcName = store(newValue) }
    }
    public var execpath: LogBytes? {
        get { bytes(_execpath) }
        set { _execpath = store(newValue) }
    }
    public var recordClass: LogBytes? {
        get { bytes(_recordClass) }
        set { _recordClass = store(newValue) }
    }
    /// Keys this parser does not map to a field, in log order.
    public var extras: [ExtraField] = []
    /// The numeric audit type when the line gave one (1400, 1107, 1502, ...).
    public var auditType: Int = 0

    public init() {}

    init(line: UnsafeBufferPointer<UInt8>) {
        storage = Array(line)
        lineLength = line.count
    }

    /// The record's line without what varies between repeats of one request: the audit stamp
    /// (`1279948288.415:39`) and the `pid` value, each where the parser read it, with the
    /// offset it was cut at (in what remains) after the text. Two records with the same key
    /// differ only inside those two fields, read as those fields at the same place, so
    /// everything else was parsed alike: they ask for the same things. Written into `key`.
    public func repeatKey(into key: inout [UInt8]) {
        key.removeAll(keepingCapacity: true)
        // The two cuts in line order; one that is absent, past the line or overlapping the
        // other is not made.
        var first = Self.range(_auditID, within: lineLength), second = Self.range(_pidDigits, within: lineLength)
        if let a = first, let b = second, b.lowerBound < a.lowerBound { (first, second) = (b, a) }
        if let a = first, let b = second, b.lowerBound < a.upperBound { second = nil }
        if first == nil { (first, second) = (second, nil) }
        var from = 0
        var offsets: (UInt64, UInt64) = (0, 0)
        storage.withUnsafeBufferPointer { line in
            if let a = first {
                key.append(contentsOf: UnsafeBufferPointer(rebasing: line[from..<a.lowerBound]))
                offsets.0 = UInt64(key.count) + 1
                from = a.upperBound
            }
            if let b = second {
                key.append(contentsOf: UnsafeBufferPointer(rebasing: line[from..<b.lowerBound]))
                offsets.1 = UInt64(key.count) + 1
                from = b.upperBound
            }
            key.append(contentsOf: UnsafeBufferPointer(rebasing: line[from..<lineLength]))
        }
        // Which cuts were made, and where: a line cut nowhere never matches one cut somewhere.
        withUnsafeBytes(of: &offsets) { key.append(contentsOf: $0) }
    }

    private static func range(_ span: FieldSpan, within length: Int) -> Range<Int>? {
        guard span != 0 else { return nil }
        let r = spanRange(span)
        return r.upperBound <= length ? r : nil
    }

    @inline(__always) func bytes(_ span: FieldSpan) -> LogBytes? {
        span == 0 ? nil : Array(slice(span))
    }

    @inline(__always) func slice(_ span: FieldSpan) -> ArraySlice<UInt8> {
        storage[spanRange(span)]
    }

    mutating func store(_ value: LogBytes?) -> FieldSpan {
        guard let value else { return 0 }
        let start = storage.count
        storage.append(contentsOf: value)
        return makeSpan(start, storage.count)
    }

    /// The profile without copying it out (nil when absent).
    var profileSlice: ArraySlice<UInt8>? { _profile == 0 ? nil : slice(_profile) }
    var operationSlice: ArraySlice<UInt8>? { _operation == 0 ? nil : slice(_operation) }

    public static func == (a: AuditRecord, b: AuditRecord) -> Bool {
        guard a.event == b.event else { return false }
        guard a.epoch == b.epoch else { return false }
        guard a.auditSubID == b.auditSubID else { return false }
        guard a.fsuid == b.fsuid else { return false }
        guard a.ouid == b.ouid else { return false }
        guard a.task == b.task else { return false }
        guard a.parent == b.parent else { return false }
        guard a.magicToken == b.magicToken else { return false }
        guard a.errorCode == b.errorCode else { return false }
        guard a.pid == b.pid else { return false }
        guard a.peerPid == b.peerPid else { return false }
        guard a.localPort == b.localPort else { return false }
        guard a.foreignPort == b.foreignPort else { return false }
        guard a.auditType == b.auditType else { return false }
        guard a.extras == b.extras else { return false }
        guard a.auditID == b.auditID else { return false }
        guard a.operation == b.operation else { return false }
        guard a.requestedMask == b.requestedMask else { return false }
        guard a.deniedMask == b.deniedMask else { return false }
        guard a.profile == b.profile else { return false }
        guard a.peerProfile == b.peerProfile else { return false }
        guard a.peer == b.peer else { return false }
        guard a.name == b.name else { return false }
        guard a.comm == b.comm else { return false }
        guard a.name2 == b.name2 else { return false }
        guard a.namespace == b.namespace else { return false }
        guard a.attribute == b.attribute else { return false }
        guard a.info == b.info else { return false }
        guard a.peerInfo == b.peerInfo else { return false }
        guard a.activeHat == b.activeHat else { return false }
        guard a.netAddr == b.netAddr else { return false }
        guard a.peerAddr == b.peerAddr else { return false }
        guard a.family == b.family else { return false }
        guard a.sockType == b.sockType else { return false }
        guard a.proto == b.proto else { return false }
        guard a.localAddr == b.localAddr else { return false }
        guard a.foreignAddr == b.foreignAddr else { return false }
        guard a.dbusBus == b.dbusBus else { return false }
        guard a.dbusPath == b.dbusPath else { return false }
        guard a.dbusInterface == b.dbusInterface else { return false }
        guard a.dbusMember == b.dbusMember else { return false }
        guard a.signal == b.signal else { return false }
        guard a.fsType == b.fsType else { return false }
        guard a.flags == b.flags else { return false }
        guard a.srcName == b.srcName else { return false }
        guard a.execpath == b.execpath else { return false }
        guard a.recordClass == b.recordClass else { return false }
        return true
    }

    /// A field as text (invalid UTF-8 replaced); for display and comparisons with literals.
    public static func text(_ bytes: LogBytes?) -> String? {
        bytes.map { String(decoding: $0, as: UTF8.self) }
    }
}

/// Where a string field sits in a record's storage: start << 32 | (length + 1); 0 is absent.
typealias FieldSpan = UInt64

/// The bytes of `storage` a (present) span covers.
@inline(__always) func spanRange(_ span: FieldSpan) -> Range<Int> {
    let start = Int(span >> 32)
    return start..<(start + Int(span & 0xFFFF_FFFF) - 1)
}

@inline(__always) func makeSpan(_ start: Int, _ end: Int) -> FieldSpan {
    UInt64(start) << 32 | UInt64(end - start + 1)
}
