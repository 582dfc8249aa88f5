import AASwiftTestSupport
import Foundation
import XCTest

/// Every subcommand teaches: `--help` works (exit 0, on stdout) and has a man page under man/.
final class HelpAndManPageTests: XCTestCase {
    static let subcommands = [
        "parse", "check", "complain", "enforce", "audit", "disable", "status", "easyprof",
        "decode-log", "decode", "logprof", "genprof", "autodep", "apply",
        "cleanprof", "mergeprof", "lint", "mode", "enabled", "load", "unload", "replace", "features-abi",
        "remove-unknown", "exec", "unconfined", "notify", "log", "explain", "diff", "fmt",
    ]

    func testEverySubcommandHasHelpAndAManPage() throws {
        let root = try Fixtures.aaswift(["--help"])
        XCTAssertEqual(root.status, 0)
        let index = try String(contentsOf: Fixtures.project("man/aaswift.8"), encoding: .utf8)
        for name in Self.subcommands {
            XCTAssertTrue(root.stdout.contains(name), "root help lists \(name)")
            let r = try Fixtures.aaswift([name, "--help"])
            XCTAssertEqual(r.status, 0, name)
            XCTAssertTrue(r.stdout.contains("USAGE: aaswift \(name)"), "\(name) --help: \(r.stdout.prefix(200))")
            let page = Fixtures.project("man/aaswift-\(name).8")
            let text = try String(contentsOf: page, encoding: .utf8)
            // Section 8, as upstream's admin tools (aa-logprof(8)).
            XCTAssertTrue(text.hasPrefix(".TH AASWIFT-\(name.uppercased()) 8 "), page.path)
            XCTAssertTrue(index.contains(".BR aaswift\\-\(name.replacingOccurrences(of: "-", with: "\\-")) (8)"), "aaswift(8) lists \(name)")
        }
    }

    /// `aaswift --help` groups the commands by what they are for.
    func testRootHelpGroupsTheCommands() throws {
        let root = try Fixtures.aaswift(["--help"]).stdout
        let groups = ["PROFILING SUBCOMMANDS:", "MODES SUBCOMMANDS:", "INSPECTION SUBCOMMANDS:", "MAINTENANCE SUBCOMMANDS:", "KERNEL SUBCOMMANDS:"]
        let offsets = groups.map { root.range(of: $0)?.lowerBound }
        XCTAssertFalse(offsets.contains(nil), root)
        let kernel = root[root.range(of: "KERNEL SUBCOMMANDS:")!.upperBound...]
        for name in ["enabled", "load", "unload", "replace", "remove-unknown", "features-abi", "exec"] {
            XCTAssertTrue(kernel.contains("\n  \(name) "), name)
        }
    }

    func testUnknownSubcommandIsAUsageError() throws {
        let r = try Fixtures.aaswift(["no-such-command"])
        XCTAssertEqual(r.status, 2)
        XCTAssertFalse(r.stderr.isEmpty)
    }
}
