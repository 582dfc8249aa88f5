/// What `aaswift status` is asked for, after its options are read (same meaning as aa-status's).
public struct StatusQuery: Sendable, Equatable {
    public var showProfiles = true
    public var showProcesses = true
    /// Print counts instead of lists.
    public var count = false
    public var json = false
    public var prettyJSON = false
    /// The prose lines ("apparmor module is loaded.", "N profiles are ...").
    public var verbose = true
    /// No error messages on stderr.
    public var quiet = false
    /// POSIX basic regular expressions, matched anywhere.
    public var modeFilter = ".*"
    public var profileFilter = ".*"
    public var pidFilter = ".*"
    public var exeFilter = ".*"

    public init() {}
}

/// A confined process as the status report lists it.
public struct StatusProcess: Sendable, Equatable {
    public var pid: String
    public var profile: String
    public var executable: String
    public var mode: String

    public init(pid: String, profile: String, executable: String, mode: String) {
        self.pid = pid
        self.profile = profile
        self.executable = executable
        self.mode = mode
    }
}

/// The rendered report: what to print and the exit status (aa-status's codes).
public struct StatusOutput: Sendable, Equatable {
    public var standardOutput = ""
    public var standardError = ""
    public var exitCode: Int32 = StatusExit.ok
}

/// aa-status's exit codes.
public enum StatusExit {
    public static let ok: Int32 = 0
    public static let disabled: Int32 = 1
    public static let noPolicy: Int32 = 2
    public static let noControlFiles: Int32 = 3
    public static let noPermission: Int32 = 4
    public static let internalError: Int32 = 42
}

/// The modes the report groups profiles and processes by, in its order.
public enum StatusModes {
    public static let profile = ["enforce", "complain", "prompt", "kill", "unconfined"]
    public static let process = ["enforce", "complain", "prompt", "kill", "unconfined", "mixed"]
}

extension AppArmorKernel {
    /// The processes aa-status reports: every confined task, plus unconfined tasks whose
    /// executable has a loaded profile of the same name (shown in mode `unconfined`).
    /// Tasks whose label or executable cannot be read are left out.
    public func statusProcesses(profiles: [LoadedProfile]) -> [StatusProcess]? {
        guard let pids = pids() else { return nil }
        let names = Set(profiles.map(\.name))
        var out: [StatusProcess] = []
        let layout = procAttrLayout
        for pid in pids {
            let read = useLibAppArmor ? label(of: pid) : label(of: pid, layout: layout)
            guard case .success(let label) = read, let exe = executable(of: pid) else { continue }
            if let mode = label.mode {
                out.append(StatusProcess(pid: String(pid), profile: label.label, executable: exe,
                                         mode: mode == "user" ? "prompt" : mode))
            } else if names.contains(exe) {
                out.append(StatusProcess(pid: String(pid), profile: exe, executable: exe, mode: "unconfined"))
            }
        }
        return out
    }
}

/// Builds aa-status's report from the kernel's state.
public struct StatusReporter: Sendable {
    public let kernel: AppArmorKernel

    public init(kernel: AppArmorKernel) {
        self.kernel = kernel
    }

    /// `--enabled`: 0 when AppArmor is enabled, else 1.
    public func enabledExitCode() -> Int32 {
        kernel.isEnabled ? StatusExit.ok : StatusExit.disabled
    }

    public func report(_ query: StatusQuery) -> StatusOutput {
        var output = StatusOutput()
        func fail(_ message: String, _ code: Int32) -> StatusOutput {
            if !query.quiet { output.standardError += message + "\n" }
            output.exitCode = code
            return output
        }
        let prose = query.verbose && !query.json

        // One by one, in aa-status's order (the first that does not compile is reported); no
        // array of (name, pattern) pairs, whose generic metadata the runtime would build from its
        // mangled name on every start.
        func badFilter(_ what: String, _ pattern: String) -> StatusOutput {
            fail("Error: failed to compile \(what) filter '\(pattern)'", StatusExit.internalError)
        }
        guard let mode = PosixRegex(query.modeFilter) else { return badFilter("mode", query.modeFilter) }
        guard let profile = PosixRegex(query.profileFilter) else { return badFilter("profiles", query.profileFilter) }
        guard let pid = PosixRegex(query.pidFilter) else { return badFilter("ps", query.pidFilter) }
        guard let exe = PosixRegex(query.exeFilter) else { return badFilter("exe", query.exeFilter) }
        let filter = StatusFilter(mode: mode, profile: profile, pid: pid, exe: exe)

        guard kernel.isModulePresent else { return fail("apparmor not present.", StatusExit.disabled) }
        if prose { output.standardOutput += "apparmor module is loaded.\n" }
        let profiles: [LoadedProfile]
        switch kernel.loadedProfiles() {
        case .success(let list): profiles = list
        case .failure(.moduleNotPresent): return fail("apparmor not present.", StatusExit.disabled)
        case .failure(.notMounted): return fail("apparmor filesystem is not mounted.", StatusExit.noControlFiles)
        case .failure(.cannotOpenProfiles(let path, let err)):
            if err.code == 13 /* EACCES */ {
                return fail("You do not have enough privilege to read the profile set.", StatusExit.noPermission)
            }
            return fail("Could not open \(path): \(err)", StatusExit.noPermission)
        }
        if profiles.isEmpty && !query.json {
            return fail("No policy loaded into the kernel", StatusExit.noPolicy)
        }

        var json: [(String, JSONOutput)] = [("version", .string("2"))]
        let renderer = StatusRenderer(filter: filter, prose: prose)
        /// One part of the report: a count, a JSON member or the prose listing.
        func part(_ list: String, _ counter: String, count: () -> Int, json value: () -> JSONOutput, text: () -> String) {
            if query.count {
                let n = count()
                if query.json { json.append((counter, .integer(n))) } else { output.standardOutput += "\(n)\n" }
            } else if query.json {
                json.append((list, value()))
            } else {
                output.standardOutput += text()
            }
        }
        if query.showProfiles {
            part("profiles", "profile_count", count: { filter.profileCount(profiles) },
                 json: { renderer.profilesJSON(profiles) }, text: { renderer.profilesText(profiles) })
        }
        if query.showProcesses {
            guard let processes = kernel.statusProcesses(profiles: profiles) else {
                return fail("Failed to get processes: \(StatusExit.internalError)....", StatusExit.internalError)
            }
            part("processes", "process_count", count: { filter.processes(processes).count },
                 json: { renderer.processesJSON(processes) }, text: { renderer.processesText(processes) })
        }
        if query.json {
            let value = JSONOutput.object(json)
            output.standardOutput += (query.prettyJSON ? value.pretty : value.compact) + "\n"
        }
        output.exitCode = StatusExit.ok
        return output
    }
}
