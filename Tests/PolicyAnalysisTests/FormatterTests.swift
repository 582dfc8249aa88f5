import AASwiftTestSupport
import AppArmorEdit
import AppArmorPolicy
import AppArmorSyntax
import Foundation
import XCTest

final class FormatterTests: XCTestCase {
    func fmt(_ text: String, sort: Bool = false, base: String = "/nonexistent") throws -> String {
        let checker = PolicyChecker(options: CheckOptions(searchPath: IncludeSearchPath(base: base)))
        let f = try ProfileFormatter(sortPermissions: sort).format(path: "/tmp/fmt-test", bytes: Array(text.utf8), checker: checker)
        return String(decoding: try f.resultBytes(), as: UTF8.self)
    }

    func testGolden() throws {
        let input = """
            # top comment
            profile foo /usr/bin/foo flags=(complain,attach_disconnected) {
            include <abstractions/base>
                /etc/passwd   r ,  /etc/group r,
                  # a comment
            \t/usr/bin/bar mixr,  # eol
              dbus send
                 bus=session
                 peer=(name=org.foo),
              ^hat {
              /x r,
              # last
              }
              }

            """
        let expected = """
            # top comment
            profile foo /usr/bin/foo flags=(complain, attach_disconnected) {
              include <abstractions/base>
              /etc/passwd r,
              /etc/group r,
              # a comment
              /usr/bin/bar mrix, # eol
              dbus send
                bus=session
                peer=(name=org.foo),
              ^hat {
                /x r,
                # last
              }
            }

            """
        XCTAssertEqual(try fmt(input, sort: true), expected)
        XCTAssertEqual(try fmt(expected, sort: true), expected, "idempotent")
        // Without --sort-perms the permission word stays as written.
        XCTAssertTrue(try fmt(input).contains("/usr/bin/bar mixr, # eol"))
    }

    func testOneLinerAndAbstraction() throws {
        XCTAssertEqual(try fmt("profile x { /a r, /b w, }"), "profile x {\n  /a r,\n  /b w,\n}\n")
        // An abstraction's rules are indented one level, as it is included.
        XCTAssertEqual(try fmt("/a r,\n    # c\n/b w,\n"), "  /a r,\n  # c\n  /b w,\n")
        // Variables at the top level stay at the left edge.
        XCTAssertEqual(try fmt("  @{X}=/a  /b\nprofile x {\n/c r,\n}\n"), "@{X}=/a /b\nprofile x {\n  /c r,\n}\n")
    }

    func testRefusesCRLF() throws {
        XCTAssertThrowsError(try fmt("profile x {\r\n/a r,\r\n}\r\n")) { XCTAssertEqual($0 as? ProfileFormatter.Refusal, .carriageReturns) }
    }

    /// As gofmt does: a file that does not parse (an unclosed block, binary bytes) has no known
    /// layout and is left as it is, with the first error named.
    func testRefusesAFileThatDoesNotParse() throws {
        XCTAssertThrowsError(try fmt("profile x {\n/a r,\n")) { error in
            guard case .syntaxError(let first)? = error as? ProfileFormatter.Refusal else { return XCTFail("\(error)") }
            XCTAssertTrue(first.hasPrefix("line 1: "), first)
        }
        XCTAssertThrowsError(try fmt("profile x {\n/a r,\n}\n\u{0}\u{1}")) { error in
            guard case .syntaxError(let first)? = error as? ProfileFormatter.Refusal else { return XCTFail("\(error)") }
            XCTAssertTrue(first.contains("not a text file"), first)
        }
    }

    /// fmt(fmt(x)) == fmt(x) and the policy model is the same before and after, for every file of
    /// upstream's profiles and of the installed /etc/apparmor.d (read only; formatted in memory).
    func testCorpusIdempotentAndMeaningPreserving() throws {
        var roots = [Fixtures.conformance("profiles-apparmor.d")]
        if FileManager.default.fileExists(atPath: "/etc/apparmor.d/tunables/global") { roots.append(URL(fileURLWithPath: "/etc/apparmor.d")) }
        XCTAssertTrue(FileManager.default.fileExists(atPath: roots[0].appendingPathComponent("tunables/global").path), "corpus missing at \(roots[0].path)")
        for root in roots {
            let checker = PolicyChecker(options: CheckOptions(searchPath: IncludeSearchPath(base: root.path)))
            var files = 0, changed = 0, unchanged = 0, refused: [String] = []
            for url in Fixtures.files(under: root) {
                files += 1
                let bytes = Array(try Data(contentsOf: url))
                let once: [UInt8]
                do {
                    once = try ProfileFormatter(sortPermissions: true).format(path: url.path, bytes: bytes, checker: checker).resultBytes()
                } catch let r as ProfileFormatter.Refusal {
                    refused.append("\(url.lastPathComponent): \(r)")
                    continue
                }
                if once == bytes { unchanged += 1 } else { changed += 1 }
                let twice = try ProfileFormatter(sortPermissions: true).format(path: url.path, bytes: once, checker: checker)
                XCTAssertFalse(twice.hasChanges, "not idempotent: \(url.path)\n\((try? twice.diff()) ?? "")")
                // The model compared once more, outside `format`.
                let a = PolicyFingerprint(path: url.path, bytes: bytes, checker: checker, tag: "test-a")
                let b = PolicyFingerprint(path: url.path, bytes: once, checker: checker, tag: "test-b")
                XCTAssertNil(a.difference(b), url.path)
            }
            print("fmt corpus \(root.path): \(files) files, \(changed) reformatted, \(unchanged) already canonical, \(refused.count) refused \(refused)")
            XCTAssertGreaterThan(files, 100)
            // Only the abi feature files (not policy) may be refused.
            XCTAssertTrue(refused.allSatisfy { $0.hasPrefix("5.0") || $0.hasPrefix("4.0") || $0.hasPrefix("3.0") || $0.hasPrefix("kernel-") }, "\(refused)")
        }
    }
}
