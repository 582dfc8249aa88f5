import AASwiftTestSupport
import Foundation
import XCTest
@testable import aaswift

/// features-abi beside 4.1's aa-features-abi, the multi-call names, and the command lines of
/// the kernel tools that run without a kernel.
final class KernelToolsCLITests: XCTestCase {
    func tempDir() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aaswift-kcli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        return dir
    }

    /// On every features file of the corpus, our output is 4.1's, byte for byte; --write
    /// writes the same bytes.
    func testFeaturesAbiFromAFileMatches41() throws {
        let folder = Fixtures.conformance("parser-features_files")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        XCTAssertGreaterThan(files.count, 3)
        let side = TrixieRoot.has("/usr/bin/aa-features-abi") ? try TrixieRoot.makeFolder() : nil
        defer { if let side { try? FileManager.default.removeItem(atPath: side.outside) } }
        let dir = try tempDir()
        for name in files {
            let path = folder.appendingPathComponent(name).path
            let ours = try Fixtures.aaswift(["features-abi", "-f", path])
            XCTAssertEqual(ours.status, 0, ours.stderr)
            XCTAssertEqual(ours.stdout, try String(contentsOfFile: path, encoding: .utf8), name)
            let written = try Fixtures.aaswift(["features-abi", "--file", path, "-w", dir + "/" + name])
            XCTAssertEqual(written.status, 0, written.stderr)
            XCTAssertEqual(try String(contentsOfFile: dir + "/" + name, encoding: .utf8), ours.stdout)
            if let side {
                try FileManager.default.copyItem(atPath: path, toPath: side.outside + "/" + name)
                let theirs = try TrixieRoot.run(["aa-features-abi", "-f", side.inside + "/" + name])
                XCTAssertEqual(theirs.status, 0, theirs.stderr)
                XCTAssertEqual(ours.stdout, theirs.stdout, "4.1 differs on \(name)")
            }
        }
    }

    /// aa-features-abi exits 1 on every error, usage errors included, and so do we.
    /// A profile pinned to an abi that features-abi wrote (`abi <abi/pinned>,`) compiles with
    /// apparmor_parser 4.1, for each features file of the corpus and for a features folder.
    func testWrittenAbiIsOneApparmorParser41Reads() throws {
        guard let parser = Fixtures.trixieParser else { throw XCTSkip("needs root and the AppArmor 4.1 root") }
        let dir = try tempDir()
        try FileManager.default.createDirectory(atPath: dir + "/abi", withIntermediateDirectories: true)
        try "abi <abi/pinned>,\nprofile pinned {\n  /tmp/x r,\n  network inet stream,\n}\n".write(toFile: dir + "/pinned", atomically: false, encoding: .utf8)
        let folder = Fixtures.conformance("parser-features_files")
        for name in ["features.all", "features.extended-perms-policydb", "features.nopolicydb"] {
            let w = try Fixtures.aaswift(["features-abi", "-f", folder.appendingPathComponent(name).path, "-w", dir + "/abi/pinned"])
            XCTAssertEqual(w.status, 0, w.stderr)
            let r = try Fixtures.run(parser, ["-Q", "-K", "--base", dir, dir + "/pinned"], environment: ProcessInfo.processInfo.environment)
            XCTAssertEqual(r.status, 0, "\(name): \(r.stderr)")
        }
        try FileManager.default.removeItem(atPath: dir + "/abi/pinned")
        let missing = try Fixtures.run(parser, ["-Q", "-K", "--base", dir, dir + "/pinned"], environment: ProcessInfo.processInfo.environment)
        XCTAssertNotEqual(missing.status, 0, "without the file the parser refuses: the check can fail")
    }

    func testFeaturesAbiNeedsOneSource() throws {
        XCTAssertEqual(try Fixtures.aaswift(["features-abi"]).status, 1)
        let both = try Fixtures.aaswift(["features-abi", "-x", "-f", "/dev/null"])
        XCTAssertEqual(both.status, 1)
        XCTAssertEqual(both.stderr, "aaswift features-abi: ERROR: options --extract and --file are mutually exclusive\n")
        let missing = try Fixtures.aaswift(["features-abi", "-f", "/nonexistent/features"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertEqual(missing.stderr, "aaswift features-abi: ERROR: failed to open file '/nonexistent/features' - No such file or directory\n")
        // --write wins over --stdout, as upstream's.
        let dir = try tempDir()
        let features = Fixtures.conformance("parser-features_files/features.all").path
        let w = try Fixtures.aaswift(["features-abi", "--stdout", "-w", dir + "/abi", "-f", features])
        XCTAssertEqual(w.status, 0, w.stderr)
        XCTAssertEqual(w.stdout, "")
        XCTAssertEqual(try String(contentsOfFile: dir + "/abi", encoding: .utf8), try String(contentsOfFile: features, encoding: .utf8))
    }

    /// A link named aa-<tool> runs that tool with upstream's flags.
    func testMultiCallNames() throws {
        let dir = try tempDir()
        for tool in ["aa-features-abi", "aa-enabled", "aa-status"] {
            try FileManager.default.createSymbolicLink(atPath: dir + "/" + tool, withDestinationPath: Fixtures.aaswiftBinary.path)
        }
        let features = Fixtures.conformance("parser-features_files/features.all").path
        let abi = try Fixtures.run(URL(fileURLWithPath: dir + "/aa-features-abi"), ["-f", features, "--stdout"])
        XCTAssertEqual(abi.status, 0, abi.stderr)
        XCTAssertEqual(abi.stdout, try String(contentsOfFile: features, encoding: .utf8))
        let enabled = try Fixtures.run(URL(fileURLWithPath: dir + "/aa-enabled"), ["-q"])
        let direct = try Fixtures.aaswift(["enabled", "-q"])
        XCTAssertEqual(enabled.status, direct.status)
        XCTAssertEqual(enabled.stdout, "")
        let help = try Fixtures.run(URL(fileURLWithPath: dir + "/aa-status"), ["--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.contains("USAGE: aaswift status"), help.stdout)
        XCTAssertNil(UpstreamNames.subcommand(invokedAs: "/usr/bin/aaswift"))
        XCTAssertNil(UpstreamNames.subcommand(invokedAs: "aa-teardown"))
        XCTAssertEqual(UpstreamNames.subcommand(invokedAs: "/x/libexec/aaswift/aa-bin/aa-cleanprof"), "cleanprof")
    }

    /// The links `make install` makes (Packaging/layout.sh's UPSTREAM_NAMES) are the names the
    /// binary answers to, each a subcommand; AA_NAMES=1 puts them in bin/ too, and uninstall
    /// takes those away again.
    func testInstallLinksEveryUpstreamName() throws {
        let layout = try String(contentsOf: Fixtures.project("Packaging/layout.sh"), encoding: .utf8)
        guard let line = layout.split(separator: "\n").first(where: { $0.hasPrefix("UPSTREAM_NAMES=") }) else {
            return XCTFail("no UPSTREAM_NAMES in layout.sh")
        }
        let names = line.dropFirst("UPSTREAM_NAMES=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\"")).split(separator: " ")
        XCTAssertEqual(Set(names.map { String($0.dropFirst(3)) }), UpstreamNames.subcommands)
        for sub in UpstreamNames.subcommands {
            XCTAssertTrue(AASwift.configuration.subcommands.contains { $0.configuration.commandName == sub }, sub)
        }
        let listed = try Fixtures.run(URL(fileURLWithPath: "/bin/sh"), [Fixtures.project("Packaging/layout.sh").path, "files"],
                                      environment: ["PREFIX": "/opt/x", "AA_NAMES": "1", "PATH": "/usr/bin:/bin"])
        XCTAssertEqual(listed.status, 0, listed.stderr)
        XCTAssertTrue(listed.stdout.contains("/opt/x/libexec/aaswift/aa-bin/aa-unconfined\n"), listed.stdout)
        XCTAssertTrue(listed.stdout.contains("/opt/x/bin/aa-cleanprof\n"), listed.stdout)
    }

    func testEnabledOnThisMachineAndUsage() throws {
        let r = try Fixtures.aaswift(["enabled"])
        let expected: [Int32: String] = [0: "Yes\n", 1: "No - not available on this system.\n"]
        if let text = expected[r.status], !FileManager.default.fileExists(atPath: "/sys/module/apparmor") || r.status == 0 {
            XCTAssertEqual(r.stdout, text)
        }
        // aa-enabled's usage error exits 1.
        XCTAssertEqual(try Fixtures.aaswift(["enabled", "--bogus"]).status, 1)
        XCTAssertEqual(try Fixtures.aaswift(["remove-unknown", "--bogus"]).status, 1)
        XCTAssertEqual(try Fixtures.aaswift(["status", "--bogus"]).status, 2, "other commands keep 2")
    }

    func testExecRunsTheCommandAndReportsAMissingProfile() throws {
        let plain = try Fixtures.aaswift(["exec", "--", "/bin/echo", "hi", "-n"])
        XCTAssertEqual(plain.status, 0, plain.stderr)
        XCTAssertEqual(plain.stdout, "hi -n\n")
        let missing = try Fixtures.aaswift(["exec", "-p", "aaswift-no-such-profile", "--", "/bin/true"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("aaswift-no-such-profile") || missing.stderr.contains("not available"), missing.stderr)
        let notFound = try Fixtures.aaswift(["exec", "--", "/nonexistent/prog"])
        XCTAssertEqual(notFound.status, 1)
        XCTAssertTrue(notFound.stderr.hasSuffix("] aaswift exec: ERROR: Failed to execute \"/nonexistent/prog\": No such file or directory\n"), notFound.stderr)
        XCTAssertTrue(notFound.stderr.hasPrefix("["), notFound.stderr)
        // No command: a usage error, exit 1 as aa-exec's.
        XCTAssertEqual(try Fixtures.aaswift(["exec"]).status, 1)
    }

    func testLoadDryRunShowsTheParserCommand() throws {
        let dir = try tempDir()
        try "profile demo {\n}\n".write(toFile: dir + "/demo", atomically: false, encoding: .utf8)
        let r = try Fixtures.aaswift(["replace", "--dry-run", "-d", dir, "demo"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasSuffix("--write-cache -r -I \(dir) --base \(dir) \(dir)/demo\n"), r.stdout)
        let u = try Fixtures.aaswift(["unload", "--dry-run", "-d", dir, dir + "/demo"])
        XCTAssertTrue(u.stdout.hasSuffix(" -R -I \(dir) --base \(dir) \(dir)/demo\n"), u.stdout)
        XCTAssertEqual(try Fixtures.aaswift(["load", "-d", dir, "nosuch"]).status, 1)
    }
}
