import AppArmorPolicy
import Foundation
import PolicyAnalysis
import XCTest

/// A small policy folder written for one test (tunables/global, abstractions/foo, profiles),
/// removed when the test ends.
struct PolicyFixture {
    let folder: URL

    init(_ test: XCTestCase, files: [String: String]) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("aaswift-analysis-\(UUID().uuidString)")
        for (name, text) in files {
            let url = folder.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        let f = folder
        test.addTeardownBlock { try? FileManager.default.removeItem(at: f) }
    }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// The standard fixture: a profile with an include, a variable, deny, owner, audit and exec rules.
    static let standard: [String: String] = [
        "tunables/global": "@{HOME}=/home/*/ /root/\n",
        "abstractions/foo": "  @{HOME}/.foorc r,\n  audit /var/log/foo.log w,\n",
        "usr.bin.foo": """
            include <tunables/global>

            profile foo /usr/bin/foo {
              include <abstractions/foo>
              /etc/** r,
              deny /etc/shadow r,
              owner /tmp/foo.* rw,
              /usr/bin/bar Px -> bar,
              /usr/bin/* ix,
              capability net_admin,
              network inet stream,
              signal send set=(hup term) peer=bar,
            }

            """,
        "bar": "profile bar flags=(complain) {\n  /etc/hosts r,\n}\n",
    ]
}
