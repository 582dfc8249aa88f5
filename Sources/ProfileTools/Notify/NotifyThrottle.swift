// Rate limiting of desktop notifications: the first denial of a profile is shown at once; the
// ones that follow within the window are counted, and shown as one notification when it
// closes ("17 more denials for firefox in 5 s"). Memory is bounded: at most `maxProfiles`
// profiles are tracked; past that, denials are counted under one shared entry.

public struct NotifyThrottle: Sendable {
    public struct Burst: Equatable, Sendable {
        public var profile: String
        public var count: Int
        public var seconds: Int
        public var message: String {
            "\(count) more denial\(count == 1 ? "" : "s") for \(profile) in \(seconds) s"
        }
    }

    public let window: Double
    public let maxProfiles: Int
    private var open: [String: (since: Double, count: Int)] = [:]
    private var finished: [Burst] = []
    static let overflowKey = "other profiles"

    public init(window: Double = 5, maxProfiles: Int = 256) {
        self.window = window
        self.maxProfiles = maxProfiles
    }

    /// A denial for `profile` at `now` (seconds): true when it is shown now, false when it is
    /// counted for the burst message.
    public mutating func admit(profile: String, now: Double) -> Bool {
        var key = profile
        if open[key] == nil && open.count >= maxProfiles { key = Self.overflowKey }
        if var entry = open[key], now - entry.since < window {
            entry.count += 1
            open[key] = entry
            return false
        }
        if let old = open[key], old.count > 0 {
            finished.append(Burst(profile: key, count: old.count, seconds: Int(window.rounded())))
        }
        open[key] = (now, 0)
        return key != Self.overflowKey
    }

    /// The bursts whose window closed by `now`, oldest first; their entries are dropped.
    public mutating func closed(now: Double) -> [Burst] {
        var out = finished
        finished = []
        for (profile, entry) in open where now - entry.since >= window {
            open[profile] = nil
            if entry.count > 0 { out.append(Burst(profile: profile, count: entry.count, seconds: Int(window.rounded()))) }
        }
        return out
    }
}
