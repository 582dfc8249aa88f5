import AppArmorPolicy
// From a record to events: which rule kind a record is about, and the fields that rule needs.
// The dispatch order follows upstream's logparser (exec, namespace, mqueue, io_uring, mount,
// pivot_root, unix, change_profile, file, capability, network, change_hat, ptrace, signal, dbus).

public enum EventExtraction {
    /// Operations that are file or network operations depending on the record's fields.
    static let fileOrNetOperations: Set<String> = [
        "create", "post_create", "bind", "connect", "listen", "accept", "sendmsg", "recvmsg",
        "getsockname", "getpeername", "getsockopt", "setsockopt", "socket_create", "sock_shutdown",
        "open", "truncate", "mkdir", "mknod", "chmod", "chown", "rename_src", "rename_dest", "unlink",
        "rmdir", "symlink", "symlink_create", "link", "sysctl", "getattr", "setattr", "xattr",
    ]

    public static func extract(_ r: AuditRecord) -> RecordEvents {
        var out = RecordEvents(profile: r.profile, mode: r.event, events: [])
        switch r.event {
        case .allowed, .denied, .audit: break
        default:
            out.profile = nil
            return out
        }
        let op = RecordText(r.operation)
        let cls = RecordText(r.recordClass)
        // `info` decides only two error cases: made into text for those alone.
        let info = r.errorCode == 13 || r.errorCode == 1 ? RecordText(r.info) : ""
        if r.errorCode == 13 && info == "Failed name lookup - disconnected path" {
            out.profile = nil
            return out
        }
        // A process leaving `unconfined` for a special user-namespace profile: the rule belongs
        // to the program that did it.
        if cls == "namespace", r.deniedMask == nil, let req = r.requestedMask,
           RecordText(req).hasPrefix("userns_"), let exe = r.execpath {
            out.profile = exe
            let access = maskWords(req).map { String($0.dropFirst(7)) }
            out.events = [Event(mode: r.event, profile: exe, kind: .userns(access: access), audit: true)]
            return out
        }
        guard let profile = r.profile else { return out }
        if let kind = kind(r, op: op, cls: cls, info: info) {
            out.events = [Event(mode: r.event, profile: profile, kind: kind)]
        }
        return out
    }

    static func kind(_ r: AuditRecord, op: String, cls: String, info: String) -> EventKind? {
        if op == "exec" {
            guard let name = r.name else { return nil }
            return .exec(path: name, target: r.name2)
        }
        if cls == "namespace" {
            let words = maskWords(r.deniedMask)
            guard !words.isEmpty, words.allSatisfy({ $0.hasPrefix("userns_") }) else { return nil }
            return .userns(access: words.map { String($0.dropFirst(7)) })
        }
        if cls.hasSuffix("mqueue") {
            let access = maskWords(r.deniedMask ?? r.requestedMask)
            guard !access.isEmpty else { return nil }
            return .mqueue(access: access, type: cls.hasPrefix("posix") ? "posix" : "sysv", name: r.name)
        }
        if cls == "io_uring" {
            let access = maskWords(r.deniedMask ?? r.requestedMask)
            guard !access.isEmpty else { return nil }
            return .ioUring(access: access, label: r.peerProfile)
        }
        if cls == "mount" || op == "mount" || op == "umount" || op == "remount" {
            let options = maskWords(r.flags)
            let operation: MountAccess.Operation = op == "umount" ? .umount : op == "remount" ? .remount : .mount
            return .mount(MountAccess(operation: operation, fsType: r.fsType, options: options,
                                      source: operation == .mount ? r.srcName : nil, mountPoint: r.name))
        }
        if op == "pivotroot" {
            return .pivotRoot(oldRoot: r.srcName, newRoot: r.name)
        }
        if cls == "net" && RecordText(r.family) == "unix" {
            let access = maskWords(r.deniedMask)
            guard !access.isEmpty else { return nil }
            return .unix(UnixAccess(access: access, sockType: r.sockType, addr: r.netAddr,
                                    peerAddr: r.peerAddr, peerLabel: r.peerProfile))
        }
        if op == "change_onexec" || op == "change_profile" {
            guard let target = r.name2, !target.isEmpty else { return nil }
            return .changeProfile(target: target)
        }
        let opType = operationType(r, op: op)
        if cls == "file" || opType == .file {
            return fileKind(r)
        }
        if op == "capable" {
            guard let name = r.name else { return nil }
            return .capability(RecordText(name))
        }
        if opType == .net {
            return .network(NetworkAccess(access: maskWords(r.requestedMask), family: r.family,
                                          sockType: r.sockType, localAddr: r.localAddr, localPort: r.localPort,
                                          peerAddr: r.foreignAddr, peerPort: r.foreignPort))
        }
        if op == "change_hat" {
            if r.errorCode == 1 && info == "unconfined can not change_hat" { return nil }
            guard let target = r.name2 else { return nil }
            return .changeHat(hat: splitProfileName(target).hat ?? target)
        }
        if op == "ptrace" {
            guard let peer = r.peer, r.deniedMask != nil else { return nil }
            return .ptrace(access: maskWords(r.deniedMask), peer: peer)
        }
        if op == "signal" {
            let access = maskWords(r.deniedMask)
            guard !access.isEmpty else { return nil }
            return .signal(access: access, signals: maskWords(r.signal), peer: r.peer)
        }
        if op.hasPrefix("dbus_") {
            let access = maskWords(r.deniedMask)
            guard !access.isEmpty else { return nil }
            return .dbus(DBusAccess(access: access, bus: r.dbusBus, path: r.dbusPath, name: r.name,
                                    interface: r.dbusInterface, member: r.dbusMember, peerLabel: r.peerProfile))
        }
        return nil
    }

    enum OperationType { case file, net, unknown }

    static func operationType(_ r: AuditRecord, op: String) -> OperationType {
        guard op.hasPrefix("file_") || op.hasPrefix("inode_") || fileOrNetOperations.contains(op) else {
            return .unknown
        }
        if r.family != nil && r.proto != nil && r.sockType != nil { return .net }
        if r.deniedMask != nil || op == "file_lock" { return .file }
        return .unknown
    }

    /// File permissions from the mask: c and d are w, `owner::other` masks name the owner side,
    /// x goes when other permissions come with it (the exec is its own event).
    static let ownerSeparator = Array("::".utf8)

    static func fileKind(_ r: AuditRecord) -> EventKind? {
        guard let name = r.name, let rawMask = r.deniedMask ?? r.requestedMask else { return nil }
        // `owner::other`: the owner side when it is not empty, else the other side (read as
        // bytes, as libapparmor reads the mask).
        var mask = rawMask[...]
        var owner = false
        if let sep = ByteSearch.find(Self.ownerSeparator, in: rawMask) {
            if sep > 0 {
                mask = rawMask[..<sep]
                owner = true
            } else {
                mask = rawMask[(sep + 2)...]
            }
        }
        // Owner from fsuid/ouid applies to what was denied; an audit record's requested mask
        // says nothing about ownership.
        if r.deniedMask != nil && r.ouid != -1 && r.fsuid == r.ouid { owner = true }
        var perms = PermissionSet()
        for b in mask {
            switch b {
            case UInt8(ascii: "c"), UInt8(ascii: "d"), UInt8(ascii: "w"): perms.insert(.write)
            case UInt8(ascii: "m"): perms.insert(.mmap)
            case UInt8(ascii: "r"): perms.insert(.read)
            case UInt8(ascii: "a"): perms.insert(.append)
            case UInt8(ascii: "l"): perms.insert(.link)
            case UInt8(ascii: "k"): perms.insert(.lock)
            default: break
            }
        }
        perms = perms.written
        guard !perms.isEmpty else { return nil }
        return .file(FileAccess(path: name, permissions: perms, owner: owner, target: r.name2))
    }
}

/// A field as a String for comparisons ("" when absent).
func RecordText(_ b: LogBytes?) -> String {
    b.map { String(decoding: $0, as: UTF8.self) } ?? ""
}
