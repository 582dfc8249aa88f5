// One JSON object per record, written as it streams (a JSONOutput value per record would
// cost a tree per line of a big log); strings are quoted by JSONOutput.quoted. Field names
// follow libapparmor's aa_log_record; values that are not valid UTF-8 are written with U+FFFD
// replacements and repeated exactly under `<field>_hex`.

import SystemAppArmor

public enum RecordJSON {
    /// `context`: what the event's other records said, under keys of their own (`exe`,
    /// `proctitle`, `cwd`, `paths`, `syscall`, `success`, `exit`, `ppid`, `uid`, `auid`).
    public static func render(_ r: AuditRecord, line: Int, context: AuditEventContext = AuditEventContext()) -> [UInt8] {
        var out = "{\"line\":\(line),\"event\":\"\(r.event.keyword)\""
        func str(_ key: String, _ v: LogBytes?) {
            guard let v else { return }
            out += ",\"\(key)\":" + jsonString(v)
            if String(validatingUTF8CString: v) == nil {
                out += ",\"\(key)_hex\":\"" + hexString(v) + "\""
            }
        }
        func num(_ key: String, _ v: Int, unset: Int = 0) {
            if v != unset { out += ",\"\(key)\":\(v)" }
        }
        num("audit_type", r.auditType)
        str("audit_id", r.auditID)
        num("epoch", r.epoch)
        num("audit_sub_id", r.auditSubID)
        str("operation", r.operation)
        str("class", r.recordClass)
        str("profile", r.profile)
        str("peer_profile", r.peerProfile)
        str("peer", r.peer)
        str("name", r.name)
        str("name2", r.name2)
        str("requested_mask", r.requestedMask)
        str("denied_mask", r.deniedMask)
        num("fsuid", r.fsuid, unset: -1)
        num("ouid", r.ouid, unset: -1)
        str("comm", r.comm)
        str("namespace", r.namespace)
        str("attribute", r.attribute)
        num("task", r.task)
        num("parent", r.parent)
        num("magic_token", r.magicToken)
        str("info", r.info)
        str("peer_info", r.peerInfo)
        num("error_code", r.errorCode)
        num("pid", r.pid)
        num("peer_pid", r.peerPid)
        str("net_addr", r.netAddr)
        str("peer_addr", r.peerAddr)
        str("family", r.family)
        str("sock_type", r.sockType)
        str("protocol", r.proto)
        str("local_addr", r.localAddr)
        str("foreign_addr", r.foreignAddr)
        num("local_port", r.localPort)
        num("foreign_port", r.foreignPort)
        str("dbus_bus", r.dbusBus)
        str("dbus_path", r.dbusPath)
        str("dbus_interface", r.dbusInterface)
        str("dbus_member", r.dbusMember)
        str("signal", r.signal)
        str("fs_type", r.fsType)
        str("flags", r.flags)
        str("src_name", r.srcName)
        str("execpath", r.execpath)
        if !context.isEmpty {
            str("exe", context.exe)
            str("proctitle", context.proctitle)
            str("cwd", context.cwd)
            if !context.paths.isEmpty { out += ",\"paths\":[" + context.paths.map(jsonString).joined(separator: ",") + "]" }
            if r.comm == nil { str("comm", context.comm) }
            if let v = context.syscall { out += ",\"syscall\":\(v)" }
            if let v = context.success { out += ",\"success\":\(v)" }
            if let v = context.exit { out += ",\"exit\":\(v)" }
            if let v = context.ppid { out += ",\"ppid\":\(v)" }
            if let v = context.uid { out += ",\"uid\":\(v)" }
            if let v = context.auid { out += ",\"auid\":\(v)" }
        }
        if !r.extras.isEmpty {
            out += ",\"extra\":{"
            out += r.extras.map { jsonString($0.key) + ":" + jsonString($0.value) }.joined(separator: ",")
            out += "}"
        }
        out += "}"
        return Array(out.utf8)
    }

    /// A field as a JSON string (the one JSON quoting, `JSONOutput.quoted`).
    static func jsonString(_ v: LogBytes) -> String {
        JSONOutput.quoted(String(decoding: v, as: UTF8.self))
    }
}

/// Upper-case hex of bytes, as the kernel writes encoded names.
public func hexString(_ v: LogBytes) -> String {
    let digits: [UInt8] = Array("0123456789ABCDEF".utf8)
    var out = [UInt8]()
    out.reserveCapacity(v.count * 2)
    for b in v {
        out.append(digits[Int(b >> 4)])
        out.append(digits[Int(b & 15)])
    }
    return String(decoding: out, as: UTF8.self)
}

extension String {
    /// Strict UTF-8 decoding: nil when `bytes` is not valid UTF-8.
    init?(validatingUTF8CString bytes: LogBytes) {
        var it = bytes.makeIterator()
        var dec = UTF8()
        var s = ""
        loop: while true {
            switch dec.decode(&it) {
            case .scalarValue(let u): s.unicodeScalars.append(u)
            case .emptyInput: break loop
            case .error: return nil
            }
        }
        self = s
    }
}
