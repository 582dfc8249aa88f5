import AppArmorPolicy
import PolicyAnalysis
import XCTest

final class PolicyDiffTests: XCTestCase {
    /// The diff of two versions of one profile file (with the standard fixture's includes).
    func diff(_ old: String, _ new: String) throws -> [PolicyDiffEntry] {
        var files = PolicyFixture.standard
        files["old/p"] = old
        files["new/p"] = new
        let fx = try PolicyFixture(self, files: files)
        let a = PolicySnapshot.load(fx.path("old/p"), searchPath: IncludeSearchPath(base: fx.folder.path))
        let b = PolicySnapshot.load(fx.path("new/p"), searchPath: IncludeSearchPath(base: fx.folder.path))
        XCTAssertEqual(a.errors + b.errors, [])
        return PolicyDiff.compare(old: a, new: b)
    }

    func summary(_ e: [PolicyDiffEntry]) -> [String] { e.map { "\($0.change == .granted ? "+" : "-") \($0.kind): \($0.access)" } }

    func testAddedPath() throws {
        let d = try diff("profile p {\n  /etc/hosts r,\n}\n", "profile p {\n  /etc/hosts r,\n  /etc/passwd r,\n}\n")
        XCTAssertEqual(summary(d), ["+ file: /etc/passwd r"])
        XCTAssertEqual(d.first?.location?.hasSuffix("new/p:3"), true)
    }

    func testWidenedPermissions() throws {
        let d = try diff("profile p {\n  /etc/hosts r,\n}\n", "profile p {\n  /etc/hosts rwk,\n}\n")
        XCTAssertEqual(summary(d), ["+ file: /etc/hosts wk"])
    }

    func testRemovedCapability() throws {
        let d = try diff("profile p {\n  capability chown,\n  capability net_admin,\n}\n", "profile p {\n  capability chown,\n}\n")
        XCTAssertEqual(summary(d), ["- capability: capability net_admin"])
    }

    func testRuleCoveredByAGlobIsNotGranted() throws {
        let d = try diff("profile p {\n  /etc/** r,\n  capability,\n}\n", "profile p {\n  /etc/** r,\n  /etc/ssl/certs/x.pem r,\n  capability,\n  capability chown,\n}\n")
        XCTAssertEqual(summary(d), [])
        // Permissions add up across rules: r from one glob and w from another cover rw.
        let two = try diff("profile p {\n  /etc/** r,\n  /etc/*.conf w,\n}\n", "profile p {\n  /etc/** r,\n  /etc/*.conf w,\n  /etc/a.conf rw,\n}\n")
        XCTAssertEqual(summary(two), [])
    }

    func testIncludesAndVariablesResolved() throws {
        // The abstraction grants @{HOME}/.foorc: writing the expanded path grants nothing new.
        let d = try diff("include <tunables/global>\nprofile p {\n  include <abstractions/foo>\n}\n",
                         "include <tunables/global>\nprofile p {\n  include <abstractions/foo>\n  /home/*/.foorc r,\n}\n")
        XCTAssertEqual(summary(d), [])
    }

    func testExecTransitionsDenyAndMode() throws {
        let d = try diff("profile p {\n  /usr/bin/x Px,\n  deny /etc/shadow r,\n  signal send,\n}\n",
                         "profile p flags=(complain) {\n  /usr/bin/x Ux,\n  ptrace read peer=foo,\n}\n")
        XCTAssertEqual(Set(summary(d)), [
            "+ mode: mode enforce -> complain", "+ exec: /usr/bin/x Ux", "+ ptrace: ptrace read peer=foo",
            "+ deny: no longer denied: /etc/shadow r", "- exec: /usr/bin/x Px", "- signal: signal send",
        ])
    }

    func testFolderDiff() throws {
        let fx = try PolicyFixture(self, files: [
            "old/abstractions/a": "  /usr/share/** r,\n", "old/one": "profile one {\n  include <abstractions/a>\n}\n",
            "old/two": "profile two {\n  capability chown,\n}\n",
            // The abstraction changes: every profile that includes it grants the new access.
            "new/abstractions/a": "  /usr/share/** r,\n  /srv/** rw,\n", "new/one": "profile one {\n  include <abstractions/a>\n}\n",
            "new/three": "profile three {\n  /tmp/x r,\n}\n",
        ])
        let d = PolicyDiff.compare(old: PolicySnapshot.load(fx.path("old"), searchPath: IncludeSearchPath(base: "/nonexistent")),
                                   new: PolicySnapshot.load(fx.path("new"), searchPath: IncludeSearchPath(base: "/nonexistent")))
        XCTAssertEqual(d.map { "\($0.profile) \($0.change.rawValue) \($0.kind): \($0.access)" }, [
            "one granted file: /srv/** rw",
            "three granted profile: new profile (enforce mode)", "three granted file: /tmp/x r",
            "two revoked profile: profile removed",
        ])
    }

    /// Dropping `owner` widens a rule to other users' files; adding it narrows the rule.
    func testOwnerQualifier() throws {
        let widened = try diff("profile p {\n  owner /srv/** rw,\n}\n", "profile p {\n  /srv/** rw,\n}\n")
        XCTAssertEqual(summary(widened).count, 1, "\(summary(widened))")
        XCTAssertEqual(widened.first?.change, .granted)
        XCTAssertEqual(try diff("profile p {\n  /srv/** rw,\n}\n", "profile p {\n  owner /srv/** rw,\n}\n").map(\.change), [.revoked])
    }

    /// A glob narrowed to part of what it matched revokes; the same rule written through a
    /// variable of the tunables changes nothing.
    func testNarrowedGlobAndAVariable() throws {
        let d = try diff("profile p {\n  /etc/** r,\n}\n", "profile p {\n  /etc/*.conf r,\n}\n")
        XCTAssertEqual(summary(d), ["- file: /etc/** r"])
        let same = try diff("include <tunables/global>\nprofile p {\n  /root/.foorc r,\n  /home/*/.foorc r,\n}\n",
                            "include <tunables/global>\nprofile p {\n  @{HOME}/.foorc r,\n}\n")
        XCTAssertEqual(summary(same), [])
    }

    /// Two folders that take their abstractions from an include folder (`-I`) rather than
    /// their own: a change there shows in neither (both load the same abstraction), a change
    /// of a profile does.
    func testFoldersWithAnIncludeFolder() throws {
        let fx = try PolicyFixture(self, files: [
            "shared/abstractions/a": "  /usr/share/** r,\n",
            "old/one": "profile one {\n  include <abstractions/a>\n}\n",
            "new/one": "profile one {\n  include <abstractions/a>\n  network inet stream,\n}\n",
        ])
        let path = IncludeSearchPath(includeDirs: [fx.path("shared")], base: "/nonexistent")
        let old = PolicySnapshot.load(fx.path("old"), searchPath: path), new = PolicySnapshot.load(fx.path("new"), searchPath: path)
        XCTAssertEqual(old.errors + new.errors, [])
        XCTAssertEqual(summary(PolicyDiff.compare(old: old, new: new)), ["+ network: network inet stream"])
        // Without the include folder the abstraction is missing: an error, not a silent diff.
        XCTAssertFalse(PolicySnapshot.load(fx.path("old"), searchPath: IncludeSearchPath(base: "/nonexistent")).errors.isEmpty)
    }

    func testAlternativesOfAPattern() {
        XCTAssertEqual(AAREPattern.alternatives("/{a,b{c,d}}x"), ["/ax", "/bcx", "/bdx"])
        XCTAssertEqual(AAREPattern.alternatives("/{,usr/}lib/[{]\\{x"), ["/lib/[{]\\{x", "/usr/lib/[{]\\{x"])
        XCTAssertEqual(AAREPattern.alternatives("/plain"), ["/plain"])
        XCTAssertNil(AAREPattern.alternatives("/{a,b}{c,d}{e,f}", limit: 4))
        XCTAssertNil(AAREPattern.alternatives("/{a,b"))
    }
}
