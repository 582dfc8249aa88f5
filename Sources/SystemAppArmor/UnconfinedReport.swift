/// aa-unconfined's list: processes with network sockets (or every process, `--paranoid`),
/// each with its program and whether a profile confines it.
public struct UnconfinedEntry: Sendable, Equatable {
    public var pid: Int32
    /// `/proc/<pid>/exe` as the link says.
    public var program: String
    /// The command line, NULs as spaces.
    public var commandLine: String
    /// argv[0] when it names another path than the program (`(/usr/sbin/foo)`), else nil.
    public var processName: String?
    /// The label with its mode (`/usr/sbin/foo (enforce)`), nil when not confined.
    public var confinedBy: String?

    static let interpreters: Set<String> = ["/bin/python", "/usr/bin/python", "/bin/perl", "/usr/bin/perl", "/bin/bash",
                                            "/usr/bin/bash", "/bin/dash", "/usr/bin/dash", "/bin/sh", "/usr/bin/sh"]

    /// aa-unconfined's line: `PID PROGRAM [(NAME)] not confined` or `... confined by 'LABEL'`;
    /// an interpreter shows its command line instead.
    public var line: String {
        var head = "\(pid) \(program)"
        if Self.interpreters.contains(program) {
            head += " (\(commandLine))"
        } else if let processName {
            head += " (\(processName))"
        }
        return confinedBy.map { head + " confined by '\($0)'" } ?? head + " not confined"
    }
}

extension AppArmorKernel {
    /// The entries for some pids (those that vanish or whose program cannot be read are left out).
    public func unconfinedEntries(pids: [Int32]) -> [UnconfinedEntry] {
        let layout = procAttrLayout
        var out: [UnconfinedEntry] = []
        for pid in pids {
            guard let program = root.readLink("/proc/\(pid)/exe") else { continue }
            var confinedBy: String?
            if case .success(let l) = label(of: pid, layout: layout), let mode = l.mode,
               ["complain", "enforce", "kill", "user", "mixed", "prompt"].contains(mode) {
                confinedBy = "\(l.label) (\(mode))"
            }
            let argv = commandLine(of: pid)
            let name = argv.first.flatMap { $0.contains("/") && $0 != program ? $0 : nil }
            out.append(UnconfinedEntry(pid: pid, program: program, commandLine: argv.joined(separator: " "),
                                       processName: name, confinedBy: confinedBy))
        }
        return out
    }
}
