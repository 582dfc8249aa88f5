import AASwiftTestSupport
import Foundation
import XCTest

/// genprof in a pseudo-terminal, and autodep.
final class LogprofGenprofTests: XCTestCase {
    func tempFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("aaswift-genprof-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url.appendingPathComponent("prof"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: url.appendingPathComponent("bin"), withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    func script(_ dir: URL, _ name: String, _ text: String) throws -> String {
        let path = dir.appendingPathComponent("bin/" + name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        return path
    }

    func testGenprofCreatesProfileScansAndEnforces() throws {
        let dir = try tempFolder()
        let program = try script(dir, "hello.sh", "#!/bin/sh\necho hi\n")
        let log = dir.appendingPathComponent("log")
        try "type=AVC msg=audit(1.0:1): apparmor=\"ALLOWED\" operation=\"open\" class=\"file\" profile=\"hello.sh\" name=\"/etc/old\" requested_mask=\"r\" denied_mask=\"r\" fsuid=0 ouid=0\n"
            .write(to: log, atomically: true, encoding: .utf8)
        let fixtures = Fixtures.project("Tests/aaswiftTests/Fixtures")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["GP=" + dir.path, "python3", fixtures.appendingPathComponent("pty-drive.py").path,
                       fixtures.appendingPathComponent("genprof-tty.script").path,
                       Fixtures.aaswiftBinary.path, "genprof", "--no-reload", "-d", dir.appendingPathComponent("prof").path, "-f", log.path, program]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let transcript = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, transcript)
        // The record logged before genprof started is not asked about.
        XCTAssertFalse(transcript.contains("/etc/old"))
        let name = String(program.dropFirst()).replacingOccurrences(of: "/", with: ".")
        let profile = try String(contentsOf: dir.appendingPathComponent("prof/" + name), encoding: .utf8)
        XCTAssertTrue(profile.contains("profile hello.sh \(program) {\n"), profile)
        XCTAssertTrue(profile.contains("  owner /etc/hello.conf r,\n"), profile)
        XCTAssertTrue(profile.contains("include <abstractions/bash>"), profile)
        XCTAssertFalse(profile.contains("complain"), "Finish puts the profile back in enforce mode")
    }

    func testAutodepWritesModernHeaderAndInterpreter() throws {
        let dir = try tempFolder()
        let program = try script(dir, "tool.py", "#!/usr/bin/env python3\nprint(1)\n")
        let prof = dir.appendingPathComponent("prof").path
        let r = try Fixtures.aaswift(["autodep", "-d", prof, program])
        XCTAssertEqual(r.status, 0, r.stderr)
        let name = String(program.dropFirst()).replacingOccurrences(of: "/", with: ".")
        let text = try String(contentsOf: URL(fileURLWithPath: prof + "/" + name), encoding: .utf8)
        XCTAssertTrue(text.contains("profile tool.py \(program) flags=(complain) {"), "complain by default, as upstream: \(text)")
        XCTAssertTrue(text.contains("include <abstractions/python>"), text)
        XCTAssertTrue(text.contains("/python3") && text.contains(" ix,"), text)
        XCTAssertTrue(text.contains("  \(program) r,"), text)
        let again = try Fixtures.aaswift(["autodep", "-d", prof, program])
        XCTAssertEqual(again.status, 0)
        XCTAssertTrue(again.stdout.contains("already exists"), again.stdout)
        let check = try Fixtures.aaswift(["check", "--syntax-only", prof + "/" + name])
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
        let enforce = try Fixtures.aaswift(["autodep", "--dry-run", "--enforce", "-d", prof, program])
        XCTAssertTrue(enforce.stdout.contains("profile tool.py \(program) {"), enforce.stdout)
        // The abi line is the newest the given parser reads.
        let old = try Fixtures.aaswift(["autodep", "--dry-run", "--parser-version", "3.0.8", "-d", prof + "/none", program])
        XCTAssertFalse(old.stdout.contains("abi <abi/4.0>"), old.stdout)
        let new = try Fixtures.aaswift(["autodep", "--dry-run", "--parser-version", "4.1", "-d", prof + "/none", program])
        XCTAssertTrue(new.stdout.contains("abi <abi/4.0>"), new.stdout)
    }
}
