#if canImport(Glibc)
import Glibc
#endif

/// A process and its AppArmor label, from /proc.
public struct ProcessLabel: Sendable, Equatable {
    public var pid: Int32
    /// The executable (`/proc/<pid>/exe` resolved), nil when it cannot be read (kernel threads).
    public var executable: String?
    /// The label of `attr/apparmor/current` (else `attr/current`).
    public var label: ConfinementLabel
    /// `/proc/<pid>/cmdline` split at NULs; empty when unreadable.
    public var commandLine: [String]

    public init(pid: Int32, executable: String?, label: ConfinementLabel, commandLine: [String] = []) {
        self.pid = pid
        self.executable = executable
        self.label = label
        self.commandLine = commandLine
    }
}

extension AppArmorKernel {
    /// The pids under /proc, in ascending order.
    public func pids() -> [Int32]? {
        guard let names = root.list("/proc") else { return nil }
        return names.compactMap { name in
            name.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) ? Int32(name) : nil
        }.sorted()
    }

    /// Where task labels live, decided once for the whole system as libapparmor does: the
    /// AppArmor folder `attr/apparmor/` when the calling task has one (under a fixture root:
    /// `/proc/self/attr/apparmor`), else the shared `attr/` files unless the module parameter
    /// says AppArmor is off.
    public enum ProcAttrLayout: Sendable, Equatable {
        case apparmorFolder
        case shared
        case unavailable
    }

    public var procAttrLayout: ProcAttrLayout {
        if root.isDirectory("/proc/self/attr/apparmor") { return .apparmorFolder }
        if root.readText(Self.enabledParameter)?.hasPrefix("N") == true { return .unavailable }
        return .shared
    }

    /// The label of one task, as aa_getprocattr(pid, "current") reads it.
    public func label(of pid: Int32) -> Result<ConfinementLabel, SystemErrno> {
        if useLibAppArmor { return LibAppArmor.procAttr(pid: pid) }
        return label(of: pid, layout: procAttrLayout)
    }

    func label(of pid: Int32, layout: ProcAttrLayout) -> Result<ConfinementLabel, SystemErrno> {
        let path: String
        switch layout {
        case .apparmorFolder: path = "/proc/\(pid)/attr/apparmor/current"
        case .shared: path = "/proc/\(pid)/attr/current"
        case .unavailable: return .failure(SystemErrno(ENOENT))
        }
        switch root.readBytes(path) {
        case .failure(let err): return .failure(err)
        case .success(let bytes):
            guard let label = ConfinementLabel.split(String(decoding: bytes, as: UTF8.self)) else {
                return .failure(SystemErrno(EINVAL))
            }
            return .success(label)
        }
    }

    /// The executable of a task: realpath of `/proc/<pid>/exe` (resolved inside the tree under
    /// a fixture root), falling back to the link's text when it does not resolve.
    public func executable(of pid: Int32) -> String? {
        let link = "/proc/\(pid)/exe"
        if let real = root.realPath(link) { return real }
        return root.readLink(link)
    }

    /// The command line of a task, split at NULs.
    public func commandLine(of pid: Int32) -> [String] {
        guard case .success(let bytes) = root.readBytes("/proc/\(pid)/cmdline") else { return [] }
        return bytes.split(separator: 0, omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
            .reversed().drop(while: { $0.isEmpty }).reversed()
    }

    /// Every task whose label can be read, in pid order.
    public func processes(withCommandLines: Bool = false) -> [ProcessLabel]? {
        guard let pids = pids() else { return nil }
        var out: [ProcessLabel] = []
        let layout = procAttrLayout
        for pid in pids {
            guard case .success(let label) = useLibAppArmor ? label(of: pid) : label(of: pid, layout: layout) else { continue }
            out.append(ProcessLabel(
                pid: pid, executable: executable(of: pid), label: label,
                commandLine: withCommandLines ? commandLine(of: pid) : []))
        }
        return out
    }
}
