#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A profile loaded in the kernel, from securityfs's `profiles` file.
public struct LoadedProfile: Sendable, Equatable {
    public var name: String
    /// As the kernel reports it, except `user`, which is shown as `prompt` (as aa-status does).
    public var mode: String

    public init(name: String, mode: String) {
        self.name = name
        self.mode = mode
    }
}

/// Why the loaded policy cannot be read.
public enum PolicyAccessError: Error, Sendable, Equatable {
    /// `/sys/module/apparmor` is absent: the module is not built in.
    case moduleNotPresent
    /// No securityfs mount with an `apparmor` folder.
    case notMounted
    /// The `profiles` file could not be opened (errno; EACCES means no privilege).
    case cannotOpenProfiles(path: String, errno: SystemErrno)
}

/// The kernel's AppArmor interface: the module parameters, securityfs, /proc.
/// Everything is read below `root`, so a fixture tree can stand in for the system.
public struct AppArmorKernel: Sendable {
    public let root: SystemRoot
    /// Ask libapparmor where it can (live root only). Off in tests that compare both paths.
    public let useLibAppArmor: Bool

    public init(root: SystemRoot = .live, useLibAppArmor: Bool = true) {
        self.root = root
        self.useLibAppArmor = useLibAppArmor && root.isLive
    }

    public static let moduleFolder = "/sys/module/apparmor"
    public static let enabledParameter = "/sys/module/apparmor/parameters/enabled"
    public static let defaultMountPoint = "/sys/kernel/security/apparmor"

    /// The module is present (`/sys/module/apparmor` exists).
    public var isModulePresent: Bool { root.exists(Self.moduleFolder) }

    /// The module parameter says `Y`.
    public var isEnabledParameterSet: Bool {
        root.readText(Self.enabledParameter)?.hasPrefix("Y") == true
    }

    /// aa_is_enabled(): the module is enabled and its securityfs folder is mounted.
    public var isEnabled: Bool {
        if useLibAppArmor { return LibAppArmor.isEnabled() }
        return isEnabledParameterSet && mountPoint != nil
    }

    /// aa_find_mountpoint(): the AppArmor folder of the securityfs mount (a system path).
    /// Under a fixture root it reads the root's `/proc/mounts`; without one it takes the
    /// usual place when that folder exists.
    public var mountPoint: String? {
        if useLibAppArmor { return LibAppArmor.mountPoint() }
        if let mounts = root.readText("/proc/mounts") {
            for line in mounts.split(separator: "\n") {
                let fields = line.split(separator: " ")
                guard fields.count >= 3, fields[2] == "securityfs" else { continue }
                let mnt = unescapeMountField(String(fields[1]))
                let candidate = (mnt == "/" ? "" : mnt) + "/apparmor"
                if root.isDirectory(candidate) { return candidate }
            }
            return nil
        }
        return root.isDirectory(Self.defaultMountPoint) ? Self.defaultMountPoint : nil
    }

    /// The raw `profiles` file: each line `name (mode)`.
    public func profilesFile() -> Result<String, PolicyAccessError> {
        guard isModulePresent else { return .failure(.moduleNotPresent) }
        guard let mnt = mountPoint else { return .failure(.notMounted) }
        let path = mnt + "/profiles"
        switch root.readBytes(path) {
        case .success(let bytes): return .success(String(decoding: bytes, as: UTF8.self))
        case .failure(let err): return .failure(.cannotOpenProfiles(path: path, errno: err))
        }
    }

    /// The loaded profiles in file order (lines that do not split are skipped).
    public func loadedProfiles() -> Result<[LoadedProfile], PolicyAccessError> {
        profilesFile().map(Self.parseProfiles)
    }

    /// Parses the `profiles` file.
    public static func parseProfiles(_ text: String) -> [LoadedProfile] {
        var out: [LoadedProfile] = []
        let bytes = Array(text.utf8)
        // Line by line in place (no array of lines: a big system lists thousands of profiles).
        var start = 0
        while start < bytes.count {
            var end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
            let next = end + 1
            while end > start, bytes[end - 1] == 0 { end -= 1 }
            if end > start, let label = ConfinementLabel.split(bytes[start..<end]), let mode = label.mode {
                out.append(LoadedProfile(name: label.label, mode: mode == "user" ? "prompt" : mode))
            }
            start = next
        }
        return out
    }

    /// The policy namespace this view belongs to (`.ns_name`), nil when absent.
    public var namespaceName: String? {
        guard let mnt = mountPoint, let text = root.readText(mnt + "/.ns_name") else { return nil }
        return text.trimmingTrailingNewlines
    }

    /// The kernel feature tree's top-level names (`features/`), sorted; empty when absent.
    public var featureNames: [String] {
        guard let mnt = mountPoint, let names = root.list(mnt + "/features") else { return [] }
        return names.sorted()
    }

    /// One feature file's text, e.g. `feature("domain/stack")`.
    public func feature(_ relative: String) -> String? {
        guard let mnt = mountPoint else { return nil }
        return root.readText(mnt + "/features/" + relative)?.trimmingTrailingNewlines
    }

    /// The profile folders of the `policy/profiles` tree (`name.N`), sorted.
    public var policyProfileFolders: [String] {
        guard let mnt = mountPoint, let names = root.list(mnt + "/policy/profiles") else { return [] }
        return names.sorted()
    }
}

extension String {
    var trimmingTrailingNewlines: String {
        var s = Substring(self)
        while s.last == "\n" { s.removeLast() }
        return String(s)
    }
}

/// /proc/mounts escapes space, tab, newline and backslash as octal `\NNN`.
func unescapeMountField(_ field: String) -> String {
    guard field.contains("\\") else { return field }
    var out: [UInt8] = []
    let bytes = Array(field.utf8)
    var i = 0
    while i < bytes.count {
        if bytes[i] == UInt8(ascii: "\\"), i + 3 < bytes.count,
           let value = UInt8(String(decoding: bytes[(i + 1)...(i + 3)], as: UTF8.self), radix: 8) {
            out.append(value)
            i += 4
        } else {
            out.append(bytes[i])
            i += 1
        }
    }
    return String(decoding: out, as: UTF8.self)
}
