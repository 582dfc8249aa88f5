import AASwiftTestSupport
import AuditLog
import Foundation
@testable import ProfileTools
import XCTest

/// The logprof engine without a front end: configuration, globs, severity, coverage through
/// includes and variables, suggestions, answers that settle later questions, and plans.
final class LogprofEngineTests: XCTestCase {
    func folder(_ files: [String: String]) throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("aaswift-lpe-\(UUID().uuidString)")
        for (name, text) in files {
            let url = root.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        addTeardownBlock { try? FileManager.default.removeItem(at: root) }
        return root.path
    }

    static let tunables = "@{HOMEDIRS}=/home/\n@{HOME}=@{HOMEDIRS}/*/ /root/\n@{PROC}=/proc/\n@{pid}={[1-9],[1-9][0-9]*}\n"

    func file(_ profile: String, _ path: String, _ perms: PermissionSet, owner: Bool = false, mode: AuditEventType = .denied) -> LogprofItem {
        LogprofItem(mode: mode, profile: profile, kind: .file(FileAccess(path: Array(path.utf8), permissions: perms, owner: owner)))
    }

    func session(_ dir: String, _ items: [LogprofItem]) -> LogprofSession {
        LogprofSession(policy: LogprofPolicy(dir: dir), config: LogprofConfig(), severity: SeverityDB(text: SeverityDB.builtIn), items: items)
    }

    func testChangeFamilyIsTheFirstWordPastTheQualifiers() {
        XCTAssertEqual(ChangeFamily(ruleText: "audit deny owner /x r,"), .rule(.fileRule))
        XCTAssertEqual(ChangeFamily(ruleText: "deny network inet stream,"), .rule(.networkRule))
        XCTAssertEqual(ChangeFamily(ruleText: "  allow  capability sys_admin,"), .rule(.capabilityRule))
        XCTAssertEqual(ChangeFamily(ruleText: "dbus send bus=session path=/a/b interface=c.d member=e,"), .rule(.dbusRule))
        XCTAssertEqual(ChangeFamily(ruleText: "owner @{HOME}/x rw,"), .rule(.fileRule))
        XCTAssertEqual(ChangeFamily(ruleText: "all,"), .rule(.fileRule))
        XCTAssertEqual(ChangeFamily(ruleText: ""), .rule(.fileRule))
        XCTAssertEqual(ChangeFamily(ruleText: "audit deny"), .rule(.fileRule))
    }

    func testConfigFromUpstreamLogprofConf() throws {
        let text = try String(contentsOf: Fixtures.conformance("utils-config/logprof.conf"), encoding: .utf8)
        let c = LogprofConfig.parse(text)
        XCTAssertEqual(c.logFiles, ["/var/log/audit/audit.log", "/var/log/syslog", "/var/log/messages"])
        XCTAssertEqual(c.execQualifiers(for: "/bin/bash"), "icnu")
        XCTAssertEqual(c.execQualifiers(for: "/usr/bin/unknown"), "ipcnu")
        XCTAssertTrue(c.globs.contains { $0.pattern == #"^/proc/\d+/"# && $0.replacement == "/proc/*/" })
        XCTAssertEqual(c.defaultHats.first?.hat, "DEFAULT_URI")
    }

    /// A rewrite whose regex holds no literal (an alternation) sits before one that does: each
    /// keeps its own pre-filter, so the second still rewrites the paths that hold its text.
    func testGlobRewritesWithAndWithoutALiteral() {
        let c = LogprofConfig.parse("[globs]\n  ^/(srv|opt)/data/[^/]+$ = /$1/data/*\n  ^/var/cache/app/[^/]+$ = /var/cache/app/*\n")
        let g = LogprofGlobs(config: c)
        XCTAssertEqual(g.common("/var/cache/app/x1"), ["/var/cache/app/*"])
        XCTAssertEqual(g.common("/srv/data/x1").count, 1)
        XCTAssertEqual(g.common("/etc/other"), [])
    }

    func testGlobCandidatesAndGlobSteps() {
        let g = LogprofGlobs(config: LogprofConfig())
        XCTAssertEqual(g.common("/proc/4242/status"), ["/proc/*/status"])
        XCTAssertEqual(g.common("/home/alice/.cache/x"), ["/home/*/.cache/x"])
        XCTAssertEqual(g.common("/usr/lib/libfoo.so.1.2"), ["/usr/lib/lib*so*", "/usr/lib/libfoo.so.*"])
        XCTAssertEqual(g.common("/opt/x/libbar-2.3.so"), ["/opt/x/libbar-*.so"])
        XCTAssertEqual(LogprofGlobs.ordered(["/b", "/a", "/z/raw"], raw: "/z/raw"), ["/a", "/b", "/z/raw"])
        XCTAssertEqual(LogprofGlobs.globPath("/a/b/c"), "/a/b/*")
        XCTAssertEqual(LogprofGlobs.globPath("/a/b/*"), "/a/**")
        XCTAssertEqual(LogprofGlobs.globPath("/a/b/"), "/a/*/")
        XCTAssertEqual(LogprofGlobs.globPath("/a/*/"), "/**/")
        XCTAssertEqual(LogprofGlobs.globExtension("/a/b/c.txt"), "/a/b/*.txt")
        XCTAssertEqual(LogprofGlobs.globExtension("/a/b/*.txt"), "/a/**.txt")
        XCTAssertEqual(LogprofGlobs.globExtension("/a/b/c"), "/a/b/c")
    }

    func testSeverityFromUpstreamDatabase() throws {
        let db = SeverityDB(text: try String(contentsOf: Fixtures.conformance("utils-config/severity.db"), encoding: .utf8))
        XCTAssertEqual(db.rank(path: "/proc/21622/cmdline", modes: "r"), .rank(6))
        XCTAssertEqual(db.rank(capability: "sys_admin"), .rank(10))
        XCTAssertEqual(db.rank(path: "/nowhere/x", modes: "r"), .unknown)
    }

    /// Side by side with upstream's severity.py on the same database: a later line for the
    /// same glob replaces the earlier one (`/etc/shadow` is 5, not 7).
    func testSeverityAgreesWithUpstreamSeverityPy() throws {
        let dbPath = Fixtures.conformance("utils-config/severity.db").path
        let db = SeverityDB(text: try String(contentsOfFile: dbPath, encoding: .utf8))
        let cases: [(String, String)] = [
            ("/etc/shadow", "r"), ("/etc/shadow", "w"), ("/etc/passwd", "r"), ("/etc/ssl/certs/ca-certificates.crt", "r"),
            ("/proc/1/cmdline", "r"), ("/usr/bin/ls", "x"), ("/home/u/.ssh/id_rsa", "r"), ("/dev/sda", "w"),
            ("/var/log/syslog", "r"), ("/bin/sh", "x"), ("/etc/sudoers", "r"), ("/sys/kernel/x", "w"),
        ]
        guard FileManager.default.fileExists(atPath: "/usr/lib/python3/dist-packages/apparmor/severity.py") else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail("python3-apparmor is missing") }
            throw XCTSkip("python3-apparmor is not installed")
        }
        let script = "import sys\nfrom apparmor.severity import Severity\ns = Severity(sys.argv[1], 'unknown')\n"
            + "for a in sys.argv[2:]:\n    p, m = a.split(' ')\n    print(s.rank_path(p, m))\n"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        p.arguments = ["-c", script, dbPath] + cases.map { $0.0 + " " + $0.1 }
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        let upstream = text.split(separator: "\n").map(String.init)
        XCTAssertEqual(upstream.count, cases.count, text)
        for (c, u) in zip(cases, upstream) {
            XCTAssertEqual(db.rank(path: c.0, modes: c.1).description, u, "\(c.0) \(c.1)")
        }
        XCTAssertEqual(db.rank(path: "/etc/shadow", modes: "r"), .rank(5))
    }

    func testDoubledSlashesFromVariablesAreSingle() {
        XCTAssertEqual(CoverageSet.singleSlashes("{/home/*/,/root/}/.app/**"), "{/home/*,/root}/.app/**")
        XCTAssertEqual(CoverageSet.singleSlashes("/home//*/x"), "/home/*/x")
        XCTAssertEqual(CoverageSet.singleSlashes("{/a/,/b}/x"), "{/a/,/b}/x")
    }

    func testTunableVariants() {
        var v = VariableTableStub.table(["PROC": ["/proc/"], "pid": ["{[1-9],[1-9][0-9]*}"], "HOME": ["/home/*/"]])
        XCTAssertEqual(TunableSubstitution.variants("/proc/42/status", variables: v), ["@{PROC}/@{pid}/status"])
        XCTAssertEqual(TunableSubstitution.variants("/home/bob/.x", variables: v), ["@{HOME}/.x"])
        v = VariableTableStub.table([:])
        XCTAssertEqual(TunableSubstitution.variants("/proc/42/status", variables: v), [])
        // The folder tunables: the longest leading folder wins; ids become @{pid}/@{uid}.
        v = VariableTableStub.table([
            "HOME": ["@{HOMEDIRS}/*/", "/root/"], "HOMEDIRS": ["/home/"], "user_cache_dirs": ["@{HOME}/.cache"],
            "etc_ro": ["/etc/", "/usr/etc/"], "run": ["/run/", "/var/run/"], "sys": ["/sys/"], "uid": ["{[0-9],[1-9][0-9]*}"],
            "bin": ["/{,usr/}bin"], "lib": ["/{,usr/}lib{,32,64}"],
        ])
        XCTAssertEqual(TunableSubstitution.variants("/home/bob/.cache/app/x", variables: v), ["@{user_cache_dirs}/app/x"])
        XCTAssertEqual(TunableSubstitution.variants("/home/bob/.config/x", variables: v), ["@{HOME}/.config/x"])
        XCTAssertEqual(TunableSubstitution.variants("/etc/ssl/openssl.cnf", variables: v), ["@{etc_ro}/ssl/openssl.cnf"])
        XCTAssertEqual(TunableSubstitution.variants("/run/user/1000/bus", variables: v), ["@{run}/user/@{uid}/bus"])
        XCTAssertEqual(TunableSubstitution.variants("/sys/devices/x", variables: v), ["@{sys}/devices/x"])
        XCTAssertEqual(TunableSubstitution.variants("/usr/bin/true", variables: v), ["@{bin}/true"])
        XCTAssertEqual(TunableSubstitution.variants("/usr/lib64/libc.so", variables: v), ["@{lib}/libc.so"])
        XCTAssertEqual(TunableSubstitution.variants("/opt/x", variables: v), [])
        // Folders of two depths in one variable (only depths a variable's folders have are tried).
        XCTAssertEqual(TunableSubstitution.variants("/root/.x/y", variables: v), ["@{HOME}/.x/y"])
        XCTAssertEqual(TunableSubstitution.variants("/bin/sh", variables: v), ["@{bin}/sh"])
        XCTAssertEqual(TunableSubstitution.variants("/var/run/x/y", variables: v), ["@{run}/x/y"])
    }

    func testKnownThroughIncludesAndVariablesAndBroaderAnswers() throws {
        let dir = try folder([
            "tunables/global": Self.tunables,
            "abstractions/conf": "  /etc/app/*.conf r,\n",
            "app": "include <tunables/global>\nprofile app /usr/bin/app {\n  include <abstractions/conf>\n  owner @{HOME}/.app/** rw,\n  /var/log/app.log w,\n}\n",
        ])
        let items = [
            file("app", "/etc/app/main.conf", [.read]),                      // via the include
            file("app", "/home/bob/.app/state", [.read, .write], owner: true), // via @{HOME}
            file("app", "/home/bob/.app/state", [.read], owner: false),      // owner rule: not for others
            file("app", "/srv/data/a", [.read]),
            file("app", "/srv/data/b", [.read]),
            file("other", "/x", [.read]),                                    // no such profile
        ]
        let s = session(dir, items)
        guard case .rule(var q) = s.next() else { return XCTFail("expected a rule question") }
        XCTAssertEqual(q.rawPath, "/home/bob/.app/state")
        XCTAssertFalse(q.owner)
        guard case .rule(var q2) = s.next() else { return XCTFail("expected a rule question") }
        XCTAssertEqual(q2.rawPath, "/srv/data/a")
        XCTAssertEqual(q2.options, ["/srv/data/a r,"])
        q2.glob(extension: false)
        XCTAssertEqual(q2.options.last, "/srv/data/* r,")
        XCTAssertEqual(q2.selected, 1)
        XCTAssertEqual(s.answer(q2, deny: false), "Adding /srv/data/* r, to profile app.")
        XCTAssertNil(s.next(), "/srv/data/b is settled by the broader rule; 'other' is not in the folder")
        XCTAssertEqual(s.alreadyAllowed, 3)
        XCTAssertEqual(s.unknownProfiles, ["other"])
        q.selected = 0
        XCTAssertEqual(s.changes.map(\.text), ["/srv/data/* r,"])
    }

    /// Audi(t) then (D)eny writes the qualifiers in the order apparmor_parser takes them (found
    /// in the real-kernel suite: `deny audit` does not load).
    func testAuditedDenyPutsAuditFirst() throws {
        let dir = try folder(["app": "profile app /usr/bin/app {\n}\n"])
        let s = session(dir, [file("app", "/srv/secret", [.read])])
        guard case .rule(var q) = s.next() else { return XCTFail("expected a rule question") }
        q.audit = true
        XCTAssertEqual(s.answer(q, deny: true), "Adding audit deny /srv/secret r, to profile app.")
        XCTAssertEqual(s.changes.map(\.text), ["audit deny /srv/secret r,"])
    }

    func testSuggestionsHonourLogprofSuggest() throws {
        let dir = try folder([
            "tunables/global": Self.tunables,
            "abstractions/open": "  /opt/tool/** r,\n",
            "abstractions/never": "# LOGPROF-SUGGEST: no\n  /opt/tool/** r,\n",
            "abstractions/only-web": "# LOGPROF-SUGGEST: web.*\n  /opt/tool/** r,\n",
            "abstractions/local-ish": "  /etc/other r,\n",
            "web": "include <tunables/global>\nprofile webapp {\n}\n",
            "cli": "include <tunables/global>\nprofile cli {\n}\n",
        ])
        let s = session(dir, [file("cli", "/opt/tool/lib/x", [.read]), file("webapp", "/opt/tool/lib/x", [.read])])
        guard case .rule(let a) = s.next(), case .rule(let b) = s.next() else { return XCTFail("expected two questions") }
        XCTAssertEqual(a.includes, ["abstractions/open"])
        XCTAssertEqual(b.includes, ["abstractions/only-web", "abstractions/open"])
        XCTAssertEqual(b.options.first, "include <abstractions/only-web>")
        // Allowing an include records it and covers its rules.
        XCTAssertEqual(s.answer(b, deny: false), "Adding include <abstractions/only-web> to profile webapp.")
        XCTAssertNil(s.answer(b, deny: true), "an include cannot be denied")
    }

    func testExecAndHatQuestions() throws {
        let dir = try folder([
            "tunables/global": Self.tunables,
            "app": "include <tunables/global>\nprofile app /usr/bin/app {\n  /etc/a r,\n}\n",
            "helper": "profile helper /usr/bin/helper {\n}\n",
        ])
        let items = [
            LogprofItem(mode: .denied, profile: "app", kind: .exec(path: Array("/usr/bin/helper".utf8), target: nil)),
            LogprofItem(mode: .denied, profile: "app", kind: .exec(path: Array("/usr/bin/tool".utf8), target: nil)),
            LogprofItem(mode: .allowed, profile: "app", hat: "EDIT", kind: .file(FileAccess(path: Array("/etc/b".utf8), permissions: [.read], owner: false))),
        ]
        let s = session(dir, items)
        guard case .exec(let withProfile) = s.next() else { return XCTFail("expected an exec question") }
        XCTAssertEqual(withProfile.defaultCommand, .profile)
        XCTAssertEqual(withProfile.prompt().menuItems, ["(I)nherit", "(C)hild", "[(P)rofile]", "(N)amed", "(U)nconfined", "(X) ix On", "(D)eny", "Abo(r)t", "I(g)nore", "(F)inish"],
                       "upstream 3.0's exec menu, plus Ignore on an unused key")
        XCTAssertEqual(withProfile.prompt().command(forKey: "h"), .inherit, "4.x's In(h)erit key")
        XCTAssertEqual(withProfile.prompt().command(forKey: "I"), .inherit)
        XCTAssertTrue(withProfile.prompt().menuItems.contains("[(P)rofile]"))
        XCTAssertEqual(s.answerExec(withProfile, .profile, safe: true), "Adding /usr/bin/helper Px, to profile app.")
        guard case .exec(var noProfile) = s.next() else { return XCTFail("expected an exec question") }
        XCTAssertEqual(noProfile.defaultCommand, .inherit)
        noProfile.fallbackInherit = true
        XCTAssertEqual(noProfile.commands, [.inherit, .profileInherit, .childInherit, .namedInherit, .ixOff, .unconfined, .deny, .abort, .ignoreExec, .finish])
        XCTAssertEqual(s.answerExec(noProfile, .inherit), "Adding /usr/bin/tool mrix, to profile app.")
        XCTAssertEqual(s.createProfile(for: "/usr/bin/tool"), "Creating a profile for /usr/bin/tool in \(dir)/usr.bin.tool.")
        guard case .hat(let hat) = s.next() else { return XCTFail("expected a hat question") }
        XCTAssertEqual(hat.hat, "EDIT")
        XCTAssertEqual(s.addHat(hat), "Adding hat EDIT to profile app.")
        guard case .rule(let r) = s.next() else { return XCTFail("the hat's rule is asked next") }
        XCTAssertEqual(r.defaultCommand, .deny, "upstream defaults rule prompts to Deny, complain mode too")
        s.answer(r, deny: false)
        let planned = try LogprofApply.plan(LogprofPlan(profileDir: dir, changes: s.changes))
        let text = String(decoding: planned[0].new, as: UTF8.self)
        XCTAssertEqual(text, "include <tunables/global>\nprofile app /usr/bin/app {\n  /etc/a r,\n  /usr/bin/helper Px,\n  /usr/bin/tool mrix,\n\n  ^EDIT {\n    /etc/b r,\n  }\n}\n")
        XCTAssertEqual(planned[1].path, dir + "/usr.bin.tool")
        XCTAssertTrue(String(decoding: planned[1].new, as: UTF8.self).contains("profile tool /usr/bin/tool flags=(complain) {"), "a Px target is autodep'd in complain mode")
    }

    /// (C)hild creates the child profile the `Cx` rule needs; a new profile's abi is the newest
    /// the policy folder has (found by the real-kernel suite on Debian 12).
    func testChildExecCreatesTheChildProfileAndNewProfilesUseTheFoldersABI() throws {
        let dir = try folder([
            "abi/3.0": "", "abi/kernel-5.4-vanilla": "",
            "app": "profile app /usr/bin/app {\n  /etc/a r,\n}\n",
        ])
        let items = [
            LogprofItem(mode: .allowed, profile: "app", kind: .exec(path: Array("/usr/bin/kid".utf8), target: nil)),
            LogprofItem(mode: .allowed, profile: "app", kind: .exec(path: Array("/usr/bin/other".utf8), target: nil)),
        ]
        let s = session(dir, items)
        guard case .exec(let kid) = s.next() else { return XCTFail("expected an exec question") }
        XCTAssertEqual(s.answerExec(kid, .child), "Adding /usr/bin/kid cx, to profile app.\nAdding child profile /usr/bin/kid to profile app.")
        guard case .exec(let other) = s.next() else { return XCTFail("expected an exec question") }
        s.answerExec(other, .profile, safe: true)
        XCTAssertNotNil(s.createProfile(for: "/usr/bin/other"))
        let planned = try LogprofApply.plan(LogprofPlan(profileDir: dir, changes: s.changes))
        XCTAssertEqual(String(decoding: planned[0].new, as: UTF8.self),
                       "profile app /usr/bin/app {\n  /etc/a r,\n  /usr/bin/kid cx,\n  /usr/bin/other Px,\n\n  profile /usr/bin/kid {\n    include <abstractions/base>\n\n    /usr/bin/kid mr,\n  }\n}\n")
        XCTAssertTrue(String(decoding: planned[1].new, as: UTF8.self).hasPrefix("abi <abi/3.0>,"))
        XCTAssertEqual(AutodepProfile.abi(in: dir + "/nowhere"), "abi/4.0")
    }

    func testPlanAppliesThroughTheEditEngineAndLocal() throws {
        let profile = "include <tunables/global>\n\nprofile app /usr/bin/app {\n  include <abstractions/base>\n\n  /etc/a r,\n  # keep me\n}\n"
        let dir = try folder(["tunables/global": Self.tunables, "abstractions/base": "", "abstractions/extra": "", "usr.bin.app": profile])
        let file = dir + "/usr.bin.app"
        let changes = [
            LogprofChange(kind: .rule, file: file, profile: "app", text: "/etc/b r,", family: .rule(.fileRule)),
            LogprofChange(kind: .rule, file: file, profile: "app", text: "capability chown,", family: .rule(.capabilityRule)),
            LogprofChange(kind: .include, file: file, profile: "app", text: "abstractions/extra", family: .include),
        ]
        let planned = try LogprofApply.plan(LogprofPlan(profileDir: dir, changes: changes))
        XCTAssertEqual(planned.count, 1)
        XCTAssertEqual(String(decoding: planned[0].new, as: UTF8.self),
                       "include <tunables/global>\n\nprofile app /usr/bin/app {\n  include <abstractions/base>\n  include <abstractions/extra>\n\n  capability chown,\n\n  /etc/a r,\n  /etc/b r,\n  # keep me\n}\n")
        let local = try LogprofApply.plan(LogprofPlan(profileDir: dir, local: true, changes: Array(changes.prefix(1))))
        XCTAssertEqual(local.map(\.path), [dir + "/local/usr.bin.app", file])
        XCTAssertEqual(String(decoding: local[0].new, as: UTF8.self), "/etc/b r,\n")
        XCTAssertTrue(String(decoding: local[1].new, as: UTF8.self).contains("  include if exists <local/usr.bin.app>\n"))
        // The plan round-trips through JSON.
        let plan = LogprofPlan(profileDir: dir, changes: changes)
        XCTAssertEqual(try LogprofPlan.decode(plan.encoded()), plan)
    }
}

import AppArmorPolicy
import PolicyAnalysis

enum VariableTableStub {
    static func table(_ values: [String: [String]]) -> VariableTable {
        var t = VariableTable()
        for (k, v) in values { _ = t.assign(k, op: "=", values: v) }
        return t
    }
}
