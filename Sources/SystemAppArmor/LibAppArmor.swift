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
