import AASwiftTestSupport
import Foundation
import XCTest
@testable import aaswift

/// The kernel tools' messages and exit statuses beside AppArmor 4.1's own (aa-exec,
/// aa-enabled, aa-features-abi, aa-remove-unknown, aa-unconfined in the Debian 13 root), on
/// what they do without an AppArmor kernel: usage errors, missing files and programs,
/// conflicting options. Ours run through links named after the upstream tools, as scripts
/// would call them.
final class KernelToolsUpstreamTests: XCTestCase {
    /// A folder with links named `names` to the built binary.
    func links(_ names: [String]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aaswift-links-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        for n in names { try FileManager.default.createSymbolicLink(atPath: dir + "/" + n, withDestinationPath: Fixtures.aaswiftBinary.path) }
        return dir
    }

    /// `[PID] ` prefixes made comparable.
    static func pidless(_ s: String) -> String {
        s.replacingOccurrences(of: #"\[[0-9]+\] "#, with: "[PID] ", options: .regularExpression)
    }

    func ours(_ dir: String, _ tool: String, _ args: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try Fixtures.run(URL(fileURLWithPath: dir + "/" + tool), args)
    }

    func testExecSaysWhatAaExecSays() throws {
        let dir = try links(["aa-exec"])
        let missing = try ours(dir, "aa-exec", ["--", "/nonexistent/prog"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertEqual(Self.pidless(missing.stderr), "[PID] aa-exec: ERROR: Failed to execute \"/nonexistent/prog\": No such file or directory\n")
        let verbose = try ours(dir, "aa-exec", ["-v", "--", "/bin/true"])
        XCTAssertEqual(verbose.status, 0)
        XCTAssertEqual(Self.pidless(verbose.stderr), "[PID] exec /bin/true\n")
        let debug = try ours(dir, "aa-exec", ["-d", "-p", "aaswift-none", "--", "/bin/true"])
        XCTAssertEqual(debug.status, 1)
        let debugLines = Self.pidless(debug.stderr).components(separatedBy: "\n")
        XCTAssertEqual(debugLines.first, "[PID] aa-exec: DEBUG: -1 = aa_change_onexec(\"aaswift-none\")")
        XCTAssertTrue(debugLines.dropFirst().first?.hasPrefix("[PID] aa-exec: ERROR: ") == true, debug.stderr)
        XCTAssertEqual(try ours(dir, "aa-exec", []).status, 1)
        let twice = try ours(dir, "aa-exec", ["-p", "a", "-p", "b", "--", "/bin/true"])
        XCTAssertEqual(twice.status, 1)
        XCTAssertEqual(Self.pidless(twice.stderr), "[PID] aa-exec: ERROR: Multiple -p/--profile parameters given\n")
        guard TrixieRoot.has("/usr/bin/aa-exec") else { return }
        for args in [["--", "/nonexistent/prog"], ["-v", "--", "/bin/true"], [], ["-p", "a", "-p", "b", "--", "/bin/true"],
                     ["-n", "a", "-n", "b", "--", "/bin/true"]] {
            let theirs = try TrixieRoot.run(["aa-exec"] + args)
            let mine = try ours(dir, "aa-exec", args)
            XCTAssertEqual(mine.status, theirs.status, "\(args)")
            if !args.isEmpty { XCTAssertEqual(Self.pidless(mine.stderr), Self.pidless(theirs.stderr), "\(args)") }
        }
        // The debug line is the same whatever the libapparmor version makes the error.
        let theirs = try TrixieRoot.run(["aa-exec", "-d", "-p", "aaswift-none", "--", "/bin/true"])
        XCTAssertEqual(Self.pidless(theirs.stderr).components(separatedBy: "\n").first, debugLines.first)
        XCTAssertEqual(theirs.status, debug.status)
    }

    func testEnabledFeaturesAbiAndRemoveUnknownExitAsUpstream() throws {
        let dir = try links(["aa-enabled", "aa-features-abi", "aa-remove-unknown"])
        let features = "/nonexistent/features"
        let cases: [(String, [String])] = [
            ("aa-enabled", []), ("aa-enabled", ["-q"]), ("aa-enabled", ["-x"]), ("aa-enabled", ["--bogus"]),
            ("aa-features-abi", []), ("aa-features-abi", ["-f", features]), ("aa-features-abi", ["-x", "-f", features]),
            ("aa-remove-unknown", ["-n"]), ("aa-remove-unknown", ["--bogus"]),
        ]
        let side = TrixieRoot.has("/usr/bin/aa-enabled")
        // Without AppArmor (this test's usual machine) every case fails; with it, the usage
        // and file errors still do.
        let noAppArmor = !FileManager.default.fileExists(atPath: "/sys/kernel/security/apparmor")
        for (tool, args) in cases {
            let mine = try ours(dir, tool, args)
            if noAppArmor || args.contains("--bogus") || args.contains(features) || args.isEmpty && tool == "aa-features-abi" {
                XCTAssertEqual(mine.status, 1, "\(tool) \(args): \(mine.stderr)")
            }
            guard side else { continue }
            let theirs = try TrixieRoot.run([tool] + args)
            XCTAssertEqual(mine.status, theirs.status, "\(tool) \(args)")
            // (aa-enabled prints its usage on standard output; ours goes to standard error.)
            if !args.contains("--bogus") { XCTAssertEqual(mine.stdout, theirs.stdout, "\(tool) \(args)") }
        }
        XCTAssertEqual(try ours(dir, "aa-features-abi", ["-f", features]).stderr,
                       "aa-features-abi: ERROR: failed to open file '/nonexistent/features' - No such file or directory\n")
        guard noAppArmor else { return }
        let removeUnknown = try ours(dir, "aa-remove-unknown", ["-n"]).stderr
        XCTAssertEqual(removeUnknown, "ERROR: Unable to read apparmorfs profiles file\n")
        guard side else { return }
        XCTAssertEqual(try TrixieRoot.run(["aa-features-abi", "-f", features]).stderr,
                       try ours(dir, "aa-features-abi", ["-f", features]).stderr)
        XCTAssertTrue(try TrixieRoot.run(["aa-remove-unknown", "-n"]).stderr.hasSuffix(removeUnknown))
    }

    /// --paranoid against another --show, an unknown --show, and no AppArmor: upstream's
    /// messages and status 1; --configdir is accepted.
    func testUnconfinedRefusesAsUpstream() throws {
        let dir = try links(["aa-unconfined"])
        let cases: [([String], String)] = [
            (["--paranoid", "--show=server"], "\nERROR: Arguments --paranoid and --show=server conflict\n"),
            (["--show=bogus"], "\nERROR: Argument --show invalid value 'bogus'\n"),
            (["--configdir", "/etc/apparmor", "--show", "network"], "\nERROR: It seems AppArmor was not started. Please enable AppArmor and try again.\n"),
        ]
        let noAppArmor = !FileManager.default.fileExists(atPath: "/sys/kernel/security/apparmor")
        for (args, message) in cases where noAppArmor || !message.contains("not started") {
            let mine = try ours(dir, "aa-unconfined", args)
            XCTAssertEqual(mine.status, 1, "\(args)")
            XCTAssertEqual(mine.stderr, message, "\(args)")
            guard TrixieRoot.has("/usr/sbin/aa-unconfined"), !message.contains("not started") else { continue }
            let theirs = try TrixieRoot.run(["aa-unconfined"] + args)
            XCTAssertEqual(theirs.status, 1, "\(args)")
            XCTAssertEqual(theirs.stderr, message, "\(args)")
        }
        XCTAssertEqual(try ours(dir, "aa-unconfined", ["--with-ss", "--with-netstat"]).status, 2, "argparse's mutually exclusive group")
    }
}
