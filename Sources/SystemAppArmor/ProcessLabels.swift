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

    /// The label of one task, as aa_getprocattr(pid, "current") reads it: the AppArmor
    /// specific `attr/apparmor/current` when the kernel has that folder, else `attr/current`.
    public func label(of pid: Int32) -> Result<ConfinementLabel, SystemErrno> {
        if useLibAppArmor { return LibAppArmor.procAttr(pid: pid) }
        let base = "/proc/\(pid)/attr"
        let path = root.isDirectory(base + "/apparmor") ? base + "/apparmor/current" : base + "/current"
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
        for pid in pids {
            guard case .success(let label) = label(of: pid) else { continue }
            out.append(ProcessLabel(
                pid: pid, executable: executable(of: pid), label: label,
                commandLine: withCommandLines ? commandLine(of: pid) : []))
        }
        return out
    }
}
