import AASwiftTestSupport
import AppArmorPolicy
import AppArmorSyntax
import AuditLog
import Foundation
import XCTest

/// Every log field that becomes rule text, with crafted values (globs, `@{`, braces,
/// parentheses, commas, quotes, backslashes, newlines): each gives a rule that grants exactly the
/// logged value (our AARE matcher matches it and nothing next to it) and that apparmor_parser
/// 3.0.8 and 4.1 both load; closed-vocabulary fields refuse anything but a plain word.
final class LogFieldQuotingTableTests: XCTestCase {
    static let crafted: [[UInt8]] = [
        "*", "**", "{,**}", "a,b", "{a,b}", "@{HOME}", "x)", "(x", "}", "x y", "q\"", "b\\s", "new\nline", "!x",
        "#c", "k=v", "[ab]", "^", "?", "a//b", "->x", "é", "x\\", "\\", "@{HOME}/inj", "a\tb", "x,/**",
    ].map { Array($0.utf8) } + [[0x66, 0xFF], [0x01]]

    struct Case {
        let field: String
        let literal: [UInt8]
        let kind: EventKind
        /// Rule kinds apparmor_parser 3.0.8 does not have are loaded by 4.1 only.
        var newSyntax = false
    }

    static func cases(_ v: [UInt8]) -> [Case] {
        func b(_ s: String) -> [UInt8] { Array(s.utf8) }
        let label = b("/usr/bin/inj//null-/tmp/") + v
        return [
            Case(field: "file path", literal: b("/tmp/") + v, kind: .file(FileAccess(path: b("/tmp/") + v, permissions: [.read, .write], owner: true))),
            Case(field: "exec path", literal: b("/tmp/") + v, kind: .exec(path: b("/tmp/") + v, target: nil)),
            Case(field: "change_profile target", literal: b("/usr/bin/") + v, kind: .changeProfile(target: b("/usr/bin/") + v)),
            Case(field: "change_profile bare target", literal: v, kind: .changeProfile(target: v)),
            Case(field: "signal peer", literal: label, kind: .signal(access: ["send"], signals: ["kill"], peer: label)),
            Case(field: "ptrace peer", literal: label, kind: .ptrace(access: ["read"], peer: label)),
            Case(field: "unix addr", literal: b("@") + v, kind: .unix(UnixAccess(access: ["bind"], sockType: b("stream"), addr: b("@") + v))),
            Case(field: "unix peer addr", literal: b("@") + v, kind: .unix(UnixAccess(access: ["connect"], sockType: b("stream"), peerAddr: b("@") + v))),
            Case(field: "unix peer label", literal: label, kind: .unix(UnixAccess(access: ["connect"], sockType: b("stream"), peerLabel: label))),
            Case(field: "dbus path", literal: b("/org/") + v, kind: .dbus(DBusAccess(access: ["send"], bus: b("system"), path: b("/org/") + v, interface: b("org.x"), member: b("M")))),
            Case(field: "dbus interface", literal: b("org.") + v, kind: .dbus(DBusAccess(access: ["send"], bus: b("system"), path: b("/org/x"), interface: b("org.") + v, member: b("M")))),
            Case(field: "dbus member", literal: b("M") + v, kind: .dbus(DBusAccess(access: ["send"], bus: b("system"), path: b("/org/x"), interface: b("org.x"), member: b("M") + v))),
            Case(field: "dbus peer label", literal: label, kind: .dbus(DBusAccess(access: ["send"], bus: b("system"), path: b("/org/x"), member: b("M"), peerLabel: label))),
            Case(field: "dbus name", literal: b("org.") + v, kind: .dbus(DBusAccess(access: ["bind"], bus: b("session"), name: b("org.") + v))),
            Case(field: "dbus bus", literal: b("s") + v, kind: .dbus(DBusAccess(access: ["bind"], bus: b("s") + v, name: b("org.x")))),
            Case(field: "mount fstype", literal: b("ext") + v, kind: .mount(MountAccess(operation: .mount, fsType: b("ext") + v, options: ["ro"], source: b("/dev/sda1"), mountPoint: b("/mnt/")))),
            Case(field: "mount point", literal: b("/mnt/") + v, kind: .mount(MountAccess(operation: .mount, fsType: b("ext4"), options: [], source: b("/dev/sda1"), mountPoint: b("/mnt/") + v))),
            Case(field: "umount point", literal: b("/mnt/") + v, kind: .mount(MountAccess(operation: .umount, options: [], mountPoint: b("/mnt/") + v))),
            Case(field: "pivot_root new root", literal: b("/new/") + v, kind: .pivotRoot(oldRoot: b("/old/"), newRoot: b("/new/") + v)),
            Case(field: "mqueue name", literal: b("/q") + v, kind: .mqueue(access: ["read"], type: "posix", name: b("/q") + v), newSyntax: true),
            Case(field: "io_uring label", literal: label, kind: .ioUring(access: ["override_creds"], label: label), newSyntax: true),
        ]
    }

    /// Every word or string token of a node, depth first.
    static func valueTokens(_ n: SyntaxNode) -> [Token] {
        n.children.flatMap { c -> [Token] in
            switch c {
            case .token(let t): return t.kind == .word || t.kind == .string ? [t] : []
            case .node(let m): return valueTokens(m)
            }
        }
    }

    /// Why the rule does not grant exactly `literal` through one of its tokens, or nil.
    static func exactness(_ line: String, _ literal: [UInt8]) -> String? {
        let r = Parser.parse(path: "<rule>", bytes: Array("profile p {\n  \(line)\n}\n".utf8))
        guard !r.hasErrors, let p = r.profiles.first, p.items.count == 1 else { return "does not parse as one rule" }
        let matchers = valueTokens(p.items[0]).compactMap { try? AAREMatcher(AAREPattern(bytes: r.valueBytes($0))) }
        let hits = matchers.filter { $0.matches(bytes: literal) }
        guard hits.count == 1, let m = hits.first else { return "\(hits.count) tokens match the value" }
        var near: [[UInt8]] = [literal + [0x61], literal + Array("/x".utf8), Array(literal.dropLast())]
        if let last = literal.last { near.append(Array(literal.dropLast()) + [last == 0x61 ? 0x62 : 0x61]) }
        if let wider = near.first(where: { $0 != literal && m.matches(bytes: $0) }) {
            return "also matches \(String(decoding: wider, as: UTF8.self).debugDescription)"
        }
        return nil
    }

    func testEveryFieldGrantsExactlyTheLoggedValueAndLoads() throws {
        var old: [String] = [], new: [String] = [], failures: [String] = [], refused = 0
        for v in Self.crafted {
            for c in Self.cases(v) {
                let what = "\(c.field) \(String(decoding: c.literal, as: UTF8.self).debugDescription)"
                switch RuleText.outcome(for: c.kind) {
                case .rule(let p):
                    if let why = Self.exactness(p.line, c.literal) { failures.append("\(what): \(p.line): \(why)") }
                    if !c.newSyntax { old.append(p.line) }
                    new.append(p.line)
                case .refused(let why):
                    // Only a value no rule can name may be refused: a control byte in a path.
                    refused += 1
                    if !c.literal.contains(where: { $0 < 0x20 }) { failures.append("\(what): refused: \(why)") }
                case .none:
                    failures.append("\(what): no rule")
                }
            }
        }
        XCTAssertEqual(failures, [])
        XCTAssertGreaterThan(old.count, 400)
        try Self.load(old, with: Fixtures.localParser.map { ($0, ["-M", Fixtures.conformance("parser-features_files/features.all").path]) }, name: "3.0.8")
        try Self.load(new, with: Fixtures.trixieParser.map { ($0, []) }, name: "4.1")
    }

    /// Keyword fields refuse crafted values: no quoting makes `a*` a capability.
    func testKeywordFieldsRefuseAnythingButAWord() {
        for v in Self.crafted + [Array("sys_admin, /** rwk".utf8), Array("kill) peer=(/**".utf8)] {
            let s = String(decoding: v, as: UTF8.self)
            let kinds: [EventKind] = [
                .capability(s),
                .network(NetworkAccess(access: ["create"], family: v, sockType: Array("stream".utf8), localPort: 0, peerPort: 0)),
                .network(NetworkAccess(access: ["create"], family: Array("inet".utf8), sockType: v, localPort: 0, peerPort: 0)),
                .network(NetworkAccess(access: ["connect"], family: Array("inet".utf8), sockType: Array("stream".utf8), localPort: 0, peerAddr: v, peerPort: 80)),
                .signal(access: ["send"], signals: [s], peer: Array("unconfined".utf8)),
                .signal(access: [s], signals: ["kill"], peer: nil),
                .ptrace(access: [s], peer: Array("unconfined".utf8)),
                .mount(MountAccess(operation: .mount, options: [s], mountPoint: Array("/mnt".utf8))),
                .unix(UnixAccess(access: ["connect"], sockType: v)),
            ]
            for k in kinds {
                if case .rule(let p) = RuleText.outcome(for: k) { XCTFail("\(s.debugDescription) gave \(p.line)") }
            }
        }
        // The odd records of the fuzzing round: each refused with a reason, none written.
        let odd: [EventKind] = [
            .file(FileAccess(path: [0], permissions: [.write], owner: true)),
            .capability("send receive"),
            .network(NetworkAccess(access: [], family: [], sockType: Array("dgram".utf8), localPort: 10580, peerPort: 0)),
            .network(NetworkAccess(access: ["wc"], family: Array("unknown(1234)".utf8), localPort: 0, peerPort: 0)),
            .mqueue(access: ["rwxmlkaxPUCNIXix"], type: "sysv", name: Array("123".utf8)),
            .file(FileAccess(path: Array("rw:x".utf8), permissions: [.read], owner: false)),
            .file(FileAccess(path: Array("@{HOME}/inj".utf8), permissions: [.read], owner: false)),
        ]
        for k in odd {
            if case .rule(let p) = RuleText.outcome(for: k) { XCTFail("\(k) gave \(p.line)") }
        }
    }

    /// Hat names from a log (`profile//hat`) in decode-log's profile output: the file loads and
    /// names exactly the logged hat; names no token can hold are left out.
    func testHatNamesFromTheLog() throws {
        var builder = ProfileProposalBuilder()
        var expected: [String] = []
        for v in Self.crafted {
            let full = Array("/usr/bin/inj//".utf8) + v
            builder.add(Event(mode: .allowed, profile: full, kind: .file(FileAccess(path: Array("/etc/x".utf8), permissions: [.read], owner: false))))
            if QuotedString.name(v) != nil, !v.contains(where: { $0 < 0x20 || $0 >= 0x80 }) {
                expected.append("/usr/bin/inj//" + String(decoding: v, as: UTF8.self))
            }
        }
        XCTAssertEqual(builder.refused.count, Self.crafted.filter { QuotedString.name($0) == nil }.count)
        let text = builder.renderProfiles()
        let r = Parser.parse(path: "<hats>", bytes: text)
        XCTAssertFalse(r.hasErrors, r.diagnostics.first.map { $0.oneLine(in: r.source) } ?? "")
        let names = try Self.names(text, with: Fixtures.localParser, name: "3.0.8")
        for e in expected { XCTAssertTrue(names.contains(e), "\(e.debugDescription) not in \(names)") }
    }

    // MARK: the reference parsers

    static func write(_ text: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aaswift-table-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("table.profile")
        try Data(text.utf8).write(to: file)
        return file
    }

    static func unavailable(_ name: String) throws {
        if Fixtures.isCI { XCTFail("apparmor_parser \(name) is not available (CI=true)") } else { throw XCTSkip("apparmor_parser \(name) is not available") }
    }

    /// Loads the rules (compile only) in one profile; on failure names the rule the parser
    /// points at.
    static func load(_ rules: [String], with parser: (URL, [String])?, name: String) throws {
        guard let (exe, extra) = parser else { return try unavailable(name) }
        let lines = ["profile table /usr/bin/table {"] + rules.map { "  " + $0 } + ["}"]
        let file = try write(lines.joined(separator: "\n") + "\n")
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        let out = try Fixtures.run(exe, ["-Q", "-K"] + extra + [file.path])
        let at = out.stderr.components(separatedBy: "line ").dropFirst().first.flatMap { Int($0.prefix { $0.isNumber }) }
        XCTAssertEqual(out.status, 0, "\(name): \(out.stderr) \(at.map { lines[max($0 - 1, 0)] } ?? "")")
    }

    static func names(_ text: [UInt8], with parser: URL?, name: String) throws -> [String] {
        guard let exe = parser else { try unavailable(name); return [] }
        let file = try write(String(decoding: text, as: UTF8.self))
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        let out = try Fixtures.run(exe, ["-Q", "-K", "-N", file.path])
        XCTAssertEqual(out.status, 0, out.stderr)
        if let t = Fixtures.trixieParser {
            let o4 = try Fixtures.run(t, ["-Q", "-K", "-N", file.path])
            XCTAssertEqual(o4.status, 0, "4.1: " + o4.stderr)
        } else { try unavailable("4.1") }
        return out.stdout.components(separatedBy: "\n")
    }
}
