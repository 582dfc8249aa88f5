import AASwiftTestSupport
import Foundation
import XCTest

/// Every subcommand teaches: `--help` works (exit 0, on stdout) and has a man page under man/.
final class HelpAndManPageTests: XCTestCase {
    static let subcommands = [
        "parse", "check", "complain", "enforce", "audit", "disable", "status", "easyprof",
        "decode-log", "decode", "logprof", "genprof", "autodep", "apply", "notify", "log",
    ]

    func testEverySubcommandHasHelpAndAManPage() throws {
        let root = try Fixtures.aaswift(["--help"])
        XCTAssertEqual(root.status, 0)
        for name in Self.subcommands {
            XCTAssertTrue(root.stdout.contains(name), "root help lists \(name)")
            let r = try Fixtures.aaswift([name, "--help"])
            XCTAssertEqual(r.status, 0, name)
            XCTAssertTrue(r.stdout.contains("USAGE: aaswift \(name)"), "\(name) --help: \(r.stdout.prefix(200))")
            let page = Fixtures.project("man/aaswift-\(name).1")
            let text = try String(contentsOf: page, encoding: .utf8)
            XCTAssertTrue(text.hasPrefix(".TH AASWIFT-\(name.uppercased())"), page.path)
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: Fixtures.project("man/aaswift.1").path))
    }

    func testUnknownSubcommandIsAUsageError() throws {
        let r = try Fixtures.aaswift(["no-such-command"])
        XCTAssertEqual(r.status, 2)
        XCTAssertFalse(r.stderr.isEmpty)
    }
}
