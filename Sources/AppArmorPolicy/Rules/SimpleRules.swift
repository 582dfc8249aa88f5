import AppArmorSyntax

/// capability and rlimit rules.
enum SimpleRules {
    static let capabilities: Set<String> = [
        "chown", "dac_override", "dac_read_search", "fowner", "fsetid", "kill", "setgid", "setuid", "setpcap",
        "linux_immutable", "net_bind_service", "net_broadcast", "net_admin", "net_raw", "ipc_lock", "ipc_owner",
        "sys_module", "sys_rawio", "sys_chroot", "sys_ptrace", "sys_pacct", "sys_admin", "sys_boot", "sys_nice",
        "sys_resource", "sys_time", "sys_tty_config", "mknod", "lease", "audit_write", "audit_control", "setfcap",
        "mac_override", "mac_admin", "syslog", "wake_alarm", "block_suspend", "audit_read", "perfmon", "bpf",
        "checkpoint_restore",
    ]

    static func capability(_ s: RuleScope) -> RuleDetail? {
        var names: [String] = []
        for e in s.elements {
            guard case .word(let w, let t) = e else {
                s.error(.unexpectedElement, "a capability rule lists capability names", e.range)
                return nil
            }
            guard capabilities.contains(w) else {
                s.error(.badCapability, "unknown capability '\(w)'", t.textRange)
                return nil
            }
            names.append(w)
        }
        return .capability(names)
    }

    static let sizeLimits: Set<String> = ["fsize", "data", "stack", "core", "rss", "as", "memlock", "msgqueue"]
    static let countLimits: Set<String> = ["nofile", "ofile", "nproc", "locks", "sigpending", "rtprio"]

    static func rlimit(_ s: RuleScope) -> RuleDetail? {
        let words = s.elements
        guard words.count == 3, case .word(let name, let nt) = words[0], case .other = words[1], case .word(let value, let vt) = words[2] else {
            s.error(.badRlimit, "set rlimit NAME <= VALUE expected", s.ruleRange)
            return nil
        }
        let ok: Bool
        switch name {
        case "cpu": ok = value == "infinity" || number(value, units: ["", "s", "sec", "second", "seconds", "min", "minute", "minutes", "h", "hour", "hours", "d", "day", "days", "week", "weeks"]) != nil
        case "rttime": ok = value == "infinity" || number(value, units: ["", "us", "microsecond", "microseconds", "ms", "millisecond", "milliseconds", "s", "sec", "second", "seconds", "min", "minute", "minutes", "h", "hour", "hours", "d", "day", "days", "week", "weeks"]) != nil
        case "nice": ok = Int(value).map { (-20...19).contains($0) } ?? false
        default:
            if sizeLimits.contains(name) {
                ok = value == "infinity" || number(value, units: ["", "K", "KB", "M", "MB", "G", "GB"]) != nil
            } else if countLimits.contains(name) {
                ok = value == "infinity" || Int(value).map { $0 >= 0 } ?? false
            } else {
                s.error(.badRlimit, "unknown rlimit '\(name)'", nt.textRange)
                return nil
            }
        }
        if !ok {
            s.error(.badRlimit, "invalid value '\(value)' for rlimit \(name)", vt.textRange)
            return nil
        }
        return .rlimit(resource: name, value: value)
    }

    static func number(_ s: String, units: Set<String>) -> Int? {
        let digits = s.prefix { $0.isNumber }
        guard !digits.isEmpty, let n = Int(digits) else { return nil }
        return units.contains(String(s.dropFirst(digits.count))) ? n : nil
    }
}
