import AASwiftTestSupport
import Foundation
import XCTest

/// `aaswift lint` end to end: the text, JSON and SARIF reports, the exit status, `--fix`.
final class LintCommandTests: XCTestCase {
    static let fixture = Fixtures.project("Tests/aaswiftTests/Fixtures/lint").path

    func copyOfFixture() throws -> String {
        let dir = try Fixtures.temporaryCopy(of: Self.fixture, label: "lint-cli")
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir.path
    }

    func testTextReportAndExitStatus() throws {
        let r = try Fixtures.aaswift(["lint", "-d", ".", "usr.bin.deny"], cwd: URL(fileURLWithPath: Self.fixture))
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertEqual(r.stdout, """
            usr.bin.deny:5:3: warning: '/etc/secret r,' grants nothing: 'deny /etc/secret* r,' (line 6) denies all of it [AA4003]
            usr.bin.deny:7:3: note: 'deny /etc/nothing-granted w,' denies what nothing in the profile grants [AA4004]
            usr.bin.deny:8:3: warning: 'capability chown,' grants nothing: 'deny capability chown,' (line 9) denies all of it [AA4003]

            """)
        XCTAssertEqual(r.stderr, "2 warnings, 1 note in 1 file\n")
        // Notes alone do not fail; nothing at all does not either.
        let notes = try Fixtures.aaswift(["lint", "-d", Self.fixture, "--rule", "AA4004", Self.fixture + "/usr.bin.deny"])
        XCTAssertEqual(notes.status, 0, notes.stdout)
        XCTAssertTrue(notes.stdout.contains("[AA4004]"))
        let clean = try Fixtures.aaswift(["lint", "-d", Self.fixture, Self.fixture + "/usr.bin.clean"])
        XCTAssertEqual(clean.status, 0, clean.stdout + clean.stderr)
        XCTAssertEqual(clean.stdout, "")
    }

    func testUsageErrors() throws {
        let unknown = try Fixtures.aaswift(["lint", "--rule", "AA9999", Self.fixture + "/usr.bin.deny"])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains("unknown check 'AA9999'"), unknown.stderr)
        let dry = try Fixtures.aaswift(["lint", "--dry-run", Self.fixture + "/usr.bin.deny"])
        XCTAssertEqual(dry.status, 2)
        let format = try Fixtures.aaswift(["lint", "--format", "xml", Self.fixture + "/usr.bin.deny"])
        XCTAssertEqual(format.status, 2)
    }

    func testJSONReport() throws {
        let r = try Fixtures.aaswift(["lint", "-d", Self.fixture, "--format", "json", "--rule", "duplicate,redundant", Self.fixture + "/usr.bin.red"])
        XCTAssertEqual(r.status, 1)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["files"] as? Int, 1)
        let findings = try XCTUnwrap(object["findings"] as? [[String: Any]])
        XCTAssertEqual(findings.map { $0["id"] as? String }, ["AA4002", "AA4002", "AA4001", "AA4001"])
        XCTAssertEqual(findings.map { $0["line"] as? Int }, [6, 8, 10, 11])
        XCTAssertEqual(findings[2]["name"] as? String, "duplicate")
        XCTAssertEqual(findings[2]["severity"] as? String, "warning")
        XCTAssertEqual(findings[2]["fixable"] as? Bool, true)
    }

    /// The SARIF log has what GitHub code scanning requires, decoded as plain JSON.
    func testSARIFReport() throws {
        let r = try Fixtures.aaswift(["lint", "-d", ".", "--format", "sarif", "usr.bin.wx", "usr.bin.deny"],
                                     cwd: URL(fileURLWithPath: Self.fixture))
        XCTAssertEqual(r.status, 1)
        let log = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(log["version"] as? String, "2.1.0")
        XCTAssertEqual(log["$schema"] as? String, "https://json.schemastore.org/sarif-2.1.0.json")
        let runs = try XCTUnwrap(log["runs"] as? [[String: Any]])
        XCTAssertEqual(runs.count, 1)
        let driver = try XCTUnwrap((runs[0]["tool"] as? [String: Any])?["driver"] as? [String: Any])
        XCTAssertEqual(driver["name"] as? String, "aaswift")
        let rules = try XCTUnwrap(driver["rules"] as? [[String: Any]])
        let ids = rules.compactMap { $0["id"] as? String }
        XCTAssertTrue(ids.contains("AA4001") && ids.contains("AA4050"), "\(ids)")
        for rule in rules {
            XCTAssertNotNil((rule["shortDescription"] as? [String: Any])?["text"] as? String, "\(rule)")
        }
        let results = try XCTUnwrap(runs[0]["results"] as? [[String: Any]])
        XCTAssertEqual(results.count, 6)
        for result in results {
            let ruleId = try XCTUnwrap(result["ruleId"] as? String)
            XCTAssertTrue(ids.contains(ruleId))
            XCTAssertTrue(["error", "warning", "note"].contains(result["level"] as? String ?? ""))
            XCTAssertNotNil((result["message"] as? [String: Any])?["text"] as? String)
            let location = try XCTUnwrap((result["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
            let uri = try XCTUnwrap((location["artifactLocation"] as? [String: Any])?["uri"] as? String)
            XCTAssertTrue(uri == "usr.bin.wx" || uri == "usr.bin.deny", uri)
            let region = try XCTUnwrap(location["region"] as? [String: Any])
            XCTAssertGreaterThan(region["startLine"] as? Int ?? 0, 0)
            XCTAssertGreaterThan(region["startColumn"] as? Int ?? 0, 0)
        }
        let first = results[0]
        XCTAssertEqual(first["ruleId"] as? String, "AA4020")
        XCTAssertEqual(first["level"] as? String, "warning")
        let region = ((first["locations"] as? [[String: Any]])?[0]["physicalLocation"] as? [String: Any])?["region"] as? [String: Any]
        XCTAssertEqual(region?["startLine"] as? Int, 5)
        XCTAssertEqual(region?["startColumn"] as? Int, 3)
    }

    func testFixDryRunPrintsTheDiffAndWritesNothing() throws {
        let dir = try copyOfFixture()
        let before = try String(contentsOfFile: dir + "/usr.bin.noabi", encoding: .utf8)
        let r = try Fixtures.aaswift(["lint", "-d", ".", "--fix", "--dry-run", "usr.bin.noabi"], cwd: URL(fileURLWithPath: dir))
        XCTAssertEqual(r.status, 1, "the findings stand: nothing was written")
        XCTAssertEqual(r.stdout, """
            --- usr.bin.noabi
            +++ usr.bin.noabi
            @@ -1,8 +1,9 @@
             # A profile without an abi statement.
            +abi <abi/3.0>,
            +
             include <tunables/global>
             
             profile noabi /usr/bin/noabi {
               include if exists <local/usr.bin.noabi>
               /etc/noabi r,
            -  /etc/noabi r,   # the same again
             }

            """)
        XCTAssertEqual(try String(contentsOfFile: dir + "/usr.bin.noabi", encoding: .utf8), before)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/.aaswift.lock"))
    }

    func testFixWritesThenNothingFixableRemainsAndTheFileChecks() throws {
        let dir = try copyOfFixture()
        let r = try Fixtures.aaswift(["lint", "-d", dir, "--fix", dir + "/usr.bin.red", dir + "/usr.bin.noabi", dir + "/usr.bin.wx"])
        XCTAssertEqual(r.status, 1, "usr.bin.wx keeps its W^X findings")
        XCTAssertTrue(r.stderr.contains("usr.bin.red: fixed 4 findings"), r.stderr)
        XCTAssertTrue(r.stderr.contains("usr.bin.noabi: fixed 2 findings"), r.stderr)
        XCTAssertFalse(r.stdout.contains("usr.bin.red"), r.stdout)
        XCTAssertTrue(r.stdout.contains("usr.bin.wx:5:3: warning:"), r.stdout)
        let again = try Fixtures.aaswift(["lint", "-d", dir, "--format", "json", dir + "/usr.bin.red", dir + "/usr.bin.noabi"])
        XCTAssertEqual(again.status, 0, again.stdout)
        let check = try Fixtures.aaswift(["check", "-b", dir, dir + "/usr.bin.red", dir + "/usr.bin.noabi"])
        XCTAssertEqual(check.status, 0, check.stderr)
        // The files not fixed are byte-identical.
        for name in ["usr.bin.wx", "usr.bin.deny"] {
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name)),
                           try Data(contentsOf: URL(fileURLWithPath: Self.fixture + "/" + name)), name)
        }
    }
}
