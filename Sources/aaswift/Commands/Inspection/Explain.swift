import AppArmorPolicy
import AppArmorSyntax
import ArgumentParser
import AuditLog
import FoundationEssentials
import PolicyAnalysis
import ProfileTools
import SystemAppArmor

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain why a profile allows, denies or does not cover a request.",
        discussion: """
            Loads the profile as apparmor_parser does (includes and variables resolved) and \
            answers for one request: allowed, denied, or not covered. A request no rule covers \
            is allowed and logged in complain mode and denied in enforce mode; the answer says \
            which mode the profile is in. Every rule that takes part is listed with its \
            file:line (and the include statements that lead to it, for rules of abstractions), \
            the rule as written and its pattern with variables expanded, and why it counts: a \
            deny rule wins over allow rules, an owner rule applies only to files the task owns, \
            audit logs the request, an exec rule's x transition (ix, Px -> target, ...).

            PROFILE is a profile name (parent//child for a hat or child), a program (its \
            attachment), or a profile file, found in --dir (default /etc/apparmor.d) as \
            complain and cleanprof find them. Includes are found over the -I folders, then \
            --base (default --dir).

            The request is one of:
              --path P --perms PERMS     a file access (m r w a l k x); --not-owner: the task does not own P
              --capability C             capability C
              --network DOMAIN [TYPE]    network DOMAIN [TYPE]
              --signal SIG [--peer L]    sending signal SIG (to label L)
              --exec P                   executing P: which rule decides and its transition
              --from-log LOG             every AppArmor record of LOG (audit.log, syslog, journal), as audit2why does;
                                         PROFILE is then optional (each record names its profile)

            Exit status: 0 allowed (every record allowed, with --from-log), 1 denied or not \
            covered (any record, with --from-log), 2 a usage error or a profile not found.

            Examples:
              aaswift explain /usr/bin/foo --path /etc/shadow --perms r
              aaswift explain -d ./profiles usr.bin.foo --exec /usr/bin/bar --json
              aaswift explain --from-log /var/log/audit/audit.log
            """
    )

    @Argument(help: "A profile name, program or profile file.")
    var profile: String?

    @OptionGroup var folder: PolicyFolderOptions

    /// The profile folder (`-d`).
    var dir: String { folder.folder.profileFolder }

    @Option(help: "A file path to ask about (with --perms).")
    var path: String?

    @Option(help: "The file permissions asked for: letters of m r w a l k x.")
    var perms: String?

    @Flag(name: .customLong("not-owner"), help: "The task does not own the file (owner rules do not apply).")
    var notOwner = false

    @Option(help: "A capability name (net_admin, sys_ptrace, ...).")
    var capability: String?

    @Option(parsing: .upToNextOption, help: ArgumentHelp("A network domain and optional type.", valueName: "DOMAIN [TYPE]"))
    var network: [String] = []

    @Option(help: "A signal name sent (hup, term, ...).")
    var signal: String?

    @Option(help: "The label the signal is sent to (with --signal).")
    var peer: String?

    @Option(help: "A program executed: the rule that decides and its transition.")
    var exec: String?

    @Option(name: .customLong("from-log"), help: "Explain every AppArmor record of a log.")
    var fromLog: String?

    @Flag(help: "One JSON object per explanation.")
    var json = false

    func validate() throws {
        let asked = [path != nil, capability != nil, !network.isEmpty, signal != nil, exec != nil, fromLog != nil].filter { $0 }.count
        if asked != 1 { throw ValidationError("give exactly one of --path, --capability, --network, --signal, --exec, --from-log") }
        if path != nil, perms == nil { throw ValidationError("--path needs --perms") }
        if perms != nil, path == nil { throw ValidationError("--perms goes with --path") }
        if let perms, PermissionSet(letters: perms) == nil || perms.isEmpty { throw ValidationError("--perms: '\(perms)' is not a set of m r w a l k x") }
        if peer != nil, signal == nil { throw ValidationError("--peer goes with --signal") }
        if network.count > 2 { throw ValidationError("--network takes a domain and an optional type") }
        if profile == nil, fromLog == nil { throw ValidationError("give a profile") }
    }

    func run() throws {
        let checker = PolicyChecker(options: CheckOptions(searchPath: folder.folder.searchPath))
        let explainer = Explainer(checker: checker)
        var explanations: [Explanation] = []
        if let fromLog {
            explanations = try explainLog(fromLog, explainer: explainer)
        } else {
            let (file, name) = try resolve(profile!)
            let p = try load(file, name: name, checker: checker)
            explainer.rootFile = p.file
            explanations = [explainer.explain(try request(reader: RuleTextReader()), in: p)]
        }
        var out = OutputBuffer(fd: 1)
        for e in explanations { out.write(json ? ExplainOutput.json(e) + "\n" : ExplainOutput.text(e)) }
        out.flush()
        if explanations.contains(where: { $0.verdict != .allowed }) { throw ExitCode(1) }
    }

    /// The request the options ask about.
    func request(reader: RuleTextReader) throws -> ExplainRequest {
        if let path, let perms, let set = PermissionSet(letters: perms) {
            return ExplainRequest(kind: .file(path: Array(path.utf8), permissions: set, owner: !notOwner),
                                  label: "\(notOwner ? "" : "owner ")\(QuotedString.literal(Array(path.utf8))) \(set.text)")
        }
        if let exec { return ExplainRequest(kind: .exec(path: Array(exec.utf8)), label: "exec \(QuotedString.literal(Array(exec.utf8)))") }
        var text: String
        if let capability {
            text = "capability " + QuotedString.quoteIfNeeded(Array(capability.utf8))
        } else if !network.isEmpty {
            text = "network " + network.map { QuotedString.quoteIfNeeded(Array($0.utf8)) }.joined(separator: " ")
        } else {
            text = "signal send set=" + QuotedString.quoteIfNeeded(Array((signal ?? "").utf8))
            if let peer { text += " peer=" + QuotedString.quoteIfNeeded(Array(peer.utf8)) }
        }
        guard let r = ExplainRequest.rule(text, reader: reader) else { throw ValidationError("'\(text)' is not a request the policy language can express") }
        return r
    }

    /// The profile file and profile name an argument names (`PolicyFolder.profileFile`: a
    /// profile file given by path, else the profile of a name or program in the folder).
    func resolve(_ arg: String) throws -> (String, String?) {
        let t = try folder.folder.profileFile(arg)
        return (t.file, t.profileName)
    }

    func load(_ file: String, name: String?, checker: PolicyChecker) throws -> Profile {
        let report = checker.check(path: file)
        for d in report.errors.prefix(3) { StandardStream.standardError.write(Data("aaswift explain: \(file): \(d.diagnostic.message)\n".utf8)) }
        guard let p = Explainer.profile(named: name, in: report.policy.profiles) else {
            let names = Explainer.allProfiles(report.policy.profiles).map(\.name)
            throw ValidationError(name.map { "\(file) has no profile '\($0)'" }
                ?? "\(file) defines \(names.count) profiles (\(names.joined(separator: ", "))): name one")
        }
        return p
    }

    /// Each AppArmor record of the log, explained in the profile it names (only PROFILE's when
    /// given).
    func explainLog(_ log: String, explainer: Explainer) throws -> [Explanation] {
        guard let source = LineSource(path: log) else { throw ValidationError("\(log): cannot read the log") }
        let only = try profile.map { try resolve($0) }
        let reader = RuleTextReader()
        var loaded: [String: Profile?] = [:]
        var out: [Explanation] = []
        let resolver = ModeTargetResolver(folder: dir)
        AuditLogReader(source: source, onlyAppArmor: true).forEachRecord { record, line in
            for event in EventExtraction.extract(record).events {
                let name = String(decoding: event.profile, as: UTF8.self)
                if loaded[name] == nil {
                    var p: Profile?
                    if let only {
                        p = try? load(only.0, name: only.1 ?? name, checker: explainer.checker)
                        if let q = p, q.name != name, only.1 != nil { p = nil }
                    } else {
                        let top = name.components(separatedBy: "//")[0]
                        if let t = resolver.byName(top) { p = try? load(t.file, name: name, checker: explainer.checker) }
                    }
                    loaded[name] = .some(p)
                }
                var request = ExplainRequest.from(event.kind, reader: reader)
                request.label = "\(log):\(line): " + request.label + " (the record: \(event.mode.keyword))"
                guard let p = loaded[name] ?? nil else {
                    if only == nil {
                        out.append(.noProfile(request: request.label, name: name, folder: dir))
                    }
                    continue
                }
                explainer.rootFile = p.file
                out.append(explainer.explain(request, in: p))
            }
        }
        return out
    }
}

/// The text and JSON layouts of an explanation.
enum ExplainOutput {
    static func text(_ e: Explanation) -> String {
        var s = "\(e.request)\n  profile \(e.profile) (\(e.mode) mode)\(e.profileFile.isEmpty ? "" : ", \(e.profileFile)")\n"
        s += "  \(e.verdict.rawValue.uppercased()): \(e.summary)\n"
        for r in e.rules {
            s += "  \(r.location): \(r.text)\(r.applies ? "" : "  [does not apply]")\n"
            if !r.includedVia.isEmpty { s += "      included via \(r.includedVia.joined(separator: " -> "))\n" }
            if let x = r.expanded, !r.text.contains(x) { s += "      pattern \(x)\n" }
            for why in r.reasons { s += "      \(why)\n" }
        }
        if e.rules.isEmpty { s += "  no rule of the profile matches\n" }
        return s
    }

    static func json(_ e: Explanation) -> String {
        JSONOutput.dense([
            "request": .string(e.request), "profile": .string(e.profile), "file": .string(e.profileFile),
            "mode": .string(e.mode), "verdict": .string(e.verdict.rawValue), "summary": .string(e.summary),
            "logged": .bool(e.logged), "missing": e.missing.map(JSONOutput.string) ?? .null,
            "rules": .array(e.rules.map { r in
                .object([
                    ("file", .string(r.file)), ("line", .integer(r.line)), ("included_via", .array(r.includedVia.map(JSONOutput.string))),
                    ("text", .string(r.text)), ("pattern", r.expanded.map(JSONOutput.string) ?? .null), ("effect", .string(r.effect)),
                    ("applies", .bool(r.applies)), ("reasons", .array(r.reasons.map(JSONOutput.string))),
                ])
            }),
        ])
    }
}
