// The output format of libapparmor's test_multi program: one `Label: value` line per set field,
// in a fixed order.

public enum TestMultiFormat {
    /// The lines for one record, from `START` on, each ending in a newline.
    public static func render(_ r: AuditRecord, file: String) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(512)
        func line(_ label: StaticString, _ v: LogBytes?) {
            guard let v else { return }
            out.append(contentsOf: UnsafeBufferPointer(start: label.utf8Start, count: label.utf8CodeUnitCount))
            out.append(contentsOf: [0x3A, 0x20])
            out.append(contentsOf: v)
            out.append(0x0A)
        }
        func number(_ label: StaticString, _ v: Int, unset: Int = 0) {
            guard v != unset else { return }
            line(label, Array(String(v).utf8))
        }
        out.append(contentsOf: Array("START\nFile: \(file)\n".utf8))
        line("Event type", Array(r.event.recordName.utf8))
        line("Audit ID", r.auditID)
        line("Operation", r.operation)
        line("Mask", r.requestedMask)
        line("Denied Mask", r.deniedMask)
        number("fsuid", r.fsuid, unset: -1)
        number("ouid", r.ouid, unset: -1)
        line("Profile", r.profile)
        line("Peer profile", r.peerProfile)
        line("Peer", r.peer)
        line("Name", r.name)
        line("Command", r.comm)
        line("Name2", r.name2)
        line("Namespace", r.namespace)
        line("Attribute", r.attribute)
        number("Task", r.task)
        number("Parent", r.parent)
        number("Token", r.magicToken)
        line("Info", r.info)
        line("Peer info", r.peerInfo)
        number("ErrorCode", r.errorCode)
        number("PID", r.pid)
        number("Peer PID", r.peerPid)
        line("Active hat", r.activeHat)
        line("Net Addr", r.netAddr)
        line("Peer Addr", r.peerAddr)
        line("Network family", r.family)
        line("Socket type", r.sockType)
        line("Protocol", r.proto)
        line("Local addr", r.localAddr)
        line("Foreign addr", r.foreignAddr)
        number("Local port", r.localPort)
        number("Foreign port", r.foreignPort)
        line("DBus bus", r.dbusBus)
        line("DBus path", r.dbusPath)
        line("DBus interface", r.dbusInterface)
        line("DBus member", r.dbusMember)
        line("Signal", r.signal)
        line("FS Type", r.fsType)
        line("Flags", r.flags)
        line("Src name", r.srcName)
        line("Execpath", r.execpath)
        line("Class", r.recordClass)
        number("Epoch", r.epoch)
        number("Audit subid", r.auditSubID)
        return out
    }
}
