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
    public var event: AuditEventType = .invalid
    public var auditID: LogBytes?
    public var epoch: Int = 0
    public var auditSubID: Int = 0
    public var operation: LogBytes?
    public var requestedMask: LogBytes?
    public var deniedMask: LogBytes?
    public var fsuid: Int = -1
    public var ouid: Int = -1
    public var profile: LogBytes?
    public var peerProfile: LogBytes?
    public var peer: LogBytes?
    public var name: LogBytes?
    public var comm: LogBytes?
    public var name2: LogBytes?
    public var namespace: LogBytes?
    public var attribute: LogBytes?
    public var task: Int = 0
    public var parent: Int = 0
    public var magicToken: Int = 0
    public var info: LogBytes?
    public var peerInfo: LogBytes?
    public var errorCode: Int = 0
    public var pid: Int = 0
    public var peerPid: Int = 0
    public var activeHat: LogBytes?
    public var netAddr: LogBytes?
    public var peerAddr: LogBytes?
    public var family: LogBytes?
    public var sockType: LogBytes?
    public var proto: LogBytes?
    public var localAddr: LogBytes?
    public var foreignAddr: LogBytes?
    public var localPort: Int = 0
    public var foreignPort: Int = 0
    public var dbusBus: LogBytes?
    public var dbusPath: LogBytes?
    public var dbusInterface: LogBytes?
    public var dbusMember: LogBytes?
    public var signal: LogBytes?
    public var fsType: LogBytes?
    public var flags: LogBytes?
    public var srcName: LogBytes?
    public var execpath: LogBytes?
    public var recordClass: LogBytes?
    /// Keys this parser does not map to a field, in log order.
    public var extras: [ExtraField] = []
    /// The numeric audit type when the line gave one (1400, 1107, 1502, ...).
    public var auditType: Int = 0

    public init() {}

    /// A field as text (invalid UTF-8 replaced); for display and comparisons with literals.
    public static func text(_ bytes: LogBytes?) -> String? {
        bytes.map { String(decoding: $0, as: UTF8.self) }
    }
}
