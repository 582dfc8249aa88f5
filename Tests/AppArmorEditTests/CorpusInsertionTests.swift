import AASwiftTestSupport
import AppArmorEdit
import AppArmorSyntax
import XCTest

/// Adding a capability rule and a file rule to every top-level profile of the shipped trees:
/// the diff is exactly the two inserted lines, and a new parse finds them in that profile's block.
final class CorpusInsertionTests: XCTestCase {
    static func topLevelFiles(_ folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.sorted().compactMap { name in
            let path = folder + "/" + name
            var isDir: ObjCBool = false
            guard !name.hasPrefix("."), name != "README", FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue else { return nil }
            return path
        }
    }

    func count(_ text: String, in p: ProfileSyntax, _ r: ParseResult) -> Int {
        p.items.filter { r.text($0) == text }.count
    }

    func checkTree(_ folder: String) throws -> Int {
        let cap = CanonicalPrinter.capability("mac_admin")
        let file = CanonicalPrinter.file("/aaswift/inserted/**", permissions: "rw")
        var checked = 0
        for path in Self.topLevelFiles(folder) {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            let r = Parser.parse(path: path, bytes: bytes)
            for (index, p) in r.topLevelProfiles.enumerated() {
                var f = EditedFile(r)
                try f.addRule(cap, to: p)
                try f.addRule(file, to: p)
                let diff = try f.diff()
                let body = diff.split(separator: "\n", omittingEmptySubsequences: false).dropFirst(2)
                let added = body.filter { $0.hasPrefix("+") }.map { $0.dropFirst().trimmingCharacters(in: .whitespaces) }.sorted()
                let removed = body.filter { $0.hasPrefix("-") }
                // A rule that starts a new group between two groups gets one blank line before it.
                XCTAssertEqual(added.filter { !$0.isEmpty }, [file.text, cap.text].sorted(), "\(path) \(p.name(in: r))")
                XCTAssertLessThanOrEqual(added.filter(\.isEmpty).count, 2, "\(path) \(p.name(in: r))")
                XCTAssertEqual(removed, [], "\(path) \(p.name(in: r))")
                let after = try f.validatedResult()
                let q = after.topLevelProfiles[index]
                XCTAssertEqual(q.name(in: after), p.name(in: r))
                XCTAssertEqual(count(cap.text, in: q, after), count(cap.text, in: p, r) + 1, "\(path)")
                XCTAssertEqual(count(file.text, in: q, after), count(file.text, in: p, r) + 1, "\(path)")
                checked += 1
            }
        }
        return checked
    }

    func testShippedProfiles() throws {
        let n = try checkTree(Fixtures.conformance("profiles-apparmor.d").path)
        XCTAssertGreaterThanOrEqual(n, 190)
        print("rule insertion: \(n) top-level profiles of profiles-apparmor.d")
    }

    func testDebianProfiles() throws {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: "/etc/apparmor.d"), "no /etc/apparmor.d")
        let n = try checkTree("/etc/apparmor.d")
        XCTAssertGreaterThan(n, 20)
        print("rule insertion: \(n) top-level profiles of /etc/apparmor.d")
    }
}
