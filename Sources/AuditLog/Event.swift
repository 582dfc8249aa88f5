// The event model: what a record asks for, one case per rule kind. This is the public input of
// rule synthesis (here and in the logprof engine).

import AppArmorPolicy

/// Hashing a byte string: its bytes in one call, then its length. Array's own `hash(into:)`
/// adds the bytes one at a time, which made hashing a tenth of logprof's time on a busy log
/// (file requests are looked up by path in every record and every question).
extension Hasher {
    @inlinable
    public mutating func combine(logBytes b: LogBytes) {
        b.withUnsafeBytes { combine(bytes: $0) }
        combine(b.count)
    }

    /// An absent byte string hashes as a length no string has.
    @inlinable
    public mutating func combine(logBytes b: LogBytes?) {
        if let b { combine(logBytes: b) } else { combine(-1) }
    }
}

public struct FileAccess: Sendable, Hashable {
    public var path: LogBytes
    /// What was asked (never `x`: an exec is an event of its own).
    public var permissions: PermissionSet
    public var owner: Bool
    /// The link or rename target, when the record names one (not written into the rule).
    public var target: LogBytes?

    public init(path: LogBytes, permissions: PermissionSet, owner: Bool, target: LogBytes? = nil) {
        self.path = path
        self.permissions = permissions
        self.owner = owner
        self.target = target
    }

    /// Every field, the byte strings in bulk (`Hasher.combine(logBytes:)`).
    public func hash(into h: inout Hasher) {
        h.combine(logBytes: path)
        h.combine(permissions)
        h.combine(owner)
        if let target { h.combine(logBytes: target) } else { h.combine(-1) }
    }
}

public struct NetworkAccess: Sendable, Hashable {
    public var access: [String]
    public var family: LogBytes?
    public var sockType: LogBytes?
    public var localAddr: LogBytes?
    public var localPort: Int
    public var peerAddr: LogBytes?
    public var peerPort: Int

    public init(access: [String], family: LogBytes? = nil, sockType: LogBytes? = nil, localAddr: LogBytes? = nil, localPort: Int, peerAddr: LogBytes? = nil, peerPort: Int) {
        self.access = access
        self.family = family
        self.sockType = sockType
        self.localAddr = localAddr
        self.localPort = localPort
        self.peerAddr = peerAddr
        self.peerPort = peerPort
    }

    /// Every field, the byte strings in bulk (`Hasher.combine(logBytes:)`).
    public func hash(into h: inout Hasher) {
        h.combine(access)
        h.combine(logBytes: family)
        h.combine(logBytes: sockType)
        h.combine(logBytes: localAddr)
        h.combine(localPort)
        h.combine(logBytes: peerAddr)
        h.combine(peerPort)
    }
}

public struct UnixAccess: Sendable, Hashable {
    public var access: [String]
    public var sockType: LogBytes?
    public var addr: LogBytes?
    public var peerAddr: LogBytes?
    public var peerLabel: LogBytes?

    public init(access: [String], sockType: LogBytes? = nil, addr: LogBytes? = nil, peerAddr: LogBytes? = nil, peerLabel: LogBytes? = nil) {
        self.access = access
        self.sockType = sockType
        self.addr = addr
        self.peerAddr = peerAddr
        self.peerLabel = peerLabel
    }

    /// Every field, the byte strings in bulk (`Hasher.combine(logBytes:)`).
    public func hash(into h: inout Hasher) {
        h.combine(access)
        h.combine(logBytes: sockType)
        h.combine(logBytes: addr)
        h.combine(logBytes: peerAddr)
        h.combine(logBytes: peerLabel)
    }
}

public struct DBusAccess: Sendable, Hashable {
    public var access: [String]
    public var bus: LogBytes?
    public var path: LogBytes?
    public var name: LogBytes?
    public var interface: LogBytes?
    public var member: LogBytes?
    public var peerLabel: LogBytes?

    public init(access: [String], bus: LogBytes? = nil, path: LogBytes? = nil, name: LogBytes? = nil, interface: LogBytes? = nil, member: LogBytes? = nil, peerLabel: LogBytes? = nil) {
        self.access = access
        self.bus = bus
        self.path = path
        self.name = name
        self.interface = interface
        self.member = member
        self.peerLabel = peerLabel
    }

    /// Every field, the byte strings in bulk (`Hasher.combine(logBytes:)`).
    public func hash(into h: inout Hasher) {
        h.combine(access)
        h.combine(logBytes: bus)
        h.combine(logBytes: path)
        h.combine(logBytes: name)
        h.combine(logBytes: interface)
        h.combine(logBytes: member)
        h.combine(logBytes: peerLabel)
    }
}

public struct MountAccess: Sendable, Hashable {
    public enum Operation: String, Sendable, Hashable { case mount, remount, umount }
    public var operation: Operation
    public var fsType: LogBytes?
    public var options: [String]
    public var source: LogBytes?
    public var mountPoint: LogBytes?

    public init(operation: Operation, fsType: LogBytes? = nil, options: [String], source: LogBytes? = nil, mountPoint: LogBytes? = nil) {
        self.operation = operation
        self.fsType = fsType
        self.options = options
        self.source = source
        self.mountPoint = mountPoint
    }

    /// Every field, the byte strings in bulk (`Hasher.combine(logBytes:)`).
    public func hash(into h: inout Hasher) {
        h.combine(operation)
        h.combine(logBytes: fsType)
        h.combine(options)
        h.combine(logBytes: source)
        h.combine(logBytes: mountPoint)
    }
}

public enum EventKind: Sendable, Hashable {
    case file(FileAccess)
    case exec(path: LogBytes, target: LogBytes?)
    case capability(String)
    case network(NetworkAccess)
    case unix(UnixAccess)
    case dbus(DBusAccess)
    case signal(access: [String], signals: [String], peer: LogBytes?)
    case ptrace(access: [String], peer: LogBytes)
    case mount(MountAccess)
    case pivotRoot(oldRoot: LogBytes?, newRoot: LogBytes?)
    case changeProfile(target: LogBytes)
    case changeHat(hat: LogBytes)
    case userns(access: [String])
    case mqueue(access: [String], type: String, name: LogBytes?)
    case ioUring(access: [String], label: LogBytes?)

    /// The case, then its fields, the byte strings in bulk (`Hasher.combine(logBytes:)`).
    public func hash(into h: inout Hasher) {
        switch self {
        case .file(let f): h.combine(0); h.combine(f)
        case .exec(let path, let target): h.combine(1); h.combine(logBytes: path); h.combine(logBytes: target)
        case .capability(let c): h.combine(2); h.combine(c)
        case .network(let n): h.combine(3); h.combine(n)
        case .unix(let u): h.combine(4); h.combine(u)
        case .dbus(let d): h.combine(5); h.combine(d)
        case .signal(let access, let signals, let peer): h.combine(6); h.combine(access); h.combine(signals); h.combine(logBytes: peer)
        case .ptrace(let access, let peer): h.combine(7); h.combine(access); h.combine(logBytes: peer)
        case .mount(let m): h.combine(8); h.combine(m)
        case .pivotRoot(let old, let new): h.combine(9); h.combine(logBytes: old); h.combine(logBytes: new)
        case .changeProfile(let target): h.combine(10); h.combine(logBytes: target)
        case .changeHat(let hat): h.combine(11); h.combine(logBytes: hat)
        case .userns(let access): h.combine(12); h.combine(access)
        case .mqueue(let access, let type, let name): h.combine(13); h.combine(access); h.combine(type); h.combine(logBytes: name)
        case .ioUring(let access, let label): h.combine(14); h.combine(access); h.combine(logBytes: label)
        }
    }
}

/// One request from the log, attributed to a profile (`a//b` for hats and children).
public struct Event: Sendable, Hashable {
    public var mode: AuditEventType
    public var profile: LogBytes
    public var kind: EventKind
    /// Rules proposed for this event carry the `audit` qualifier.
    public var audit: Bool = false

    public init(mode: AuditEventType, profile: LogBytes, kind: EventKind, audit: Bool = false) {
        self.mode = mode
        self.profile = profile
        self.kind = kind
        self.audit = audit
    }

    /// Every field, the profile in bulk (`Hasher.combine(logBytes:)`).
    public func hash(into h: inout Hasher) {
        h.combine(mode)
        h.combine(logBytes: profile)
        h.combine(kind)
        h.combine(audit)
    }
}

/// What a record contributes to profile synthesis: the profile it concerns (which appears in
/// the output even when no rule follows) and its events.
public struct RecordEvents: Sendable {
    public var profile: LogBytes?
    public var mode: AuditEventType
    public var events: [Event]

    public init(profile: LogBytes? = nil, mode: AuditEventType, events: [Event]) {
        self.profile = profile
        self.mode = mode
        self.events = events
    }
}

/// A profile name split at its first `//`: the top-level profile and the hat or child inside it.
public func splitProfileName(_ name: LogBytes) -> (profile: LogBytes, hat: LogBytes?) {
    var k = 0
    while k + 1 < name.count {
        if name[k] == 0x2F && name[k + 1] == 0x2F {
            return (Array(name[..<k]), Array(name[(k + 2)...]))
        }
        k += 1
    }
    return (name, nil)
}

/// The words of a mask such as `send receive`, sorted.
func maskWords(_ m: LogBytes?) -> [String] {
    guard let m, !m.isEmpty else { return [] }
    // Most masks are one word.
    if !m.contains(where: { $0 == 0x20 || $0 == 0x2C }) { return [String(decoding: m, as: UTF8.self)] }
    return Set(String(decoding: m, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "," })
        .map(String.init)).sorted()
}
