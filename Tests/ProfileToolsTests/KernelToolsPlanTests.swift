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
        for sub in ["abstractions", "tunables"] {
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
        let edited = try MergeprofPlanner.edits(for: plan.proposals)
        XCTAssertEqual(edited.count, 1)
        let before = Self.foo.components(separatedBy: "\n")
        let after = String(decoding: try edited[0].resultBytes(), as: UTF8.self).components(separatedBy: "\n")
        // Lossless: the installed lines are all there, in order; only new lines are added.
        var rest = after[...]
        for line in before {
            guard let i = rest.firstIndex(of: line) else { return XCTFail("lost: \(line)") }
            rest = rest[(i + 1)...]
        }
        XCTAssertEqual(after.count - before.count, plan.proposals.count + after.filter(\.isEmpty).count - before.filter(\.isEmpty).count)
    }
}
