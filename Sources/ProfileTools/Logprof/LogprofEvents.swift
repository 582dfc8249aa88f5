import AppArmorSyntax
import AuditLog
import FoundationEssentials
import Synchronization

/// One request from the log after deduplication: the mode it was logged in, its profile (and
/// hat or child), and what it asks. File requests on the same path and owner merge their
/// permissions, as upstream's hashlog does.
public struct LogprofItem: Sendable, Hashable {
    public var mode: AuditEventType
    public var profile: String
    public var hat: String?
    public var kind: EventKind

    public init(mode: AuditEventType, profile: String, hat: String? = nil, kind: EventKind) {
        self.mode = mode
        self.profile = profile
        self.hat = hat
        self.kind = kind
    }

    /// `profile//hat`, or the profile.
    public var fullName: String { hat.map { profile + "//" + $0 } ?? profile }
}

/// Why a log gave nothing to ask, for the message logprof prints.
public struct LogStatistics: Sendable, Equatable {
    public var lines = 0
    public var appArmorRecords = 0
    public var events = 0
}

/// The names of the profile folder's profiles, once loaded: reading threads ask without
/// waiting (nil until then), so a log's requests for profiles the folder lacks need not be kept.
public final class KnownProfiles: Sendable {
    private let names = Mutex<Set<String>?>(nil)

    public init() {}

    public func set(_ n: Set<String>) { names.withLock { $0 = n } }

    /// The names, or nil while they are not known yet.
    public var current: Set<String>? { names.withLock { $0 } }
}

/// Collects the distinct requests of one or more logs, in a stable order.
public struct LogprofEventCollector {
    public private(set) var items: [LogprofItem] = []
    public internal(set) var stats = LogStatistics()
    /// Requests left out because they give no valid rule (or name a hat that cannot be
    /// written), once each, with the reason: the other requests go on.
    public private(set) var refused: [(profile: String, reason: RuleRefusal)] = []
    private var refusedKeys = Set<LogprofItem>()
    private var refusedItems: [(LogprofItem, RuleRefusal)] = []
    private var index: [LogprofItem: Int] = [:]
    private var fileIndex: [FileKey: Int] = [:]
    /// `index` and `fileIndex` wait to be made again from `items` (`dropUnknownProfiles`).
    private var indexesStale = false

    struct FileKey: Hashable {
        var mode: AuditEventType
        var profile: String
        var hat: String?
        var path: LogBytes
        var owner: Bool

        func hash(into h: inout Hasher) {
            h.combine(mode)
            h.combine(profile)
            h.combine(hat)
            h.combine(logBytes: path)
            h.combine(owner)
        }
    }

    /// When set, requests of profiles the folder lacks are counted in `unknownProfiles` and
    /// not kept, from the moment the names are known (`dropUnknownProfiles` ends the job).
    public var known: KnownProfiles?
    private var knownNames: Set<String>?
    /// Top-level profiles named by requests that were not kept.
    public private(set) var unknownProfiles = Set<String>()

    public init(known: KnownProfiles? = nil) {
        self.known = known
    }

    static let nullPrefix = Array("null-".utf8)
    /// Repeats are recognised among this many distinct records read last (a few MB of keys).
    static let repeatMemory = 8192

    /// Reads every record of a source.
    public mutating func read(_ source: LineSource) {
        var reader = AuditLogReader(source: source, onlyAppArmor: true)
        // Once the folder's names are known and a request was counted (so the "nothing to
        // do" message cannot change), a record of a profile the folder lacks is left out
        // before it is parsed: on a busy host most are (the busy-host log: three in four).
        let skip = UnknownProfileLines()
        reader.skipLine = { skip.skips($0) }
        // A record that repeats one read before (the same line but for its audit stamp and
        // pid: `AuditRecord.repeatKey`) asks for what that one asked: it is counted as that
        // one was, and its requests are not worked out again (the busy-host log: two in three
        // of the records that are read). The keys of the last records read are kept, up to
        // `repeatMemory` of them.
        var repeats = ByteStringIndex()
        var counted: [(records: Int, events: Int)] = []
        var key: [UInt8] = []
        reader.forEachRecord { record, _ in
            record.repeatKey(into: &key)
            if let n = key.withUnsafeBufferPointer({ repeats.number(of: $0) }) {
                stats.appArmorRecords += counted[n].records
                stats.events += counted[n].events
                return
            }
            let before = (stats.appArmorRecords, stats.events)
            add(record)
            if repeats.count == Self.repeatMemory {
                repeats = ByteStringIndex()
                counted.removeAll(keepingCapacity: true)
            }
            _ = key.withUnsafeBufferPointer { repeats.insert($0) }
            counted.append((stats.appArmorRecords - before.0, stats.events - before.1))
            if skip.names == nil, stats.events > 0, let names = knownNames { skip.names = names }
        }
        stats.lines += source.lineNumber
        stats.appArmorRecords += skip.records
        unknownProfiles.formUnion(skip.profiles)
    }

    public mutating func add(_ record: AuditRecord) {
        switch record.event {
        case .allowed, .denied: stats.appArmorRecords += 1
        case .audit, .status, .error, .hint: stats.appArmorRecords += 1; return
        default: return
        }
        for e in EventExtraction.extract(record).events { add(e) }
    }

    public mutating func add(_ e: Event) {
        guard e.mode == .allowed || e.mode == .denied else { return }
        stats.events += 1
        let (p, h) = splitProfileName(e.profile)
        let name = Self.profileName(p)
        var hat = h.map { String(decoding: $0, as: UTF8.self) }
        // `parent//null-/usr/bin/kid`: the learning profile the kernel made for a child (Cx)
        // the parent lacks; its records are the new child's questions.
        if let hh = hat, hh.hasPrefix("null-") { hat = String(hh.dropFirst("null-".count)) }
        if let names = knownNames ?? resolveKnown(), !names.contains(name) {
            unknownProfiles.insert(name)
            return
        }
        if let h = h, hat != nil, QuotedString.name(h) == nil {
            refuse(LogprofItem(mode: e.mode, profile: name, hat: hat, kind: e.kind), RuleRefusal("hat name '\(hat!)' cannot be written"))
            return
        }
        var kind = e.kind
        if case .changeHat(let h) = kind, h.starts(with: Self.nullPrefix) { kind = .changeHat(hat: Array(h.dropFirst(Self.nullPrefix.count))) }
        // A file request's exec target is not part of the question.
        if case .file(var f) = kind, f.target != nil { f.target = nil; kind = .file(f) }
        insert(LogprofItem(mode: e.mode, profile: name, hat: hat, kind: kind))
    }

    /// The folder profile a request's top-level profile name is asked of: itself, or for
    /// `null-...` (a learning profile the kernel made) `null-complain-profile`.
    static func profileName(_ top: LogBytes) -> String {
        let name = String(decoding: top, as: UTF8.self)
        return name.hasPrefix("null-") ? "null-complain-profile" : name
    }

    private mutating func resolveKnown() -> Set<String>? {
        guard let k = known, let names = k.current else { return nil }
        knownNames = names
        return names
    }

    /// Leaves out the requests of profiles not in `names` (the folder's top-level profiles).
    public mutating func dropUnknownProfiles(_ names: Set<String>) {
        knownNames = names
        guard items.contains(where: { !names.contains($0.profile) }) else { return }
        for i in items where !names.contains(i.profile) { unknownProfiles.insert(i.profile) }
        items.removeAll { !names.contains($0.profile) }
        // The look-up tables are made again only if a request is added after this (the usual
        // next step hands the items over and needs none).
        indexesStale = true
        index = [:]
        fileIndex = [:]
    }

    private mutating func rebuildIndexes() {
        indexesStale = false
        for (k, i) in items.enumerated() {
            if case .file(let f) = i.kind {
                fileIndex[FileKey(mode: i.mode, profile: i.profile, hat: i.hat, path: f.path, owner: f.owner)] = k
            } else {
                index[i] = k
            }
        }
    }

    /// Adds a request: a file request merges its permissions into an earlier one on the same
    /// path and owner, any other is kept once.
    private mutating func insert(_ item: LogprofItem) {
        if indexesStale { rebuildIndexes() }
        if case .file(let f) = item.kind {
            let key = FileKey(mode: item.mode, profile: item.profile, hat: item.hat, path: f.path, owner: f.owner)
            if let at = fileIndex[key], case .file(var old) = items[at].kind {
                old.permissions.formUnion(f.permissions)
                items[at].kind = .file(old)
                return
            }
            fileIndex[key] = items.count
            items.append(item)
            return
        }
        if index[item] == nil {
            if case .changeHat = item.kind, let why = Self.refusal(item.kind) { refuse(item, why); return }
            index[item] = items.count
            items.append(item)
        }
    }

    /// Adds what `other` collected after what this one did (the parts of one log read at once),
    /// as if its records had been read here.
    public mutating func merge(_ other: LogprofEventCollector) {
        stats.lines += other.stats.lines
        stats.appArmorRecords += other.stats.appArmorRecords
        stats.events += other.stats.events
        unknownProfiles.formUnion(other.unknownProfiles)
        for (item, why) in other.refusedItems { refuse(item, why) }
        // Room for all of them at once: no table made again (every key hashed again) midway.
        if indexesStale { rebuildIndexes() }
        fileIndex.reserveCapacity(fileIndex.count + other.fileIndex.count)
        index.reserveCapacity(index.count + other.index.count)
        for item in other.items { insert(item) }
    }

    /// Why a request gives no rule that can be written, or nil: its rule (for exec, the `ix`
    /// rule; for change_hat, the hat's name) must be one valid rule. Hat names are judged as
    /// records are read; rules when the session reaches a request of a profile the folder has
    /// (`LogprofSession.next`), so that requests never asked cost no check.
    static func refusal(_ kind: EventKind) -> RuleRefusal? {
        if case .changeHat(let hat) = kind {
            return QuotedString.name(hat) == nil ? RuleRefusal("hat name '\(String(decoding: hat, as: UTF8.self))' cannot be written") : nil
        }
        if case .refused(let why) = RuleText.outcome(for: kind) { return why }
        return nil
    }

    private mutating func refuse(_ item: LogprofItem, _ why: RuleRefusal) {
        if refusedKeys.insert(item).inserted {
            refused.append((item.fullName, why))
            refusedItems.append((item, why))
        }
    }

    /// Upstream's question order: complain-mode requests first, then enforce-mode; profiles
    /// sorted; a profile before its hats; rule kinds in upstream's order; log order within.
    public func ordered() -> [LogprofItem] {
        // Positions sorted by keys worked out once (not per comparison), then the items.
        let keys = items.map(Self.sortKey)
        let order = keys.indices.sorted { a, b in
            let ka = keys[a], kb = keys[b]
            if ka.mode != kb.mode { return ka.mode < kb.mode }
            if ka.profile != kb.profile { return ka.profile < kb.profile }
            if ka.hat != kb.hat { return ka.hat < kb.hat }
            if ka.kind != kb.kind { return ka.kind < kb.kind }
            return a < b
        }
        return order.map { items[$0] }
    }

    /// The items in question order, handed over: the collector keeps its statistics and what
    /// it refused, not a second copy of every request and its look-up tables.
    public mutating func takeOrdered() -> [LogprofItem] {
        let out = ordered()
        items = []
        index = [:]
        fileIndex = [:]
        indexesStale = false
        return out
    }

    static func sortKey(_ i: LogprofItem) -> (mode: Int, profile: String, hat: String, kind: Int) {
        (i.mode == .allowed ? 0 : 1, i.profile, i.hat ?? "", kindOrder(i.kind))
    }

    /// exec and change_hat come first (their own prompts), then upstream's rule-type order.
    static func kindOrder(_ k: EventKind) -> Int {
        switch k {
        case .exec: 0
        case .changeHat: 1
        case .capability: 2
        case .changeProfile: 3
        case .dbus: 4
        case .file: 5
        case .network: 6
        case .ptrace: 7
        case .signal: 8
        case .userns: 9
        case .mqueue: 10
        case .ioUring: 11
        case .mount: 12
        case .pivotRoot: 13
        case .unix: 14
        }
    }
}
