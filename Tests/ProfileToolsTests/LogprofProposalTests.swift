import AASwiftTestSupport
import AppArmorPolicy
import AppArmorSyntax
import AuditLog
import Foundation
@testable import ProfileTools
import SystemAppArmor
import XCTest

/// What logprof proposes: rules that fit the user's parser and policy ABI (the RuleTarget
/// table), coverage decided by the policy model's typed rules, abstractions ranked by how
/// little else they grant, and children that keep their parent's mode.
final class LogprofProposalTests: XCTestCase {
    func folder(_ files: [String: String]) throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("aaswift-lpp-\(UUID().uuidString)")
        for (name, text) in files {
            let url = root.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        addTeardownBlock { try? FileManager.default.removeItem(at: root) }
        return root.path
    }

    func session(_ dir: String, _ items: [LogprofItem], parser: String = "3.0.8") -> LogprofSession {
        let policy = LogprofPolicy(dir: dir)
        policy.targets = RuleTargets(options: RuleTargetOptions(parserVersion: parser), profileDir: dir)
        return LogprofSession(policy: policy, config: LogprofConfig(), severity: SeverityDB(text: SeverityDB.builtIn), items: items)
    }

    static let connect = EventKind.network(NetworkAccess(access: ["connect"], family: Array("inet6".utf8), sockType: Array("stream".utf8),
                                                         localAddr: Array("::1".utf8), localPort: 0, peerAddr: Array("::1".utf8), peerPort: 80))

    // MARK: the table

    func testParserVersions() {
        XCTAssertEqual(ParserVersion(parsing: "AppArmor parser version 3.0.8\nCopyright (C) 1999-2008 Novell Inc."), ParserVersion(3, 0, 8))
        XCTAssertEqual(ParserVersion(parsing: "4.1.0~beta1"), ParserVersion(4, 1, 0))
        XCTAssertNil(ParserVersion(parsing: "no version here"))
        XCTAssertLessThan(ParserVersion(3, 0, 8), ParserVersion(4, 0))
        XCTAssertFalse(ParserVersion(4, 0, 0) < ParserVersion(4, 0))
    }

    func testNetworkFormsFollowParserAndABI() throws {
        let af = try FeatureSet(contentsOf: Fixtures.conformance("parser-features_files/features.af_inet").path).paths
        let abi40 = Set(["network_v8", "network_v8/af_mask", "network_v8/af_mask/inet6"])
        let cases: [(RuleTarget, String)] = [
            (RuleTarget(parser: ParserVersion(3, 0, 8)), "network inet6 stream"),
            (RuleTarget(parser: ParserVersion(3, 0, 8), features: af), "network inet6 stream"),
            (RuleTarget(parser: ParserVersion(4, 1), features: abi40), "network inet6 stream"),
            (RuleTarget(parser: ParserVersion(4, 1), features: af), "network (connect) inet6 stream ip=::1 peer=(ip=::1 port=80)"),
        ]
        for (t, want) in cases { XCTAssertEqual(RuleText.proposal(for: Self.connect, target: t)?.text, want) }
        XCTAssertNil(RuleText.proposal(for: .userns(access: ["create"]), target: RuleTarget(parser: ParserVersion(3, 0, 8))))
        XCTAssertEqual(RuleText.proposal(for: .userns(access: ["create"]), target: RuleTarget(parser: ParserVersion(4, 1)))?.text, "userns create")
    }

    /// The ABI: the file's `abi` statement, else `--abi`/`--features-file`, else the system's.
    func testTargetsFromABIStatementAndOverrides() throws {
        let af = try String(contentsOf: Fixtures.conformance("parser-features_files/features.af_inet"), encoding: .utf8)
        let dir = try folder(["abi/af": af, "abi/plain": "network_v8 {af_mask {inet inet6\n}\n}\n"])
        let targets = RuleTargets(options: RuleTargetOptions(parserVersion: "4.1"), profileDir: dir, root: SystemRoot(dir + "/nosys"))
        XCTAssertTrue(targets.target(file: Array("abi <abi/af>,\nprofile x {}\n".utf8)).allows(.networkAccessList))
        XCTAssertFalse(targets.target(file: Array("abi <abi/plain>,\nprofile x {}\n".utf8)).allows(.networkAccessList))
        XCTAssertEqual(RuleTargets.abiName(Array("# c\nabi \"abi/3.0\",\n".utf8)), "abi/3.0")
        let forced = RuleTargets(options: RuleTargetOptions(abiFile: dir + "/abi/plain", parserVersion: "4.1"), profileDir: dir)
        XCTAssertFalse(forced.target(file: Array("abi <abi/af>,\n".utf8)).allows(.networkAccessList))
        XCTAssertEqual(RuleTargetOptions(parserVersion: "x").problem(), "--parser-version: 'x' is not a version such as 3.0.8")
    }

    func testParserConfFeatures() throws {
        let dir = try folder(["etc/apparmor/parser.conf": "# c\n  policy-features=/usr/share/apparmor-features/features\n"])
        XCTAssertEqual(RuleTargets.parserConfFeatures(root: SystemRoot(dir)), "/usr/share/apparmor-features/features")
    }

    // MARK: coverage on the policy model

    /// `audit` and `deny` rules decide a request; a rule added once is not proposed again,
    /// whatever mode the next record was logged in.
    /// The finer 4.x forms are offered beside `network inet6 stream`, narrower, only where the
    /// parser and the ABI both read them; the question selects the finest.
    func testNetworkFineFormsAreNarrowerChoices() throws {
        let af = try FeatureSet(contentsOf: Fixtures.conformance("parser-features_files/features.af_inet").path).paths
        XCTAssertEqual(RuleText.choices(for: Self.connect, target: RuleTarget(parser: ParserVersion(3, 0, 8), features: af)).map(\.text),
                       ["network inet6 stream"])
        XCTAssertEqual(RuleText.choices(for: Self.connect, target: RuleTarget(parser: ParserVersion(4, 1), features: af)).map(\.text),
                       ["network inet6 stream", "network (connect) inet6 stream", "network (connect) inet6 stream ip=::1 peer=(ip=::1 port=80)"])
        let create = EventKind.network(NetworkAccess(access: ["create"], family: Array("inet".utf8), sockType: Array("stream".utf8), localPort: 0, peerPort: 0))
        XCTAssertEqual(RuleText.choices(for: create, target: RuleTarget(parser: ParserVersion(4, 1), features: af)).map(\.text),
                       ["network inet stream", "network (create) inet stream"])
        XCTAssertEqual(RuleText.choices(for: .capability("chown")).map(\.text), ["capability chown"])

        let dir = try folder(["app": "profile app {\n}\n"])
        for (parser, want) in [("3.0.8", ["network inet6 stream,"]),
                               ("4.1", ["network inet6 stream,", "network (connect) inet6 stream,", "network (connect) inet6 stream ip=::1 peer=(ip=::1 port=80),"])] {
            let policy = LogprofPolicy(dir: dir)
            let options = RuleTargetOptions(featuresFile: Fixtures.conformance("parser-features_files/features.af_inet").path, parserVersion: parser)
            policy.targets = RuleTargets(options: options, profileDir: dir)
            let s = LogprofSession(policy: policy, config: LogprofConfig(), severity: SeverityDB(text: SeverityDB.builtIn),
                                   items: [LogprofItem(mode: .allowed, profile: "app", kind: Self.connect)])
            guard case .rule(let r) = s.next() else { return XCTFail("a rule question") }
            XCTAssertEqual(r.options, want, parser)
            XCTAssertEqual(r.selected, want.count - 1, "the finest form is selected")
        }
    }

    func testAuditAndDenyCoverAndNoDoubleProposals() throws {
        let dir = try folder(["app": "profile app {\n  audit signal send set=term peer=unconfined,\n  deny ptrace read peer=unconfined,\n  audit network inet stream,\n}\n"])
        let items = [
            LogprofItem(mode: .allowed, profile: "app", kind: .signal(access: ["send"], signals: ["term"], peer: Array("unconfined".utf8))),
            LogprofItem(mode: .allowed, profile: "app", kind: .ptrace(access: ["read"], peer: Array("unconfined".utf8))),
            LogprofItem(mode: .allowed, profile: "app", kind: .network(NetworkAccess(access: ["create"], family: Array("inet".utf8), sockType: Array("stream".utf8), localPort: 0, peerPort: 0))),
            LogprofItem(mode: .allowed, profile: "app", kind: .capability("net_raw")),
            LogprofItem(mode: .allowed, profile: "app", kind: Self.connect),
            LogprofItem(mode: .denied, profile: "app", kind: .capability("net_raw")),
            LogprofItem(mode: .denied, profile: "app", kind: .network(NetworkAccess(access: ["bind"], family: Array("inet6".utf8), sockType: Array("stream".utf8), localPort: 0, peerPort: 0))),
        ]
        let s = session(dir, items)
        var asked: [String] = []
        while let q = s.next() {
            guard case .rule(let r) = q else { return XCTFail("rule questions only") }
            asked.append(r.options[r.selected])
            s.answer(r, deny: false)
        }
        XCTAssertEqual(asked, ["capability net_raw,", "network inet6 stream,"])
        XCTAssertEqual(s.alreadyAllowed, 5)
    }

    /// Lines read in one load give the rules each gives alone; a line with an error is read
    /// alone (and gives nothing) without spoiling the others.
    func testBatchReadingOfRuleTexts() {
        let lines = ["signal send set=term peer=unconfined,", "network inet stream", "ptrace bogus peer=x,", "capability chown,", "unix (connect) type=stream,"]
        let batch = RuleTextReader()
        batch.prefetch(lines)
        for l in lines {
            let alone = RuleTextReader().rules(l)
            let got = batch.rules(l)
            XCTAssertEqual(got.map(\.kind), alone.map(\.kind), l)
            XCTAssertEqual(zip(got, alone).allSatisfy { $0.decides($1) && $1.decides($0) }, true, l)
        }
        XCTAssertTrue(batch.rules("ptrace bogus peer=x,").isEmpty)
        XCTAssertEqual(batch.rules("network inet stream").count, 1)
    }

    // MARK: abstractions

    /// As upstream: ssl_certs, then ssl_keys, then the path; never an abstraction that only
    /// includes the one that matches.
    func testSSLCertificatesSuggestNarrowAbstractionsFirst() throws {
        let dir = try folder(["app": "include <tunables/global>\nprofile app {\n}\n"])
        for sub in ["abstractions", "tunables"] {
            try Fixtures.run(URL(fileURLWithPath: "/bin/cp"), ["-r", Fixtures.conformance("profiles-apparmor.d/" + sub).path, dir + "/" + sub])
        }
        let item = LogprofItem(mode: .allowed, profile: "app", kind: .file(FileAccess(path: Array("/etc/ssl/certs/ca-certificates.crt".utf8), permissions: [.read], owner: false)))
        let s = session(dir, [item])
        guard case .rule(let q) = s.next() else { return XCTFail("expected a rule question") }
        XCTAssertEqual(q.options, ["include <abstractions/ssl_certs>", "include <abstractions/ssl_keys>", "/etc/ssl/certs/ca-certificates.crt r,"])
        XCTAssertEqual(q.selected, 0, "sizes: \(q.includes.map { s.policy.abstractionSize($0) })")
        // A capability: the rule itself is the default, the abstractions come first (at most three).
        let cap = session(dir, [LogprofItem(mode: .allowed, profile: "app", kind: .capability("net_admin"))])
        guard case .rule(let c) = cap.next() else { return XCTFail("expected a rule question") }
        XCTAssertLessThanOrEqual(c.includes.count, 3)
        XCTAssertEqual(c.options[c.selected], "capability net_admin,")
    }

    func testHowMuchAPatternNames() {
        XCTAssertEqual(LogprofPolicy.literalCount("/{media,mnt,opt,srv}/**"), 7)
        XCTAssertEqual(LogprofPolicy.literalCount("/etc/{,libre}ssl/certs/{,**}"), 20)
        XCTAssertEqual(LogprofPolicy.literalCount("/etc/ssl/**"), 9)
    }

    /// A broad abstraction (abstractions/totem's `/{media,mnt,opt,srv}/** r`) may be offered
    /// but is never the default: --allow-all then writes the path.
    func testBroadAbstractionIsNeverTheDefault() throws {
        let dir = try folder(["app": "include <tunables/global>\nprofile app {\n}\n"])
        for sub in ["abstractions", "tunables"] {
            try Fixtures.run(URL(fileURLWithPath: "/bin/cp"), ["-r", Fixtures.conformance("profiles-apparmor.d/" + sub).path, dir + "/" + sub])
        }
        let item = LogprofItem(mode: .allowed, profile: "app", kind: .file(FileAccess(path: Array("/srv/data/x.dat".utf8), permissions: [.read], owner: false)))
        let s = session(dir, [item])
        guard case .rule(let q) = s.next() else { return XCTFail("expected a rule question") }
        XCTAssertNil(q.include(at: q.selected), "\(q.options) default \(q.selected)")
        XCTAssertEqual(q.options[q.selected], "/srv/data/x.dat r,")
    }

    // MARK: exec

    /// (C)hild in a complain-mode profile: the child is complain too, and the records of its
    /// learning profile (`parent//null-/path`) become its questions.
    func testChildInComplainParentTakesItsNullRecords() throws {
        let dir = try folder(["app": "profile app /usr/bin/app flags=(complain) {\n  /etc/a r,\n}\n"])
        var collector = LogprofEventCollector()
        collector.add(Event(mode: .allowed, profile: Array("app".utf8), kind: .exec(path: Array("/usr/bin/kid".utf8), target: nil)))
        collector.add(Event(mode: .allowed, profile: Array("app//null-/usr/bin/kid".utf8),
                            kind: .file(FileAccess(path: Array("/etc/kid.conf".utf8), permissions: [.read], owner: false))))
        let s = session(dir, collector.ordered())
        guard case .exec(let e) = s.next() else { return XCTFail("expected the exec question") }
        s.answerExec(e, .child)
        guard case .rule(let r) = s.next() else { return XCTFail("the child's record is asked next") }
        XCTAssertEqual(r.item.fullName, "app///usr/bin/kid")
        s.answer(r, deny: false)
        XCTAssertNil(s.next())
        let planned = try LogprofApply.plan(LogprofPlan(profileDir: dir, changes: s.changes))
        XCTAssertEqual(String(decoding: planned[0].new, as: UTF8.self),
                       "profile app /usr/bin/app flags=(complain) {\n  /etc/a r,\n  /usr/bin/kid cx,\n\n  profile /usr/bin/kid flags=(complain) {\n    include <abstractions/base>\n\n    /usr/bin/kid mr,\n    /etc/kid.conf r,\n  }\n}\n")
    }
}
