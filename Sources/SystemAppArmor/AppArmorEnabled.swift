#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// aa-enabled's answer: whether AppArmor is enabled, and if not, why, with upstream's
/// messages and exit codes.
public enum AppArmorEnabledStatus: Sendable, Equatable {
    case yes
    /// Enabled, but only private interfaces (a policy namespace without the shared ones).
    case partially
    /// ENOSYS: no AppArmor in this kernel.
    case notAvailable
    /// ECANCELED: built in, disabled at boot.
    case disabledAtBoot
    /// ENOENT: enabled, securityfs not mounted.
    case noPolicyInterface
    /// EPERM/EACCES.
    case noPermission
    case error(SystemErrno)

    /// From aa_is_enabled()'s result and errno.
    public init(enabled: Bool, errno code: Int32) {
        if enabled { self = .yes; return }
        switch code {
        case ENOSYS: self = .notAvailable
        case ECANCELED: self = .disabledAtBoot
        case ENOENT: self = .noPolicyInterface
        case EPERM, EACCES: self = .noPermission
        case EBUSY: self = .partially
        default: self = .error(SystemErrno(code))
        }
    }

    /// aa-enabled's line.
    public var message: String {
        switch self {
        case .yes: "Yes"
        case .partially: "Partially - public shared interfaces are not available."
        case .notAvailable: "No - not available on this system."
        case .disabledAtBoot: "No - disabled at boot."
        case .noPolicyInterface: "Maybe - policy interface not available."
        case .noPermission: "Maybe - insufficient permissions to determine availability."
        case .error(let e): "Error - \(e)"
        }
    }

    /// aa-enabled's exit status; `partially` is 0 unless `exclusive` (`-x`) asks for the
    /// shared interfaces.
    public func exitCode(exclusive: Bool) -> Int32 {
        switch self {
        case .yes: 0
        case .partially: exclusive ? 10 : 0
        case .notAvailable, .disabledAtBoot: 1
        case .noPolicyInterface: 3
        case .noPermission: 4
        case .error: 64
        }
    }
}

extension AppArmorKernel {
    /// aa_is_enabled() with its reason: libapparmor on the live system, else the same
    /// decision from the root's files (module folder, `enabled` parameter, securityfs mount).
    public var enabledStatus: AppArmorEnabledStatus {
        if useLibAppArmor {
            errno = 0
            let ok = LibAppArmor.isEnabled()
            return AppArmorEnabledStatus(enabled: ok, errno: errno)
        }
        guard let param = root.readText(Self.enabledParameter) else { return .notAvailable }
        guard param.hasPrefix("Y") else { return .disabledAtBoot }
        return mountPoint == nil ? .noPolicyInterface : .yes
    }
}
