import AppArmorPolicy
import PolicyAnalysis
import AuditLog
@testable import ProfileTools
import XCTest

/// One coverage semantics: logprof's index (CoverageSet: rules by path prefix, matched with the
/// AARE engine, permissions as PermissionSet) answers a one-rule question as the policy
/// model's `PolicyRule.decides` does, for file rules with and without owner, deny and audit,
/// over patterns with every AARE construct and paths that match them or not.
final class CoverageAgreementTests: XCTestCase {
    static let patterns = [
        "/etc/passwd", "/etc/*", "/etc/**", "/etc/{passwd,group}", "/home/*/.config/**", "/tmp/[a-c]*",
        "/srv/dat?/x", "/usr/{lib,lib64}/**.so*", "/**", "/var/log/*.log", "/proc/[0-9]*/status",
    ]
    static let paths = [
        "/etc/passwd", "/etc/group", "/etc/ssl/certs/x", "/home/bob/.config/app/rc", "/home/bob/x", "/tmp/a1",
        "/tmp/d", "/srv/data/x", "/srv/dat/x", "/usr/lib/libc.so.6", "/usr/lib64/x/libm.so", "/var/log/syslog.log",
        "/var/log/a/b.log", "/proc/123/status", "/proc/self/status", "/",
    ]
    static let perms: [PermissionSet] = [[.read], [.write], [.read, .write], [.append], [.mmap, .read], [.lock], [.link]]

    func testCoverageSetAgreesWithTheModelOnOneRule() {
        let reader = RuleTextReader()
        var checked = 0, known = 0
        for pattern in Self.patterns {
            for rulePerms in Self.perms {
                for qualifier in ["", "owner ", "deny ", "audit ", "audit owner "] {
                    let ruleText = "\(qualifier)\(pattern) \(rulePerms.text),"
                    guard let rule = reader.rules(ruleText).first else { return XCTFail("does not load: \(ruleText)") }
                    let set = CoverageSet(matchers: MatcherCache(reader: reader))
                    set.add([rule], text: { _ in ruleText })
                    for path in Self.paths {
                        for want in Self.perms {
                            for owner in [false, true] {
                                let requestText = (owner ? "owner " : "") + path + " " + want.text + ","
                                guard let request = reader.rules(requestText).first else { return XCTFail("does not load: \(requestText)") }
                                let kind = EventKind.file(FileAccess(path: Array(path.utf8), permissions: want, owner: owner))
                                let ours = set.isKnown(kind, request: nil)
                                XCTAssertEqual(ours, rule.decides(request), "\(ruleText) for \(requestText)")
                                checked += 1
                                if ours { known += 1 }
                            }
                        }
                    }
                }
            }
        }
        // Both answers occur often enough for the comparison to mean something.
        XCTAssertGreaterThan(known, 1000)
        XCTAssertGreaterThan(checked - known, 1000)
    }
}
