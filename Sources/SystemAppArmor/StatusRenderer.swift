/// The four `--filter.*` expressions.
struct StatusFilter: Sendable {
    var mode: PosixRegex
    var profile: PosixRegex
    var pid: PosixRegex
    var exe: PosixRegex

    /// Profiles passing the filters, sorted by name (byte order, as strcmp).
    func profiles(_ list: [LoadedProfile], mode modeOverride: PosixRegex? = nil) -> [LoadedProfile] {
        var modeRE = ModeMatch(modeOverride ?? mode)
        return stableSorted(list.filter { modeRE.matches($0.mode) && profile.matches($0.name) }) { $0.name }
    }

    /// How many profiles pass the filters (no sorting for a count).
    func profileCount(_ list: [LoadedProfile]) -> Int {
        var modeRE = ModeMatch(mode)
        return list.reduce(0) { $0 + (modeRE.matches($1.mode) && profile.matches($1.name) ? 1 : 0) }
    }

    /// Processes passing the filters, in the order given.
    func processes(_ list: [StatusProcess], mode modeOverride: PosixRegex? = nil) -> [StatusProcess] {
        var modeRE = ModeMatch(modeOverride ?? mode)
        return list.filter {
            modeRE.matches($0.mode) && pid.matches($0.pid) && exe.matches($0.executable) && profile.matches($0.profile)
        }
    }
}

/// A mode expression's answers, each mode matched once: the modes are a handful of words,
/// the profiles and processes thousands on a big system.
private struct ModeMatch {
    let regex: PosixRegex
    var answers: [String: Bool] = [:]

    init(_ regex: PosixRegex) { self.regex = regex }

    mutating func matches(_ mode: String) -> Bool {
        if regex.matchesAll { return true }
        if let known = answers[mode] { return known }
        let answer = regex.matches(mode)
        answers[mode] = answer
        return answer
    }
}

/// Sorts stably by a byte-order key (glibc's qsort is a merge sort for these sizes, so
/// aa-status keeps /proc order among equal keys).
func stableSorted<T>(_ items: [T], by key: (T) -> String) -> [T] {
    let keys = items.map { Array(key($0).utf8) }
    return items.indices.sorted { a, b in
        keys[a] == keys[b] ? a < b : keys[a].lexicographicallyPrecedes(keys[b])
    }.map { items[$0] }
}

/// The detailed (non-count) parts of the report, text and JSON, in aa-status's layout.
struct StatusRenderer: Sendable {
    let filter: StatusFilter
    /// Print the prose lines (verbose and not JSON).
    let prose: Bool

    /// Each mode the mode filter lets through, with the sub-filter that selects exactly it
    /// (the mode name used as a pattern, as upstream does).
    private func modes(_ all: [String]) -> [(String, PosixRegex)] {
        all.compactMap { mode in
            guard filter.mode.matches(mode), let re = PosixRegex(mode) else { return nil }
            return (mode, re)
        }
    }

    func profilesText(_ profiles: [LoadedProfile]) -> String {
        guard prose else { return "" }
        var out = "\(profiles.count) profiles are loaded.\n"
        for (mode, re) in modes(StatusModes.profile) {
            let selected = filter.profiles(profiles, mode: re)
            out += "\(selected.count) profiles are in \(mode) mode.\n"
            for p in selected { out += "   \(p.name)\n" }
        }
        return out
    }

    func profilesJSON(_ profiles: [LoadedProfile]) -> JSONOutput {
        var members: [(String, JSONOutput)] = []
        for (mode, re) in modes(StatusModes.profile) {
            for p in filter.profiles(profiles, mode: re) { members.append((p.name, .string(mode))) }
        }
        return .object(members)
    }

    func processesText(_ processes: [StatusProcess]) -> String {
        guard prose else { return "" }
        var out = "\(processes.count) processes have profiles defined.\n"
        for (mode, re) in modes(StatusModes.process) {
            let selected = stableSorted(filter.processes(processes, mode: re)) { $0.profile }
            if mode == "unconfined" {
                out += "\(selected.count) processes are unconfined but have a profile defined.\n"
            } else {
                out += "\(selected.count) processes are in \(mode) mode.\n"
            }
            for p in selected {
                // The profile is left out when it is the executable's own name.
                out += "   \(p.executable) (\(p.pid)) \(p.profile == p.executable ? "" : p.profile)\n"
            }
        }
        return out
    }

    /// `{"exe": [{"profile": ..., "pid": ..., "status": ...}, ...], ...}`: per mode, sorted by
    /// executable, consecutive entries of one executable grouped (an executable seen under two
    /// modes appears twice, as upstream prints it).
    func processesJSON(_ processes: [StatusProcess]) -> JSONOutput {
        var members: [(String, JSONOutput)] = []
        for (_, re) in modes(StatusModes.process) {
            var lastExe: String?
            var group: [JSONOutput] = []
            for p in stableSorted(filter.processes(processes, mode: re), by: { $0.executable }) {
                if let last = lastExe, last != p.executable {
                    members.append((last, .array(group)))
                    group = []
                }
                lastExe = p.executable
                group.append(.object([("profile", .string(p.profile)), ("pid", .string(p.pid)), ("status", .string(p.mode))]))
            }
            if let last = lastExe { members.append((last, .array(group))) }
        }
        return .object(members)
    }
}
