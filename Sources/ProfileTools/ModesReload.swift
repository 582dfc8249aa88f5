import FoundationEssentials
import SystemAppArmor

/// Loading and unloading profiles after a mode change: apparmor_parser on a real system, a
/// recorder in tests.
public protocol ModeReloader: Sendable {
    /// Whether the running kernel has AppArmor enabled with its securityfs mounted.
    var isAppArmorEnabled: Bool { get }
    /// `apparmor_parser -r` of one file; returns an error message on failure.
    func replace(file: String, folder: String) -> String?
    /// `apparmor_parser -R` of one file; returns an error message on failure.
    func remove(file: String, folder: String) -> String?
}

/// Reloads through a `PolicyLoader` (apparmor_parser by default), with the profile folder as
/// include path and base (`-I DIR --base DIR`), as upstream's tools do.
public struct LoaderModeReloader: ModeReloader {
    public let loader: PolicyLoader
    public let kernel: AppArmorKernel

    public init(loader: PolicyLoader = ApparmorParser(), kernel: AppArmorKernel = AppArmorKernel()) {
        self.loader = loader
        self.kernel = kernel
    }

    public var isAppArmorEnabled: Bool { kernel.isEnabled }

    public func replace(file: String, folder: String) -> String? { run(.replace, file, folder) }
    public func remove(file: String, folder: String) -> String? { run(.remove, file, folder) }

    func run(_ action: PolicyLoadAction, _ file: String, _ folder: String) -> String? {
        do {
            let r = try loader.run(action, files: [file], includeDirs: [folder], base: folder)
            if r.succeeded { return nil }
            let err = r.standardError.trimmed(where: \.isWhitespace)
            return "apparmor_parser \(r.arguments.joined(separator: " ")) failed (exit \(r.status))" + (err.isEmpty ? "" : ": \(err)")
        } catch {
            return "\(error)"
        }
    }
}
