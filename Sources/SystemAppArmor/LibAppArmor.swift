import CAppArmor

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Thin wrappers over libapparmor's kernel interface, for the live system only.
public enum LibAppArmor {
    /// aa_is_enabled(): true when the module is enabled and its securityfs is mounted.
    public static func isEnabled() -> Bool {
        aa_is_enabled() == 1
    }

    /// aa_find_mountpoint(): the AppArmor folder in securityfs, nil when it is not mounted.
    public static func mountPoint() -> String? {
        var mnt: UnsafeMutablePointer<CChar>?
        guard aa_find_mountpoint(&mnt) == 0, let mnt else { return nil }
        defer { free(mnt) }
        return String(cString: mnt)
    }

    /// aa_getprocattr(pid, attr): the label and mode of a task, or the errno that stopped it.
    public static func procAttr(pid: Int32, attribute: String = "current") -> Result<ConfinementLabel, SystemErrno> {
        var label: UnsafeMutablePointer<CChar>?
        var mode: UnsafeMutablePointer<CChar>?
        let rc = aa_getprocattr(pid, attribute, &label, &mode)
        if rc < 0 { return .failure(SystemErrno(errno)) }
        // label and mode share one allocation: free the label only.
        defer { free(label) }
        guard let label else { return .failure(SystemErrno(EINVAL)) }
        return .success(ConfinementLabel(label: String(cString: label), mode: mode.map { String(cString: $0) }))
    }

    /// aa_gettaskcon(pid): the `current` label of a task.
    public static func taskCon(pid: Int32) -> Result<ConfinementLabel, SystemErrno> {
        var label: UnsafeMutablePointer<CChar>?
        var mode: UnsafeMutablePointer<CChar>?
        let rc = aa_gettaskcon(pid, &label, &mode)
        if rc < 0 { return .failure(SystemErrno(errno)) }
        defer { free(label) }
        guard let label else { return .failure(SystemErrno(EINVAL)) }
        return .success(ConfinementLabel(label: String(cString: label), mode: mode.map { String(cString: $0) }))
    }
}

extension LibAppArmor {
    /// How `exec` moves to a profile: at the next exec or now, replacing the label or
    /// stacking on it.
    public enum Transition: Sendable {
        case changeOnExec, changeNow, stackOnExec, stackNow
    }

    /// aa_change_onexec / aa_change_profile / aa_stack_onexec / aa_stack_profile.
    public static func transition(_ t: Transition, to name: String) -> SystemErrno? {
        let rc: Int32
        switch t {
        case .changeOnExec: rc = aa_change_onexec(name)
        case .changeNow: rc = aa_change_profile(name)
        case .stackOnExec: rc = aa_stack_onexec(name)
        case .stackNow: rc = aa_stack_profile(name)
        }
        return rc == 0 ? nil : SystemErrno(errno)
    }
}

extension AppArmorKernel {
    /// Unloads one profile by name, as aa-remove-unknown does (`.remove` in securityfs).
    public func removeProfile(named name: String) -> SystemErrno? {
        guard let mnt = mountPoint else { return SystemErrno(ENOENT) }
        let fd = open(root.path(mnt + "/.remove"), O_WRONLY | O_CLOEXEC)
        if fd < 0 { return SystemErrno(errno) }
        defer { close(fd) }
        let bytes = Array(name.utf8)
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        return n == bytes.count ? nil : SystemErrno(n < 0 ? errno : EIO)
    }
}
