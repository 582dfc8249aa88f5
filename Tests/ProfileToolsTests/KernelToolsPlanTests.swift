import AASwiftTestSupport
import AppArmorEdit
import Foundation
@testable import ProfileTools
import SystemAppArmor
import XCTest

/// remove-unknown, mode and mergeprof on profile folders made in the test.
final class KernelToolsPlanTests: XCTestCase {
    func folder(_ files: [String: String]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aaswift-ktp-\(UUID().uuidString)").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        for sub in ["abstractions", "tunables", "abi"] {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: Fixtures.conformance("profiles-apparmor.d/" + sub).path, toPath: dir + "/" + sub)
        }
        for (name, text) in files { try text.write(toFile: dir + "/" + name, atomically: false, encoding: .utf8) }
        return dir
    }

    static let foo = """
        include <tunables/global>
        # installed
        profile foo /usr/bin/foo {
          include <abstractions/base>
          /etc/foo r,
          /var/log/foo/** rw,

          ^hat {
            /tmp/h r,
          }
          profile child {
            /tmp/c r,
          }
        }

        """

    func testRemoveUnknownKeepsWhatTheFolderDefines() throws {
        let dir = try folder(["foo": Self.foo, "ns": "profile :lxc:inner {\n}\n", "README": "not a profile {\n"])
        let known = RemoveUnknown.knownNames(folder: dir)
        XCTAssertEqual(known, ["foo", "foo//hat", "foo//child", ":lxc:inner"])
        let loaded = ["foo", "foo//hat", "foo//child", "foo//gone", "orphan", "orphan//sub", "libvirt-0a1b-2c3d", "snap.x.y", ":lxc:inner"]
            .map { LoadedProfile(name: $0, mode: "enforce") }
        XCTAssertEqual(RemoveUnknown.orphans(loaded: loaded, known: known, keep: ["snap.*"]), ["orphan//sub", "orphan", "foo//gone"])
    }

    func testModeKillAndAChildAlone() throws {
        let dir = try folder(["foo": Self.foo])
        let resolver = ModeTargetResolver(folder: dir)
        guard case .success(let child) = resolver.resolve(.profile("foo//child")) else { return XCTFail("foo//child not found") }
        XCTAssertEqual(child.profileName, "foo//child")
        let plan = try ModePlanner.plan(.mode("kill"), target: child, folder: resolver.folder, force: false)
        XCTAssertEqual(plan.changedProfiles, ["foo//child"])
        let after = String(decoding: try plan.edited.resultBytes(), as: UTF8.self)
        XCTAssertEqual(after, Self.foo.replacingOccurrences(of: "profile child {", with: "profile child flags=(kill) {"))
        // complain on the whole file, then prompt: prompt replaces complain everywhere.
        guard case .success(let all) = resolver.resolve(.profile("foo")) else { return XCTFail("foo not found") }
        var edited = EditedFile(path: all.file, bytes: Array(Self.foo.replacingOccurrences(of: "profile foo /usr/bin/foo {", with: "profile foo /usr/bin/foo flags=(complain) {").utf8))
        let r = edited.original
        for (p, _) in ModePlanner.selectedProfiles(in: r, name: "foo") {
            try edited.changeFlags(of: p, adding: ModeAction.mode("prompt").flagsToAdd, removing: ModeAction.mode("prompt").flagsToRemove)
        }
        let text = String(decoding: try edited.resultBytes(), as: UTF8.self)
        XCTAssertTrue(text.contains("profile foo /usr/bin/foo flags=(prompt) {"), text)
        XCTAssertFalse(text.contains("complain"))
        XCTAssertEqual(ModeAction.mode("enforce").flagsToAdd, [])
        XCTAssertEqual(Set(ModeAction.mode("enforce").flagsToRemove), ["complain", "kill", "unconfined", "prompt", "default_allow"])
    }

    func testMergeprofOffersWhatTheInstalledProfileLacks() throws {
        let dir = try folder(["foo": Self.foo])
        let other = dir + "/../aaswift-ktp-other-\(UUID().uuidString)"
        addTeardownBlock { try? FileManager.default.removeItem(atPath: other) }
        try """
            include <tunables/global>
            @{srcvar} = /opt/src
            profile foo /usr/bin/foo {
              include <abstractions/base>
              include <abstractions/nameservice>
              capability net_bind_service,
              /etc/foo r,
              /var/log/foo/x.log w,
              /usr/share/locale/** r,
              audit /etc/foo r,
              /srv/foo/** r,
              @{srcvar}/x r,
              deny {
                /srv/foo/secret r,
              }
              ^hat {
                /tmp/h r,
                /tmp/h2 w,
              }
            }
            profile bar {
            }

            """.write(toFile: other, atomically: false, encoding: .utf8)
        let plan = MergeprofPlanner.plan(files: [other], folder: dir)
        XCTAssertEqual(plan.errors, [])
        XCTAssertEqual(plan.unmatched, ["bar"])
        XCTAssertEqual(plan.skipped.count, 1)
        XCTAssertTrue(plan.skipped.first?.contains("@{srcvar}") == true)
        XCTAssertEqual(plan.proposals.map { "\($0.profile): \($0.rule.text)" }, [
            "foo: include <abstractions/nameservice>",
            "foo: capability net_bind_service,",
            "foo: audit /etc/foo r,",
            "foo: /srv/foo/** r,",
            "foo//hat: /tmp/h2 w,",
        ])
        let planned = try Self.acceptAll(plan, folder: dir)
        XCTAssertEqual(planned.count, 1)
        let before = Self.foo.components(separatedBy: "\n")
        let after = String(decoding: planned[0].new, as: UTF8.self).components(separatedBy: "\n")
        // Lossless: the installed lines are all there, in order; only new lines are added.
        var rest = after[...]
        for line in before {
            guard let i = rest.firstIndex(of: line) else { return XCTFail("lost: \(line)") }
            rest = rest[(i + 1)...]
        }
        // abstractions/nameservice, taken first, allows net_bind_service (through nis): that
        // rule is not added.
        XCTAssertFalse(after.contains { $0.contains("net_bind_service") })
        XCTAssertEqual(after.count - before.count, plan.proposals.count - 1 + after.filter(\.isEmpty).count - before.filter(\.isEmpty).count)
    }

    /// Every proposal taken as written (what --allow-all does), planned as logprof's changes.
    static func acceptAll(_ plan: MergeprofPlan, folder: String) throws -> [PlannedFile] {
        let session = MergeprofSession(plan: plan, policy: LogprofPolicy(dir: folder), severity: SeverityDB(text: ""))
        session.noAbstraction = true
        for top in session.topProfiles {
            while let q = session.next(in: top) {
                switch q {
                case .rule(let r): _ = session.answer(r, deny: false)
                case .block(let b): session.answerBlock(b, add: true)
                }
            }
        }
        return try LogprofApply.plan(LogprofPlan(profileDir: folder, changes: session.changes))
    }

    /// A question's options follow its toggles as upstream's do: `audit` first, `deny` after
    /// it, `owner` last, a globbed path in place of the written one; the text stays as written
    /// when nothing changed. An accepted abstraction covers the later rules it allows; a hat
    /// that is not added is not asked about.
    func testMergeQuestionsFollowTheirToggles() throws {
        let dir = try folder(["foo": Self.foo])
        let other = dir + "/../aaswift-ktp-other-\(UUID().uuidString)"
        addTeardownBlock { try? FileManager.default.removeItem(atPath: other) }
        try """
            profile foo /usr/bin/foo {
              owner   /srv/data/file.txt  rw,
              priority=2 /srv/other r,
              capability setuid,
              /etc/locale.alias r,
              /etc/nsswitch.conf r,
              /etc/hosts r,
              ^newhat {
                /tmp/n r,
              }
            }

            """.write(toFile: other, atomically: false, encoding: .utf8)
        let plan = MergeprofPlanner.plan(files: [other], folder: dir)
        XCTAssertEqual(plan.proposals.map { "\($0.questionProfile): \($0.rule.text)" }, [
            "foo: capability setuid,",
            "foo: owner   /srv/data/file.txt  rw,",
            "foo: priority=2 /srv/other r,",
            "foo: /etc/nsswitch.conf r,",
            "foo: /etc/hosts r,",
            "foo//newhat: newhat",
            "foo//newhat: /tmp/n r,",
        ])
        let session = MergeprofSession(plan: plan, policy: LogprofPolicy(dir: dir), severity: SeverityDB(text: ""))
        guard case .rule(var cap) = session.next(in: "foo") else { return XCTFail("no capability question") }
        XCTAssertEqual(cap.prompt().menuItems, ["(A)llow", "[(D)eny]", "(I)gnore", "Audi(t)", "Abo(r)t", "(F)inish"])
        XCTAssertEqual(cap.options.last, "capability setuid,")
        cap.audit = true
        XCTAssertEqual(cap.options.last, "audit capability setuid,")
        XCTAssertEqual(cap.prompt().headers.first { $0.0 == "Qualifier" }?.1.description, "audit")
        XCTAssertEqual(session.answer(cap, deny: true), "audit deny capability setuid,")

        guard case .rule(var file) = session.next(in: "foo") else { return XCTFail("no file question") }
        XCTAssertEqual(file.options, ["owner   /srv/data/file.txt  rw,"])
        XCTAssertEqual(file.prompt().menuItems, ["(A)llow", "[(D)eny]", "(I)gnore", "(G)lob", "Glob with (E)xtension", "(N)ew", "Audi(t)",
                                                 "(O)wner permissions off", "Abo(r)t", "(F)inish"])
        XCTAssertEqual(file.prompt().headers.map { "\($0.0)=\($0.1)" }, ["Profile=foo", "Path=/srv/data/file.txt", "New Mode=owner rw", "Severity=unknown"])
        file.glob(extension: true)
        XCTAssertEqual(file.options.last, "owner /srv/data/*.txt  rw,")
        file.owner = false
        file.audit = true
        XCTAssertEqual(file.options, ["audit /srv/data/file.txt  rw,", "audit /srv/data/*.txt  rw,"])
        XCTAssertEqual(file.prompt().headers.map { "\($0.0)=\($0.1)" },
                       ["Profile=foo", "Qualifier=audit", "Path=/srv/data/file.txt", "New Mode=rw", "Severity=unknown"])
        XCTAssertEqual(session.checkNewPath(file, "/srv/**").matches, true)
        XCTAssertEqual(session.checkNewPath(file, "/tmp/x").matches, false)
        XCTAssertEqual(session.checkNewPath(file, "srv").valid, false)
        XCTAssertEqual(session.answer(file, deny: false), "audit /srv/data/*.txt  rw,")

        guard case .rule(var prio) = session.next(in: "foo") else { return XCTFail("no priority question") }
        prio.audit = true
        XCTAssertEqual(session.answer(prio, deny: true), "priority=2 audit deny /srv/other r,")

        // abstractions/nameservice-strict allows the name service files (through @{etc_ro}):
        // offered beside the rule, which stays selected; once taken, it answers for
        // /etc/hosts, which is not asked.
        guard case .rule(var ns) = session.next(in: "foo") else { return XCTFail("no nsswitch question") }
        XCTAssertTrue(ns.includes.contains("abstractions/nameservice-strict"), "\(ns.includes)")
        XCTAssertEqual(ns.selected, ns.includes.count, "the rule itself is selected")
        XCTAssertEqual(ns.options.last, "/etc/nsswitch.conf r,")
        ns.selected = ns.includes.firstIndex(of: "abstractions/nameservice-strict")!
        XCTAssertNil(session.answer(ns, deny: true), "an include cannot deny")
        XCTAssertEqual(session.answer(ns, deny: false), "include <abstractions/nameservice-strict>")

        guard case .block(let hat) = session.next(in: "foo") else { return XCTFail("no hat question") }
        XCTAssertEqual(hat.prompt().menuItems, ["(A)dd Requested Hat", "[(D)eny]", "Abo(r)t", "(F)inish"])
        session.answerBlock(hat, add: false)
        XCTAssertNil(session.next(in: "foo"), "the rules of a hat not added are not asked")
        XCTAssertEqual(session.changes.map(\.text), ["audit deny capability setuid,", "audit /srv/data/*.txt  rw,",
                                                     "priority=2 audit deny /srv/other r,", "abstractions/nameservice-strict"])
    }
}
