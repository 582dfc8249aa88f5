import AASwiftTestSupport
import Foundation
import XCTest

/// Hostile and careless input, run through the binary: no crash at any depth, no super-linear
/// time, memory and diagnostics bounded. Each case runs at two sizes, 10x apart; time is the
/// child's processor time (wait4), compared as a ratio, never against a fixed budget.
final class HostileInputLimitsTests: XCTestCase {
    private func write(_ bytes: [UInt8], _ name: String, in dir: URL) throws -> URL {
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    /// `aaswift COMMAND FILE` on `make(scale)` at scale n and 10n: no crash, exit 0 or 1, the
    /// larger run at most 30x the processor time of the smaller, stderr not growing with the
    /// input (diagnostics are capped), and peak memory above an empty run's under
    /// `memoryFactor` times the input (plus 8 MB of slack for allocator noise).
    private func assertBounded(
        _ command: [String], scale n: Int, memoryFactor: Double = 10,
        file: StaticString = #filePath, line: UInt = #line, _ make: (Int) -> [UInt8]
    ) throws {
        let dir = try scratchFolder("aaswift-hostile")
        let empty = try Fixtures.measure(Fixtures.aaswiftBinary, command + [try write([], "empty", in: dir).path])
        var runs: [(size: Int, use: ResourceUse)] = []
        for scale in [n, 10 * n] {
            let input = make(scale)
            let use = try Fixtures.measure(Fixtures.aaswiftBinary, command + [try write(input, "in\(scale)", in: dir).path])
            let what = "\(command.joined(separator: " ")) on \(input.count) bytes"
            XCTAssertFalse(use.crashed, "\(what): signal \(use.signal ?? 0)", file: file, line: line)
            XCTAssertTrue(use.status == 0 || use.status == 1, "\(what): status \(String(describing: use.status))", file: file, line: line)
            let grown = Double(use.maxRSS - empty.maxRSS)
            XCTAssertLessThan(grown, memoryFactor * Double(input.count) + 8_000_000,
                              "\(what): \(use.maxRSS / 1024) KB peak, \(empty.maxRSS / 1024) KB empty", file: file, line: line)
            runs.append((input.count, use))
        }
        let (small, large) = (runs[0].use, runs[1].use)
        XCTAssertLessThan(large.cpuSeconds, 30 * max(small.cpuSeconds, 0.05),
                          "\(command): \(small.cpuSeconds) s at \(runs[0].size) bytes, \(large.cpuSeconds) s at \(runs[1].size)",
                          file: file, line: line)
        XCTAssertLessThan(large.stderr.utf8.count, 2 * small.stderr.utf8.count + 4096,
                          "\(command): stderr grows with the input", file: file, line: line)
        XCTAssertLessThan(large.stderr.utf8.count, 128 * 1024, "\(command): stderr not capped", file: file, line: line)
    }

    private func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    // MARK: deep nesting

    func testBracesInAPathAtAnyDepth() throws {
        try assertBounded(["check"], scale: 50_000) { n in
            self.bytes("profile x {\n  /a" + String(repeating: "{", count: n) + "x" + String(repeating: "}", count: n) + " r,\n}\n")
        }
    }

    func testNestedAlternationsAtAnyDepth() throws {
        try assertBounded(["check"], scale: 30_000) { n in
            self.bytes("profile x {\n  /a" + String(repeating: "{,a", count: n) + String(repeating: "}", count: n) + " r,\n}\n")
        }
    }

    func testBracesInAVariableValue() throws {
        try assertBounded(["check"], scale: 50_000) { n in
            self.bytes("@{V}=/a" + String(repeating: "{", count: n) + "x" + String(repeating: "}", count: n)
                + "\nprofile x {\n  @{V} r,\n}\n")
        }
    }

    func testLongChainOfVariableReferences() throws {
        // Valid policy of 20-byte lines, each a variable: its syntax node (one allocation with
        // its three 16-byte children, 72 bytes), its name and value in the table (32 bytes and
        // a 4-byte index slot) and its place in the expansion (an 8-byte frame, its result)
        // cost under 10 bytes per byte of input at 80k lines (13 when a child took 24 bytes
        // and a node 16 bytes of fields; 24 when a node and its children were two objects and
        // the table and the expansion were keyed by name; 30 before the expansion kept one
        // table).
        try assertBounded(["check"], scale: 8_000) { n in
            var s = "@{V0}=/a\n"
            for i in 0..<n { s += "@{V\(i + 1)}=@{V\(i)}\n" }
            return self.bytes(s + "profile x {\n  @{V\(n)} r,\n}\n")
        }
    }

    /// Variables that multiply each other's values (`@{A5}=@{A4}@{A4}`, found by the fuzzer):
    /// the expansion is refused before the product is built. It once made 16 million strings,
    /// 1.5 GB, for a file of 900 bytes.
    func testMultiplyingVariablesAreRefusedBeforeTheProductIsBuilt() throws {
        let dir = try scratchFolder("aaswift-hostile")
        let input = Fixtures.project("Tests/FuzzRegressionTests/Inputs/parser/doubling-variables-product")
        let empty = try Fixtures.measure(Fixtures.aaswiftBinary, ["check", try write([], "empty", in: dir).path])
        let use = try Fixtures.measure(Fixtures.aaswiftBinary, ["check", input.path])
        XCTAssertEqual(use.status, 1, use.stderr)
        XCTAssertTrue(use.stderr.contains("variable expansion is too large"), use.stderr)
        XCTAssertLessThan(use.maxRSS - empty.maxRSS, 16_000_000, "\(use.maxRSS / 1024) KB peak, \(empty.maxRSS / 1024) KB empty")
    }

    /// The maintainer's commands on the same deep inputs: no crash, linear time (lint once
    /// searched the whole file for each variable's name).
    func testLintAndFmtOnDeepInputs() throws {
        for command in [["lint"], ["fmt", "--check"]] {
            try assertBounded(command, scale: 8_000) { n in
                var s = "@{V0}=/a\n"
                for i in 0..<n { s += "@{V\(i + 1)}=@{V\(i)}\n" }
                return self.bytes(s + "profile x {\n  @{V\(n)} r,\n}\n")
            }
            try assertBounded(command, scale: 50_000) { n in
                self.bytes("profile x {\n  /a" + String(repeating: "{", count: n) + "x" + String(repeating: "}", count: n) + " r,\n}\n")
            }
        }
    }

    func testLongAndChainInACondition() throws {
        for command in [["parse", "--emit", "diagnostics"], ["check"]] {
            // Two tokens per operand (`$B and `: 7 bytes), each chunk of them a node as soon as
            // it is full: about 6x (8x when the chunks were lists until the end, 14x when the
            // list grew by doubling and was copied, 29x when each operand was a node of its
            // own; check listed the chain's tokens once more).
            try assertBounded(command, scale: 15_000) { n in
                self.bytes("$B=true\nprofile x {\n if " + Array(repeating: "$B", count: n).joined(separator: " and ")
                    + " {\n /a r,\n }\n}\n")
            }
        }
    }

    // MARK: long lines, binary, control bytes

    func testALineOfUnclosedBraces() throws {
        for command in [["parse", "--emit", "diagnostics"], ["check"], ["lint"], ["fmt", "--check"]] {
            try assertBounded(command, scale: 100_000) { n in Array(repeating: UInt8(ascii: "{"), count: n) }
        }
    }

    func testALineOfErrorsRendersInLinearTime() throws {
        try assertBounded(["check"], scale: 100_000) { n in Array(repeating: UInt8(ascii: ","), count: n) + [0x0A] }
    }

    func testNulBytes() throws {
        for command in [["parse", "--emit", "diagnostics"], ["check"], ["lint"], ["fmt", "--check"]] {
            try assertBounded(command, scale: 100_000) { n in [UInt8](repeating: 0, count: n) }
        }
    }

    func testBinaryInput() throws {
        try assertBounded(["check"], scale: 100_000) { n in
            var g = SplitMix(state: UInt64(n))
            return (0..<n).map { _ in UInt8(truncatingIfNeeded: g.next()) }
        }
    }

    func testControlBytesWithoutNul() throws {
        try assertBounded(["check"], scale: 100_000) { n in
            var g = SplitMix(state: 7)
            let alphabet: [UInt8] = [1, 2, 3, 0x41, 0x2C, 0x7B, 0x28, 0x0A]
            return (0..<n).map { _ in alphabet[Int(g.next() % UInt64(alphabet.count))] }
        }
    }

    func testBinaryInputIsReportedOnceWithoutExcerpt() throws {
        let dir = try scratchFolder("aaswift-hostile")
        let file = try write(bytes("root:$y$secret\n") + [0, 1, 2] + bytes("\n/x r,\n"), "bin", in: dir)
        let r = try Fixtures.aaswift(["check", file.path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("[AA1015]"), r.stderr)
        XCTAssertFalse(r.stderr.contains("secret"), r.stderr)
        XCTAssertEqual(r.stderr.components(separatedBy: "error:").count - 1, 1, r.stderr)
    }

    // MARK: includes

    func testUnterminatedIncludeIsNotFollowed() throws {
        // `include ".` once named the current folder, and check parsed whatever it held.
        let dir = try scratchFolder("aaswift-hostile")
        _ = try write(bytes("\u{7F}ELF") + [UInt8](repeating: 0, count: 20_000_000), "big.bin", in: dir)
        let profile = try write(bytes("profile x {\n  include \".\n  /a r,\n}\n"), "p", in: dir)
        let empty = try Fixtures.measure(Fixtures.aaswiftBinary, ["check", try write([], "empty", in: dir).path], cwd: dir)
        let use = try Fixtures.measure(Fixtures.aaswiftBinary, ["check", profile.path], cwd: dir)
        XCTAssertFalse(use.crashed)
        XCTAssertEqual(use.status, 1)
        XCTAssertTrue(use.stderr.contains("not followed"), use.stderr)
        XCTAssertFalse(use.stderr.contains("big.bin"), use.stderr)
        XCTAssertLessThan(use.maxRSS - empty.maxRSS, 8_000_000, "the 20 MB binary was read")
    }

    func testIncludedFolderWithABinaryReportsItWithoutItsBytes() throws {
        let dir = try scratchFolder("aaswift-hostile")
        let inc = dir.appendingPathComponent("inc")
        try FileManager.default.createDirectory(at: inc, withIntermediateDirectories: true)
        _ = try write(bytes("/tmp/ok r,\n"), "ok", in: inc)
        _ = try write(bytes("\u{7F}ELF secret-bytes") + [0, 0, 1] + bytes("more\n"), "prog", in: inc)
        let profile = try write(bytes("profile x {\n  include \"\(inc.path)\"\n}\n"), "p", in: dir)
        let r = try Fixtures.aaswift(["check", profile.path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("[AA2004]") && r.stderr.contains("binary"), r.stderr)
        XCTAssertFalse(r.stderr.contains("secret-bytes"), r.stderr)
    }

    func testAngleIncludeNeverLeavesTheIncludeFoldersNorShowsANonPolicyFile() throws {
        let dir = try scratchFolder("aaswift-hostile")
        let base = dir.appendingPathComponent("policy")
        try FileManager.default.createDirectory(at: base.appendingPathComponent("abstractions"), withIntermediateDirectories: true)
        let shadow = try write(bytes("root:$y$j9T$hash-that-must-not-leak:19000:0:99999:7:::\n"), "shadow", in: dir)
        // Absolute: under the include folders, so not found.
        let abs = try write(bytes("profile x {\n  include <\(shadow.path)>\n}\n"), "abs", in: dir)
        let a = try Fixtures.aaswift(["check", "--base", base.path, abs.path])
        XCTAssertEqual(a.status, 1)
        XCTAssertTrue(a.stderr.contains("[AA2001]"), a.stderr)
        XCTAssertFalse(a.stderr.contains("hash-that-must-not-leak"), a.stderr)
        // `..` climbs out as apparmor_parser lets it; the file is not policy and is not shown.
        let rel = try write(bytes("profile x {\n  include <../shadow>\n}\n"), "rel", in: dir)
        let b = try Fixtures.aaswift(["check", "--base", base.path, rel.path])
        XCTAssertEqual(b.status, 1)
        XCTAssertTrue(b.stderr.contains("[AA2004]"), b.stderr)
        XCTAssertFalse(b.stderr.contains("hash-that-must-not-leak"), b.stderr)
    }

    // MARK: careless command lines

    func testCommandLinesThatAreUsageErrors() throws {
        for args in [[], ["nosuchcommand"], ["nosuchcommand", "--help"], ["help", "nosuchcommand"], ["decode"]] {
            let r = try Fixtures.aaswift(args)
            XCTAssertEqual(r.status, 2, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("Usage:") || r.stderr.contains("USAGE:"), "\(args): \(r.stderr)")
            XCTAssertEqual(r.stdout, "", "\(args)")
        }
        XCTAssertEqual(try Fixtures.aaswift(["help", "check"]).status, 0)
        XCTAssertEqual(try Fixtures.aaswift(["decode", "-"], stdin: Data()).status, 0)
    }

    func testLogprofAndDecodeLogRefuseWrongKindsOfPaths() throws {
        let dir = try scratchFolder("aaswift-hostile")
        let log = try write(bytes("nothing here\n"), "log", in: dir)
        for (args, expected) in [
            (["logprof", "-d", dir.appendingPathComponent("missing").path, "-f", log.path, "--allow-all"], "no such folder"),
            (["logprof", "-d", log.path, "-f", log.path, "--allow-all"], "not a folder"),
            (["logprof", "-d", dir.path, "-f", dir.path, "--allow-all"], "is a folder"),
            (["decode-log", dir.path], "is a folder"),
        ] {
            let r = try Fixtures.aaswift(args)
            XCTAssertEqual(r.status, 1, "\(args): \(r.stdout) \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(expected), "\(args): \(r.stderr)")
        }
    }

    func testManyUnknownModeTargetsTakeLinearTime() throws {
        let dir = try scratchFolder("aaswift-hostile")
        _ = try write(bytes("/usr/bin/foo {\n  /a r,\n}\n"), "usr.bin.foo", in: dir)
        var runs: [ResourceUse] = []
        for n in [1_000, 10_000] {
            let targets = (0..<n).map { "/nonexistent/program\($0)" }
            let use = try Fixtures.measure(Fixtures.aaswiftBinary, ["complain", "--no-reload", "-d", dir.path] + targets)
            XCTAssertEqual(use.status, 1)
            XCTAssertEqual(use.stderr.components(separatedBy: "not found").count - 1, n)
            runs.append(use)
        }
        XCTAssertLessThan(runs[1].cpuSeconds, 30 * max(runs[0].cpuSeconds, 0.05), "\(runs[0].cpuSeconds) s, then \(runs[1].cpuSeconds) s")
    }
}
