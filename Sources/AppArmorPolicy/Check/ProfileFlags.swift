import AppArmorSyntax

/// Profile flags: known names, values, and the combinations apparmor_parser refuses.
extension CheckSession {
    static let modeFlags: Set<String> = ["enforce", "complain", "kill", "unconfined", "prompt", "default_allow"]
    static let plainFlags: Set<String> = [
        "enforce", "complain", "kill", "unconfined", "prompt", "default_allow", "audit", "mediate_deleted",
        "delegate_deleted", "attach_disconnected", "no_attach_disconnected", "chroot_relative", "namespace_relative",
        "chroot_attach", "chroot_no_attach", "debug", "interruptible", "attach_disconnected.ipc",
    ]
    static let conflictingFlags: [(String, String)] = [
        ("mediate_deleted", "delegate_deleted"), ("chroot_attach", "chroot_no_attach"),
        ("chroot_relative", "namespace_relative"), ("attach_disconnected", "no_attach_disconnected"),
        ("attach_disconnected.ipc", "no_attach_disconnected"),
    ]

    /// Checks the flags; reports the first problem and returns false.
    func checkFlags(_ flags: [String], in r: ParseResult, node: SyntaxNode) -> Bool {
        let range = node.textRange
        var seen: [String: String] = [:]
        var modes: [String] = []
        let expander = VariableExpander(table: variables)
        for flag in flags {
            var key = flag
            var value: String?
            if let eq = flag.firstIndex(of: "=") {
                key = String(flag[..<eq])
                value = String(flag[flag.index(after: eq)...])
            }
            // A flag the named parser (--parser-version, or the installed one) does not know.
            if let v = givenVersion, !v.readsProfileFlag(key) {
                let reads = ParserVersion.v4_1.readsProfileFlag(key) ? "4.1 reads it" : "parsers newer than 4.1 read it"
                report(.profileFlag, "profile flag '\(key)' is not known to \(versionName) (\(reads); --parser-version to check for another)", range, in: r)
                return false
            }
            if let v = value {
                switch key {
                case "attach_disconnected.path", "attach_disconnected.ipc":
                    let expanded = (try? expander.expandAll(v)) ?? []
                    guard expanded.count == 1, expanded[0].utf8.starts(with: "/".utf8) else {
                        report(.profileFlag, "\(key) must be an absolute path: '\(v)'", range, in: r)
                        return false
                    }
                    value = expanded[0]
                case "error":
                    guard Errno.names.contains(v) else {
                        report(.profileFlag, "unknown error code '\(v)' in flags", range, in: r)
                        return false
                    }
                case "kill.signal":
                    guard SignalNames.isValid(v) else {
                        report(.profileFlag, "unknown signal '\(v)' in kill.signal", range, in: r)
                        return false
                    }
                default:
                    report(.profileFlag, "unknown profile flag '\(flag)'", range, in: r)
                    return false
                }
                if let prev = seen[key], prev != value! {
                    report(.profileFlagConflict, "flag \(key) given twice with different values", range, in: r)
                    return false
                }
                seen[key] = value!
                continue
            }
            guard CheckSession.plainFlags.contains(key) else {
                report(.profileFlag, "unknown profile flag '\(flag)'", range, in: r)
                return false
            }
            if CheckSession.modeFlags.contains(key), !modes.contains(key) { modes.append(key) }
            seen[key] = ""
        }
        if modes.count > 1 {
            report(.profileFlagConflict, "profile flags \(modes.joined(separator: " and ")) conflict", range, in: r)
            return false
        }
        for (a, b) in CheckSession.conflictingFlags where seen[a] != nil && seen[b] != nil {
            report(.profileFlagConflict, "profile flags \(a) and \(b) conflict", range, in: r)
            return false
        }
        return true
    }
}

/// The errno names `error=` accepts.
enum Errno {
    static let names: Set<String> = [
        "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG", "ENOEXEC", "EBADF", "ECHILD", "EAGAIN",
        "ENOMEM", "EACCES", "EFAULT", "ENOTBLK", "EBUSY", "EEXIST", "EXDEV", "ENODEV", "ENOTDIR", "EISDIR",
        "EINVAL", "ENFILE", "EMFILE", "ENOTTY", "ETXTBSY", "EFBIG", "ENOSPC", "ESPIPE", "EROFS", "EMLINK",
        "EPIPE", "EDOM", "ERANGE", "EDEADLK", "ENAMETOOLONG", "ENOLCK", "ENOSYS", "ENOTEMPTY", "ELOOP",
        "EWOULDBLOCK", "ENOMSG", "EIDRM", "ENOSTR", "ENODATA", "ETIME", "ENOSR", "EREMOTE", "ENOLINK",
        "EPROTO", "EBADMSG", "EOVERFLOW", "EILSEQ", "EUSERS", "ENOTSOCK", "EDESTADDRREQ", "EMSGSIZE",
        "EPROTOTYPE", "ENOPROTOOPT", "EPROTONOSUPPORT", "ESOCKTNOSUPPORT", "EOPNOTSUPP", "ENOTSUP",
        "EPFNOSUPPORT", "EAFNOSUPPORT", "EADDRINUSE", "EADDRNOTAVAIL", "ENETDOWN", "ENETUNREACH",
        "ENETRESET", "ECONNABORTED", "ECONNRESET", "ENOBUFS", "EISCONN", "ENOTCONN", "ESHUTDOWN",
        "ETOOMANYREFS", "ETIMEDOUT", "ECONNREFUSED", "EHOSTDOWN", "EHOSTUNREACH", "EALREADY", "EINPROGRESS",
        "ESTALE", "EDQUOT", "ECANCELED", "EOWNERDEAD", "ENOTRECOVERABLE", "ERFKILL", "EHWPOISON", "ENOKEY",
        "EKEYEXPIRED", "EKEYREVOKED", "EKEYREJECTED", "EMEDIUMTYPE", "ENOMEDIUM", "ECHRNG", "EL2NSYNC",
        "EL3HLT", "EL3RST", "ELNRNG", "EUNATCH", "ENOCSI", "EL2HLT", "EBADE", "EBADR", "EXFULL", "ENOANO",
        "EBADRQC", "EBADSLT", "EDEADLOCK", "EBFONT", "ENONET", "ENOPKG", "EADV", "ESRMNT", "ECOMM",
        "EMULTIHOP", "EDOTDOT", "ENOTUNIQ", "EBADFD", "EREMCHG", "ELIBACC", "ELIBBAD", "ELIBSCN", "ELIBMAX",
        "ELIBEXEC", "ERESTART", "ESTRPIPE", "EUCLEAN", "ENOTNAM", "ENAVAIL", "EISNAM", "EREMOTEIO",
    ]
}

/// Signal names for signal rules and `kill.signal=`.
enum SignalNames {
    static let names: Set<String> = [
        "hup", "int", "quit", "ill", "trap", "abrt", "bus", "fpe", "kill", "usr1", "segv", "usr2", "pipe",
        "alrm", "term", "stkflt", "chld", "cont", "stop", "stp", "ttin", "ttou", "urg", "xcpu", "xfsz",
        "vtalrm", "prof", "winch", "io", "pwr", "sys", "emt", "exists", "iot", "poll", "cld",
    ]

    static func isValid(_ s: String) -> Bool {
        if names.contains(s) { return true }
        if s.hasPrefix("rtmin+"), let n = Int(s.dropFirst(6)), (0...32).contains(n) { return true }
        return false
    }
}
