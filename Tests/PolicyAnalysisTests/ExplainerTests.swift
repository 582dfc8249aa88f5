import AppArmorPolicy
import PolicyAnalysis
import XCTest

final class ExplainerTests: XCTestCase {
    func explain(_ request: (RuleTextReader) -> ExplainRequest?, profile: String = "foo", file: String = "usr.bin.foo") throws -> Explanation {
        let fx = try PolicyFixture(self, files: PolicyFixture.standard)
        let checker = PolicyChecker(options: CheckOptions(searchPath: IncludeSearchPath(base: fx.folder.path)))
        let report = checker.check(path: fx.path(file))
        XCTAssertTrue(report.passed, "\(report.errors.map(\.diagnostic.message))")
        let p = try XCTUnwrap(Explainer.profile(named: profile, in: report.policy.profiles))
        let e = Explainer(checker: checker)
        e.rootFile = p.file
        return e.explain(try XCTUnwrap(request(RuleTextReader())), in: p)
    }

    static func file(_ path: String, _ perms: String, owner: Bool = true) -> (RuleTextReader) -> ExplainRequest? {
        { _ in ExplainRequest(kind: .file(path: Array(path.utf8), permissions: PermissionSet(letters: perms)!, owner: owner), label: path) }
    }

    func testAllowedByAGlob() throws {
        let e = try explain(Self.file("/etc/passwd", "r"))
        XCTAssertEqual(e.verdict, .allowed)
        XCTAssertEqual(e.mode, "enforce")
        XCTAssertEqual(e.rules.map(\.line), [5])
        XCTAssertEqual(e.rules.first?.text, "/etc/** r,")
        XCTAssertFalse(e.logged)
    }

    func testDenyWinsOverAllow() throws {
        let e = try explain(Self.file("/etc/shadow", "r"))
        XCTAssertEqual(e.verdict, .denied)
        XCTAssertEqual(e.rules.map(\.effect), ["allow", "deny"])
        XCTAssertTrue(e.rules[0].reasons.contains { $0.hasPrefix("overridden: a deny rule wins") }, "\(e.rules[0].reasons)")
        XCTAssertTrue(e.summary.contains("not logged"), e.summary)
    }

    func testOwnerRuleAppliesOnlyToTheOwner() throws {
        XCTAssertEqual(try explain(Self.file("/tmp/foo.1", "rw")).verdict, .allowed)
        let e = try explain(Self.file("/tmp/foo.1", "rw", owner: false))
        XCTAssertEqual(e.verdict, .notCovered)
        XCTAssertEqual(e.rules.map(\.applies), [false])
        XCTAssertTrue(e.summary.contains("enforce mode"), e.summary)
    }

    func testIncludeWithVariable() throws {
        let e = try explain(Self.file("/root/.foorc", "r"))
        XCTAssertEqual(e.verdict, .allowed)
        let r = try XCTUnwrap(e.rules.first)
        XCTAssertTrue(r.file.hasSuffix("/abstractions/foo"), r.file)
        XCTAssertEqual(r.line, 1)
        XCTAssertEqual(r.text, "@{HOME}/.foorc r,")
        XCTAssertEqual(r.expanded, "{/home/*/,/root/}/.foorc")
        XCTAssertEqual(r.includedVia.count, 1)
        XCTAssertTrue(r.includedVia[0].hasSuffix("/usr.bin.foo:4"), "\(r.includedVia)")
    }

    func testAuditIsLogged() throws {
        let e = try explain(Self.file("/var/log/foo.log", "w"))
        XCTAssertEqual(e.verdict, .allowed)
        XCTAssertTrue(e.logged)
    }

    func testPartlyCoveredNamesTheMissingPermission() throws {
        let e = try explain(Self.file("/etc/hosts", "rw"))
        XCTAssertEqual(e.verdict, .notCovered)
        XCTAssertEqual(e.missing, "w")
    }

    func testExecTransitionExactBeforeGlob() throws {
        let e = try explain { _ in ExplainRequest(kind: .exec(path: Array("/usr/bin/bar".utf8)), label: "exec") }
        XCTAssertEqual(e.verdict, .allowed)
        XCTAssertEqual(e.rules.map(\.line), [8, 9])
        XCTAssertTrue(e.rules[0].reasons.contains("x transition: Px, runs under profile bar; the environment is scrubbed"), "\(e.rules[0].reasons)")
        XCTAssertTrue(e.rules[1].reasons.contains { $0.hasPrefix("not used: an exact-match rule's transition") }, "\(e.rules[1].reasons)")
        let glob = try explain { _ in ExplainRequest(kind: .exec(path: Array("/usr/bin/baz".utf8)), label: "exec") }
        XCTAssertEqual(glob.rules.count, 1)
        XCTAssertTrue(glob.rules[0].reasons.contains("x transition: ix, runs under the current profile"))
    }

    func testNotCoveredInComplainAndEnforce() throws {
        let complain = try explain(Self.file("/etc/passwd", "r"), profile: "bar", file: "bar")
        XCTAssertEqual(complain.verdict, .notCovered)
        XCTAssertEqual(complain.mode, "complain")
        XCTAssertTrue(complain.summary.contains("allowed and logged, the profile is in complain mode"), complain.summary)
        let enforce = try explain(Self.file("/opt/x", "r"))
        XCTAssertTrue(enforce.summary.contains("denied and logged, the profile is in enforce mode"), enforce.summary)
    }

    func testOtherKindsThroughTheTypedRules() throws {
        XCTAssertEqual(try explain { ExplainRequest.rule("capability net_admin", reader: $0) }.verdict, .allowed)
        XCTAssertEqual(try explain { ExplainRequest.rule("capability sys_admin", reader: $0) }.verdict, .notCovered)
        XCTAssertEqual(try explain { ExplainRequest.rule("network inet stream", reader: $0) }.verdict, .allowed)
        XCTAssertEqual(try explain { ExplainRequest.rule("network inet dgram", reader: $0) }.verdict, .notCovered)
        let sig = try explain { ExplainRequest.rule("signal send set=hup peer=bar", reader: $0) }
        XCTAssertEqual(sig.verdict, .allowed)
        XCTAssertEqual(sig.rules.map(\.line), [12])
        XCTAssertEqual(try explain { ExplainRequest.rule("signal send set=kill peer=bar", reader: $0) }.verdict, .notCovered)
    }

    // MARK: nested includes, variables, deny, owner and audit together

    static let nested: [String: String] = [
        "tunables/global": "@{HOME}=/home/*/ /root/\n@{KEYDIRS}=.ssh .gnupg\n",
        "abstractions/outer": "  include <abstractions/inner>\n  owner @{HOME}/.cache/** rw,\n",
        "abstractions/inner": "  audit deny @{HOME}/@{KEYDIRS}/** w,\n  @{HOME}/.ssh/config r,\n",
        "usr.bin.nest": "include <tunables/global>\nprofile nest /usr/bin/nest {\n  include <abstractions/outer>\n  @{HOME}/** r,\n}\n",
    ]

    func explainNested(_ path: String, _ perms: String, owner: Bool = true) throws -> Explanation {
        let fx = try PolicyFixture(self, files: Self.nested)
        let checker = PolicyChecker(options: CheckOptions(searchPath: IncludeSearchPath(base: fx.folder.path)))
        let report = checker.check(path: fx.path("usr.bin.nest"))
        XCTAssertTrue(report.passed, "\(report.errors.map(\.diagnostic.message))")
        let p = try XCTUnwrap(Explainer.profile(named: "nest", in: report.policy.profiles))
        let e = Explainer(checker: checker)
        e.rootFile = p.file
        return e.explain(try XCTUnwrap(Self.file(path, perms, owner: owner)(RuleTextReader())), in: p)
    }

    /// A rule two includes deep: the chain of include statements that leads to it, in order.
    func testRuleOfAnAbstractionIncludedByAnAbstraction() throws {
        let e = try explainNested("/root/.ssh/config", "r")
        XCTAssertEqual(e.verdict, .allowed)
        let inner = try XCTUnwrap(e.rules.first { $0.file.hasSuffix("/abstractions/inner") })
        XCTAssertEqual(inner.line, 2)
        XCTAssertEqual(inner.includedVia.count, 2, "\(inner.includedVia)")
        XCTAssertTrue(inner.includedVia[0].hasSuffix("/usr.bin.nest:3"), "\(inner.includedVia)")
        XCTAssertTrue(inner.includedVia[1].hasSuffix("/abstractions/outer:1"), "\(inner.includedVia)")
        XCTAssertEqual(inner.expanded, "{/home/*/,/root/}/.ssh/config")
        // The profile's own glob matches too: both are listed.
        XCTAssertTrue(e.rules.contains { $0.file.hasSuffix("/usr.bin.nest") && $0.line == 4 }, "\(e.rules.map(\.location))")
    }

    /// An audit deny two includes deep, through a variable with two values, wins over the
    /// profile's own allow and is logged.
    func testAuditDenyThroughAVariableInANestedInclude() throws {
        let e = try explainNested("/home/ann/.gnupg/pubring.kbx", "w")
        XCTAssertEqual(e.verdict, .denied)
        XCTAssertTrue(e.logged, "audit deny is logged")
        let deny = try XCTUnwrap(e.rules.first { $0.effect == "deny" })
        XCTAssertTrue(deny.file.hasSuffix("/abstractions/inner"), deny.file)
        XCTAssertEqual(deny.line, 1)
        XCTAssertEqual(deny.includedVia.count, 2)
        XCTAssertEqual(deny.expanded, "{/home/*/,/root/}/{.ssh,.gnupg}/**")
        // Read is not denied: the profile's own @{HOME}/** r allows it, unlogged.
        let read = try explainNested("/home/ann/.gnupg/pubring.kbx", "r")
        XCTAssertEqual(read.verdict, .allowed)
        XCTAssertFalse(read.logged)
    }

    /// An owner rule of a nested include applies only to the task's own files.
    func testOwnerRuleOfANestedInclude() throws {
        XCTAssertEqual(try explainNested("/home/ann/.cache/x", "w").verdict, .allowed)
        let other = try explainNested("/home/ann/.cache/x", "w", owner: false)
        XCTAssertEqual(other.verdict, .notCovered)
        let rule = try XCTUnwrap(other.rules.first { $0.file.hasSuffix("/abstractions/outer") })
        XCTAssertFalse(rule.applies)
        XCTAssertEqual(rule.includedVia.count, 1)
    }
}
