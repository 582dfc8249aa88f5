import AASwiftTestSupport
import AppArmorPolicy
import AppArmorSyntax
import Foundation
import PolicyAnalysis
import ProfileTools
import XCTest

/// `aaswift lint`'s engine on the fixture tree (Tests/aaswiftTests/Fixtures/lint): each check's
/// findings, file by file, as `line:col ID`; the safe fixes; the real policy trees.
final class LintTests: XCTestCase {
    static let fixture = Fixtures.project("Tests/aaswiftTests/Fixtures/lint").path

    /// A copy of the fixture tree to edit.
    func copyOfFixture() throws -> String {
        let dir = try Fixtures.temporaryCopy(of: Self.fixture, label: "lint")
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir.path
    }

    func lint(_ names: [String], folder: String = LintTests.fixture, rules: Set<String>? = nil, parserVersion: ParserVersion? = nil) -> [LintFileResult] {
        LintRunner(options: LintOptions(folder: folder, parserVersion: parserVersion, rules: rules)).lint(names.map { folder + "/" + $0 })
    }

    /// `line:col ID` of each finding of one file.
    func golden(_ name: String, rules: Set<String>? = nil) -> [String] {
        lint([name], rules: rules).flatMap(\.findings).map { "\($0.line):\($0.column) \($0.rule.id)" }
    }

    func testRedundantAndDuplicateRulesComeFromCleanprofsEngine() {
        XCTAssertEqual(golden("usr.bin.red"), ["6:3 AA4002", "8:3 AA4002", "10:3 AA4001", "11:3 AA4001"])
        let messages = lint(["usr.bin.red"]).flatMap(\.findings).map(\.message)
        XCTAssertEqual(messages[0], "rule '/etc/ld.so.cache r,' is redundant: covered by abstractions/base")
        XCTAssertEqual(messages[2], "rule '/srv/x rw,' repeats line 9")
        XCTAssertTrue(lint(["usr.bin.red"]).flatMap(\.findings).allSatisfy { $0.fix != nil })
    }

    func testBroadGrantsInConfinedProfilesOnly() {
        // `free` (flags=(unconfined)) has the same rules as `broad` and `other`, and no finding.
        XCTAssertEqual(golden("usr.bin.broad"), [
            "5:3 AA4011", "6:3 AA4012", "7:3 AA4013", "8:3 AA4014", "9:3 AA4015", "10:3 AA4016", "11:3 AA4017",
            "15:3 AA4018", "16:3 AA4010", "20:3 AA4019",
        ])
    }

    func testWriteAndExecuteOnOnePath() {
        XCTAssertEqual(golden("usr.bin.wx"), ["5:3 AA4020", "7:3 AA4021", "8:3 AA4020"])
        let ix = lint(["usr.bin.wx"]).flatMap(\.findings)[1]
        XCTAssertEqual(ix.message, "'/var/cache/wx/run.sh ix,' executes (ix) a path that '/var/cache/wx/** rw,' (line 6) lets it write")
    }

    func testDeadAllowAndDenyOfNothing() {
        XCTAssertEqual(golden("usr.bin.deny"), ["5:3 AA4003", "7:3 AA4004", "8:3 AA4003"])
        let notes = lint(["usr.bin.deny"]).flatMap(\.findings).filter { $0.rule.severity == .note }
        XCTAssertEqual(notes.map(\.rule.id), ["AA4004"], "deny-nothing is a note")
    }

    func testMissingABIAndDuplicate() {
        XCTAssertEqual(golden("usr.bin.noabi"), ["4:9 AA4030", "7:3 AA4001"])
        XCTAssertEqual(lint(["usr.bin.noabi"]).flatMap(\.findings)[0].fix, .insert("abi <abi/3.0>,\n\n", at: 38))
    }

    func testIncludesAndVariables() {
        XCTAssertEqual(golden("usr.bin.misc"), ["3:1 AA4040", "5:9 AA4032", "6:11 AA4031", "8:3 AA4041"])
        XCTAssertEqual(golden("usr.bin.nolocal"), ["3:9 AA4032"])
        // In a folder without local/ or tunables/, the local/ convention is not asked for.
        let bare = try! copyOfFixture()
        try! FileManager.default.removeItem(atPath: bare + "/local")
        try! FileManager.default.removeItem(atPath: bare + "/tunables")
        let results = lint(["usr.bin.nolocal"], folder: bare)
        XCTAssertFalse(results.flatMap(\.findings).contains { $0.rule == .missingLocalInclude })
    }

    func testAttachmentsAcrossProfiles() {
        XCTAssertEqual(golden("opt.att"), ["5:14 AA4043", "8:14 AA4044"])
    }

    func testRulesTheABICannotEnforce() {
        XCTAssertEqual(golden("usr.bin.newrules"), ["4:3 AA4050", "5:3 AA4050"])
    }

    func testACleanProfileHasNoFinding() {
        XCTAssertEqual(golden("usr.bin.clean"), [])
    }

    func testRuleFilter() {
        XCTAssertEqual(golden("usr.bin.red", rules: ["AA4001"]), ["10:3 AA4001", "11:3 AA4001"])
        XCTAssertEqual(golden("usr.bin.broad", rules: ["AA4018", "AA4019"]), ["15:3 AA4018", "20:3 AA4019"])
    }

    /// Every check has an entry in the man page with its severity.
    func testEveryCheckIsInTheManPage() throws {
        let page = try String(contentsOf: Fixtures.project("man/aaswift-lint.8"), encoding: .utf8)
        XCTAssertEqual(Set(LintRule.all.map(\.id)).count, LintRule.all.count, "IDs are unique")
        for r in LintRule.all {
            let entry = ".BR \(r.id) \" \" \(r.name.replacingOccurrences(of: "-", with: "\\-"))\n\(r.severity.rawValue.capitalized)"
            XCTAssertTrue(page.contains(entry), "\(r.id) \(r.name) \(r.severity) in aaswift-lint.8")
        }
    }

    // MARK: fixes

    func testFixRemovesOnlyTheStatementsAndAddsTheABI() throws {
        let dir = try copyOfFixture()
        let runner = LintRunner(options: LintOptions(folder: dir))
        let files = [dir + "/usr.bin.red", dir + "/usr.bin.noabi"]
        let before = try files.map { try String(contentsOfFile: $0, encoding: .utf8) }
        let (plans, refused) = runner.fixPlans(runner.lint(files))
        XCTAssertEqual(refused, [])
        XCTAssertEqual(plans.map(\.fixed.count), [4, 2])
        XCTAssertEqual(runner.write(plans), [])
        let after = try files.map { try String(contentsOfFile: $0, encoding: .utf8) }
        // Byte-lossless: the result is the original without exactly those lines, plus the abi.
        var red = before[0].components(separatedBy: "\n")
        for line in [11, 10, 8, 6] { red.remove(at: line - 1) }
        XCTAssertEqual(after[0], red.joined(separator: "\n"))
        var noabi = before[1].components(separatedBy: "\n")
        noabi.remove(at: 6)
        noabi.insert(contentsOf: ["abi <abi/3.0>,", ""], at: 1)
        XCTAssertEqual(after[1], noabi.joined(separator: "\n"))
        // Linted again: nothing left to fix, and the files still check.
        let again = LintRunner(options: LintOptions(folder: dir)).lint(files)
        XCTAssertEqual(again.flatMap(\.findings).filter { $0.fix != nil }.map(\.oneLine), [])
        let checker = PolicyChecker(options: CheckOptions(searchPath: IncludeSearchPath(base: dir)))
        for f in files { XCTAssertTrue(checker.check(path: f).passed, f) }
    }

    func testAFixThatWouldBreakTheCheckIsRefused() throws {
        let dir = try copyOfFixture()
        // An abi that is not there: the edit would add a check error (AA2051), so the file is left.
        let runner = LintRunner(options: LintOptions(folder: dir, abiForFix: "abi/no-such-abi"))
        let results = runner.lint([dir + "/usr.bin.noabi"])
        let (plans, refused) = runner.fixPlans(results)
        XCTAssertEqual(plans.count, 0)
        XCTAssertEqual(refused.count, 1)
        XCTAssertTrue(refused[0].contains("AA2051"), refused[0])
    }

    // MARK: real policy

    /// Lints a whole tree: no crash, every finding inside its file; returns the counts per ID.
    func lintTree(_ folder: String, parserVersion: ParserVersion? = nil) throws -> [String: Int] {
        let names = (try FileManager.default.contentsOfDirectory(atPath: folder)).filter { name in
            var isDir: ObjCBool = false
            return !name.hasPrefix(".") && FileManager.default.fileExists(atPath: folder + "/" + name, isDirectory: &isDir) && !isDir.boolValue
        }.sorted()
        XCTAssertFalse(names.isEmpty, folder)
        let results = lint(names, folder: folder, parserVersion: parserVersion)
        var counts: [String: Int] = [:]
        for r in results {
            guard let parse = r.parse else { continue }
            let lines = parse.source.lineCount
            for f in r.findings {
                counts[f.rule.id, default: 0] += 1
                XCTAssertTrue(f.line >= 1 && f.line <= lines, f.oneLine)
                let lineText = parse.source.lineText(f.line)
                XCTAssertTrue(f.column >= 1 && f.column <= lineText.utf8.count + 1, f.oneLine)
                XCTAssertTrue(f.range.upperBound <= parse.source.bytes.count, f.oneLine)
            }
        }
        return counts
    }

    /// Lint finds redundant rules through an index of each profile's patterns
    /// (`RuleCandidates`), cleanprof without one (every pair): both find the same removals,
    /// in the same order, with the same reasons, on whole real trees.
    func testIndexedCoverageFindsWhatEveryPairFinds() throws {
        let trees = [Fixtures.conformance("profiles-apparmor.d").path, "/etc/apparmor.d"]
        let compared = try trees.map(indexedAgainstPairwise).reduce(0, +)
        XCTAssertGreaterThan(compared, 80, "removals compared")
    }

    func testIndexedCoverageFindsWhatEveryPairFindsInDebian13() throws {
        XCTAssertGreaterThan(try indexedAgainstPairwise(try Self.debian13Tree()), 30)
    }

    /// Debian 13's /etc/apparmor.d in the root `Trixie.root()` makes (a failure under CI=true,
    /// else a skip that says why).
    static func debian13Tree() throws -> String {
        do { return try Trixie.root().appendingPathComponent("etc/apparmor.d").path } catch {
            if Trixie.mustHave { throw error }
            throw XCTSkip("Debian 13 root unavailable: \(error)")
        }
    }

    /// Plans cleanprof's removals for every top-level file of a tree both ways; how many.
    func indexedAgainstPairwise(_ folder: String) throws -> Int {
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder + "/tunables/global"), folder)
        let checker = PolicyChecker(options: CheckOptions(searchPath: IncludeSearchPath(base: folder)))
        let patterns = MatcherCache()
        var compared = 0
        for file in (try FileManager.default.contentsOfDirectory(atPath: folder)).sorted().map({ folder + "/" + $0 }) {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: file, isDirectory: &isDir), !isDir.boolValue else { continue }
            let report = checker.check(path: file)
            guard let indexed = try? CleanprofPlanner.plan(file: file, profileNames: nil, folder: folder, checker: checker,
                                                           report: report, patterns: patterns) else { continue }
            let pairwise = try CleanprofPlanner.plan(file: file, profileNames: nil, folder: folder, checker: checker, report: report)
            XCTAssertEqual(indexed.removals.map { "\($0.line) \($0.kind) \($0.reason)" },
                           pairwise.removals.map { "\($0.line) \($0.kind) \($0.reason)" }, file)
            compared += pairwise.removals.count
        }
        return compared
    }

    func testUpstreamProfilesFromTheConformanceCorpus() throws {
        let folder = Fixtures.conformance("profiles-apparmor.d").path
        guard FileManager.default.fileExists(atPath: folder) || Fixtures.isCI else {
            throw XCTSkip("the conformance corpus is not at \(folder)")
        }
        let counts = try lintTree(folder)
        print("lint counts, conformance profiles-apparmor.d:", counts.sorted { $0.key < $1.key })
        // Upstream's profiles: redundant rules are common, broad grants exist (plasmashell).
        XCTAssertGreaterThan(counts["AA4002", default: 0], 50)
        XCTAssertGreaterThan(counts["AA4010", default: 0], 0)
        // They all have an abi statement and their includes are there.
        XCTAssertNil(counts["AA4030"])
        XCTAssertNil(counts["AA4031"])
        XCTAssertNil(counts["AA4090"])
    }

    /// Debian 13's tree, judged as apparmor_parser 4.1: it loads, its userns rules are
    /// enforced by its abi (4.0 lists userns_create in the namespaces mask), and the counts of
    /// Conformance/lint-review.md hold.
    func testDebian13Profiles() throws {
        let counts = try lintTree(try Self.debian13Tree(), parserVersion: ParserVersion(4, 1))
        print("lint counts, Debian 13:", counts.sorted { $0.key < $1.key })
        XCTAssertNil(counts["AA4090"], "Debian 13's profiles load")
        XCTAssertNil(counts["AA4050"], "userns rules under abi/4.0 are enforced")
        XCTAssertEqual(counts["AA4011"], 2, "capability, in plasmashell and its child")
        XCTAssertGreaterThan(counts["AA4002", default: 0], 20)
    }

    func testDebiansInstalledProfiles() throws {
        let folder = "/etc/apparmor.d"
        guard FileManager.default.fileExists(atPath: folder + "/tunables/global") else {
            throw XCTSkip("no /etc/apparmor.d on this machine")
        }
        let counts = try lintTree(folder)
        print("lint counts, /etc/apparmor.d:", counts.sorted { $0.key < $1.key })
        XCTAssertNil(counts["AA4090"], "Debian's profiles load")
    }
}
