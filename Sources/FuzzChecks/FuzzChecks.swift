import AppArmorEdit
import AppArmorPolicy
import AppArmorSyntax
import AuditLog
import FoundationEssentials
import PolicyAnalysis
import ProfileTools
#if canImport(Glibc)
import Glibc
#endif

/// The properties the fuzz targets (Fuzz/, `make fuzz`) check on every input, and the
/// regression tests replay on each input that once broke one. Each check returns nil when the
/// input passes, else what went wrong; a crash or a hang is a failure too.
public enum FuzzChecks {
    /// Which property a target checks.
    public enum Target: String, CaseIterable, Sendable {
        case parser, log, plan
    }

    /// Profile folders for `logprof(_:)`, one per process, emptied between inputs.
    nonisolated(unsafe) static var logprofFolder: String?

    /// libFuzzer's test function for one target: stops the run (a crash libFuzzer keeps) when a
    /// property fails. Each fuzz executable's `LLVMFuzzerTestOneInput` calls only this.
    public static func fuzzOne(_ target: Target, _ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
        if let problem = check(target, Array(UnsafeBufferPointer(start: data, count: size))) {
            fatalError("fuzz \(target.rawValue): \(problem)")
        }
        return 0
    }

    public static func check(_ target: Target, _ bytes: [UInt8]) -> String? {
        switch target {
        case .parser: parser(bytes)
        case .log: log(bytes, strict: true) ?? logprof(bytes)
        case .plan: plan(bytes)
        }
    }

    /// The parser gives back every byte (the tree is lossless), and checking the file neither
    /// crashes nor runs out of stack. Inputs naming an include are parsed only: the check
    /// would read whatever file they name.
    public static func parser(_ bytes: [UInt8]) -> String? {
        let r = Parser.parse(path: "fuzz", bytes: bytes)
        guard r.printedBytes == bytes else { return "the tree does not print back the input" }
        var offset = 0
        var gap: Int?
        r.root.forEachToken { t in
            if gap == nil, t.fullRange.lowerBound != offset { gap = offset }
            offset = t.fullRange.upperBound
        }
        if let gap { return "the tokens do not cover the input contiguously at byte \(gap)" }
        guard r.diagnostics.count <= Parser.maxDiagnostics + 1 else { return "\(r.diagnostics.count) diagnostics: not capped" }
        if !contains(bytes, Array("include".utf8)) {
            let checker = PolicyChecker(options: CheckOptions(searchPath: IncludeSearchPath(includeDirs: [], base: "/nonexistent")))
            let report = checker.check(path: "fuzz", bytes: bytes)
            for d in report.diagnostics where d.diagnostic.message.utf8.count > Diagnostic.maxMessageBytes + 20 {
                return "a diagnostic message of \(d.diagnostic.message.utf8.count) bytes"
            }
            if let problem = formatting(bytes) ?? linting(bytes) { return problem }
        }
        return nil
    }

    static func noIncludes() -> PolicyChecker {
        PolicyChecker(options: CheckOptions(searchPath: IncludeSearchPath(includeDirs: [], base: "/nonexistent")))
    }

    /// `fmt`: what it formats (it refuses a change of tokens or of the policy model) it formats
    /// for good: formatting the result again changes nothing.
    public static func formatting(_ bytes: [UInt8]) -> String? {
        let f = ProfileFormatter(sortPermissions: true)
        guard let once = try? f.format(path: "fuzz", bytes: bytes, checker: noIncludes()), once.hasChanges else { return nil }
        guard let out = try? once.resultBytes() else { return "fmt's edits do not apply" }
        let twice: EditedFile
        do { twice = try f.format(path: "fuzz", bytes: out, checker: noIncludes()) } catch { return "fmt refuses its own output: \(error)" }
        return twice.hasChanges ? "fmt is not idempotent" : nil
    }

    /// `lint` on the input as a profile file: no crash, and every finding points inside it.
    public static func linting(_ bytes: [UInt8]) -> String? {
        guard let dir = freshFolder() else { return nil }
        let path = dir + "/fuzz"
        guard (try? Data(bytes).write(to: URL(fileURLWithPath: path))) != nil else { return nil }
        let results = LintRunner(options: LintOptions(folder: dir)).lint([path])
        for r in results {
            for f in r.findings where f.file == path {
                if f.range.lowerBound < 0 || f.range.upperBound > bytes.count || f.line < 1 || f.column < 1 {
                    return "lint \(f.rule.id) at \(f.line):\(f.column), bytes \(f.range), outside the \(bytes.count)-byte file"
                }
            }
        }
        return nil
    }

    /// Log lines through the record reader and `decode-log --format profile`: every file rule
    /// written names exactly one path, and that path was logged (as a name or a link target).
    /// With `strict`, also: the profile text parses and checks without error, and every peer,
    /// address, D-Bus name, change_profile target and mount value is a single literal too.
    public static func log(_ bytes: [UInt8], strict: Bool = false) -> String? {
        guard let source = pipeSource(bytes) else { return nil }
        var builder = ProfileProposalBuilder()
        var logged: Set<[UInt8]> = []
        // The policy model reads paths as Strings: a byte that is not UTF-8 comes back as U+FFFD,
        // so the logged names are compared the same way.
        func asRead(_ n: [UInt8]) -> [UInt8] { Array(String(decoding: n, as: UTF8.self).utf8) }
        AuditLogReader(source: source, onlyAppArmor: true).forEachRecord { record, _ in
            if let n = record.name { logged.insert(asRead(n)) }
            if let n = record.name2 { logged.insert(asRead(n)) }
            builder.add(record)
        }
        let text = builder.renderProfiles()
        let checker = PolicyChecker(options: CheckOptions(searchPath: IncludeSearchPath(includeDirs: [], base: "/nonexistent")))
        let report = checker.check(path: "proposal", bytes: text)
        if strict, let e = report.diagnostics.first(where: \.isError) {
            return "the written profile does not check: \(e.oneLine)"
        }
        var problem: String?
        func visit(_ p: Profile) {
            for rule in p.rules where problem == nil {
                switch rule.detail {
                case .file(let f):
                    guard let path = f.path else { continue }
                    guard let exact = singleString(path) else {
                        problem = "file rule '\(path)' matches more than one path"
                        continue
                    }
                    if !logged.contains(exact) { problem = "file rule '\(path)' names a path no record logged" }
                case .access(let a) where strict:
                    for c in a.conditions where problem == nil {
                        for v in c.values where singleString(v) == nil {
                            problem = "\(c.key)=\(v) matches more than one value"
                        }
                    }
                case .changeProfile(let c) where strict:
                    if let t = c.target, singleString(t) == nil { problem = "change_profile -> \(t) matches more than one profile" }
                default:
                    continue
                }
            }
            for child in p.children where problem == nil { visit(child) }
        }
        for p in report.policy.profiles { visit(p) }
        return problem
    }

    /// Log lines through logprof's engine as `--allow-all` runs it, on a folder holding an
    /// empty complain-mode profile for each profile the records name: each file request is
    /// answered with its literal path, each other request with its own rule, each exec with
    /// `ix`, each hat added. The plan either applies (every edited file loads as
    /// apparmor_parser would, which the load check enforces) or is refused with an error, and
    /// every file rule written names one path that a record logged.
    public static func logprof(_ bytes: [UInt8]) -> String? {
        guard let dir = freshFolder() else { return nil }
        var collector = LogprofEventCollector()
        guard let source = pipeSource(bytes) else { return nil }
        collector.read(source)
        var logged: Set<[UInt8]> = []
        var names: [String] = []
        for item in collector.items {
            switch item.kind {
            case .file(let f): logged.insert(Array(String(decoding: f.path, as: UTF8.self).utf8))
            case .exec(let path, _): logged.insert(Array(String(decoding: path, as: UTF8.self).utf8))
            default: break
            }
            if !names.contains(item.profile), names.count < 8 { names.append(item.profile) }
        }
        for (i, name) in names.enumerated() {
            guard let token = QuotedString.name(Array(name.utf8)) else { continue }
            let text = "profile " + token + " flags=(complain) {\n}\n"
            guard FileManager.default.createFile(atPath: dir + "/p\(i)", contents: Data(text.utf8)) else { return nil }
        }
        let policy = LogprofPolicy(dir: dir)
        let session = LogprofSession(policy: policy, config: LogprofConfig(), severity: SeverityDB(text: ""), items: collector.ordered())
        session.noAbstraction = true
        session.tunableOptions = false
        var asked = 0
        while let q = session.next(), asked < 500 {
            asked += 1
            switch q {
            case .rule(var r):
                if case .file(let f) = r.item.kind, let at = r.paths.firstIndex(of: QuotedString.literal(f.path)) {
                    r.selected = r.includes.count + at
                }
                session.answer(r, deny: false)
            case .exec(let e): _ = session.answerExec(e, .inherit)
            case .hat(let h): session.addHat(h)
            }
        }
        let files: [PlannedFile]
        do {
            files = try LogprofApply.plan(LogprofPlan(profileDir: dir, changes: session.changes))
        } catch {
            return nil  // refused, with a reason: nothing is written
        }
        for f in files {
            let checker = PolicyChecker(options: CheckOptions(searchPath: IncludeSearchPath(includeDirs: [], base: dir)))
            let report = checker.check(path: f.path, bytes: f.new)
            var problem: String?
            func visit(_ p: Profile) {
                for rule in p.rules where problem == nil {
                    guard case .file(let fr) = rule.detail, let path = fr.path else { continue }
                    guard let exact = singleString(path) else { problem = "logprof wrote '\(path)', which matches more than one path"; continue }
                    if !logged.contains(exact) { problem = "logprof wrote '\(path)', which no record logged" }
                }
                for child in p.children where problem == nil { visit(child) }
            }
            for p in report.policy.profiles { visit(p) }
            if let problem { return problem }
        }
        return nil
    }

    /// An empty folder of this process's own, for `logprof(_:)`.
    static func freshFolder() -> String? {
        if let dir = logprofFolder {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] {
                try? FileManager.default.removeItem(atPath: dir + "/" + name)
            }
            return dir
        }
        var template = Array("/tmp/aaswift-fuzz-logprof-XXXXXX".utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else { return nil }
        let dir = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        logprofFolder = dir
        return dir
    }

    /// A plan file: loading never crashes, and a plan that loads encodes and loads back equal.
    public static func plan(_ bytes: [UInt8]) -> String? {
        guard let p = try? LogprofPlan.decode(Data(bytes)) else { return nil }
        guard let again = try? LogprofPlan.decode(p.encoded()) else { return "a loaded plan does not load back once encoded" }
        return again == p ? nil : "a loaded plan changes when encoded and loaded back"
    }

    // MARK: helpers

    /// The one string an AARE pattern matches, or nil when it matches several (a wildcard, an
    /// alternation) or is not valid.
    public static func singleString(_ pattern: String) -> [UInt8]? {
        guard let p = try? AAREPattern(pattern) else { return nil }
        var out: [UInt8] = []
        func walk(_ n: AARENode) -> Bool {
            switch n {
            case .byte(let b): out.append(b); return true
            case .sequence(let items): return items.allSatisfy(walk)
            default: return false
            }
        }
        return walk(p.root) ? out : nil
    }

    static func contains(_ hay: [UInt8], _ needle: [UInt8]) -> Bool {
        guard hay.count >= needle.count else { return false }
        for i in 0...(hay.count - needle.count) where hay[i..<(i + needle.count)].elementsEqual(needle) { return true }
        return false
    }

    /// The bytes as a line source, through an unlinked temporary file.
    static func pipeSource(_ bytes: [UInt8]) -> LineSource? {
        var template = Array("/tmp/aaswift-fuzz-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return nil }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
            if n <= 0 { break }
            written += n
        }
        lseek(fd, 0, SEEK_SET)
        return LineSource(fd: fd, ownsFD: true)
    }
}
