import AASwiftTestSupport
import Foundation
import XCTest

/// `--auto` on real programs: a C program compiled here, a Python script and a shell script.
final class EasyprofAutoTests: XCTestCase {
    var tmp: URL!

    override func setUpWithError() throws {
        tmp = FileManager.default.temporaryDirectory.appendingPathComponent("easyprof-auto-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: tmp)
    }

    func auto(_ program: String, _ extra: [String] = []) throws -> (included: [String], stdout: String, stderr: String) {
        let r = try Fixtures.aaswift(["easyprof", "--no-verify", "--auto"] + extra + [program], cwd: tmp,
                                     environment: Fixtures.builtInEasyprofEnvironment)
        XCTAssertEqual(r.status, 0, r.stderr)
        let included = r.stdout.split(separator: "\n").compactMap { line -> String? in
            let t = line.trimmingCharacters(in: .whitespaces)
            guard t.hasPrefix("#include <abstractions/") else { return nil }
            return String(t.dropFirst("#include <abstractions/".count).dropLast())
        }
        return (included, r.stdout, r.stderr)
    }

    func write(_ name: String, _ text: String) throws {
        let url = tmp.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
    }

    func testDynamicallyLinkedCProgram() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/cc") else { throw XCTSkip("no C compiler") }
        try write("app.c", """
            #include <netdb.h>
            #include <pwd.h>
            #include <stdio.h>
            #include <math.h>
            int main(int argc, char **argv) {
                struct addrinfo *ai;
                getaddrinfo(argc > 1 ? argv[1] : "localhost", "80", NULL, &ai);
                printf("%s %f\\n", getpwuid(0)->pw_name, sqrt((double)argc));
                return 0;
            }
            """)
        let cc = try Fixtures.run(
            URL(fileURLWithPath: "/usr/bin/cc"), ["-o", "app", "app.c", "-Wl,--no-as-needed", "-lm"], cwd: tmp)
        XCTAssertEqual(cc.status, 0, cc.stderr)
        let r = try auto("./app")
        XCTAssertEqual(r.included, ["nameservice"])
        XCTAssertTrue(r.stderr.contains("adding abstractions/nameservice: calls "), r.stderr)
        XCTAssertTrue(r.stderr.contains("getaddrinfo"), r.stderr)
        XCTAssertTrue(r.stderr.contains("abstractions/base: dynamically linked (program interpreter /lib"), r.stderr)
        // A template without base gets base added.
        let bare = tmp.appendingPathComponent("templates")
        try FileManager.default.createDirectory(at: bare, withIntermediateDirectories: true)
        try "###PROFILEATTACH### {\n  ###ABSTRACTIONS###\n}\n".write(
            to: bare.appendingPathComponent("bare"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try auto("./app", ["--templates-dir", bare.path, "-t", "bare"]).included, ["base", "nameservice"])
    }

    func testPythonScriptThroughEnv() throws {
        try write("tool.py", "#!/usr/bin/env python3\nprint('hi')\n")
        let r = try auto("./tool.py")
        XCTAssertEqual(r.included, ["python"])
        XCTAssertTrue(r.stderr.contains("abstractions/python: script interpreter /usr/bin/env python3"), r.stderr)
        XCTAssertTrue(r.stdout.contains("  /usr/bin/env ix,\n"), r.stdout)
    }

    func testShellScript() throws {
        try write("run.sh", "#!/bin/sh -e\necho hi\n")
        let r = try auto("./run.sh")
        XCTAssertEqual(r.included, ["bash"])
        // The interpreter itself may be executed inside the profile (by its real path).
        let sh = URL(fileURLWithPath: "/bin/sh").resolvingSymlinksInPath().path
        XCTAssertTrue(r.stdout.contains("\n  \(sh) ix,\n"), r.stdout)
        XCTAssertTrue(r.stderr.contains("adding rule '\(sh) ix,'"), r.stderr)
        try write("run2", "#!/usr/bin/bash\necho hi\n")
        XCTAssertEqual(try auto("./run2", ["-a", "nameservice"]).included, ["bash", "nameservice"])
        // What --auto adds loads with apparmor_parser.
        if FileManager.default.isExecutableFile(atPath: "/sbin/apparmor_parser") {
            let verified = try Fixtures.aaswift(["easyprof", "--auto", "./run.sh"], cwd: tmp)
            XCTAssertEqual(verified.status, 0, verified.stderr)
        }
    }
}
