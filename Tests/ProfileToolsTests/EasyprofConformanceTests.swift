import AASwiftTestSupport
import Foundation
import XCTest

/// Runs Debian's aa-easyprof and `aaswift easyprof` side by side on upstream's templates and
/// policy groups and requires byte-identical standard output and the same exit status.
final class EasyprofConformanceTests: XCTestCase {
    static let upstream = "/usr/bin/aa-easyprof"

    var common: [String] {
        let dir = Fixtures.conformance("utils-easyprof")
        return [
            "--templates-dir", dir.appendingPathComponent("templates").path,
            "--policy-groups-dir", dir.appendingPathComponent("policygroups").path,
            "--no-verify",
        ]
    }

    static let manifest = """
        {"security": {"profiles": {
          "com.example.foo": {"binary": "/opt/foo/bin/foo", "abstractions": ["nameservice", "base"],
            "policy_groups": ["opt-application"], "template_variables": {"APPNAME": "foo", "X": "y"},
            "read_path": ["/tmp/x/*"], "write_path": ["/home/u/"], "comment": "c", "template": "sandbox"},
          "/usr/bin/bar": {"name": "barname", "author": "me", "copyright": "2026 us"}
        }}}
        """

    /// Every option that changes the output, alone and combined.
    func combinations(manifest: String) -> [[String]] {
        [
            ["/usr/bin/true"],
            ["-t", "sandbox", "/usr/bin/true"],
            ["-t", "sandbox-x", "--profile-name", "foo"],
            ["-t", "user-application", "/usr/bin/true"],
            ["-p", "user-application,opt-application", "/usr/bin/true"],
            ["-p", "opt-application,user-application", "--template-var", "@{APPNAME}=foo", "/usr/bin/true"],
            ["-a", "nameservice,base,ssl_certs", "/usr/bin/true"],
            ["--read-path", "/home/x/", "--read-path", "@{HOME}/.foo", "--read-path", "/srv/a/**",
             "--write-path", "/tmp/a/*", "--write-path", "/var/log/foo.log", "/usr/bin/true"],
            ["--template-var", "@{B}=/usr/x", "--template-var", "@{A}=rel/x", "/usr/bin/true"],
            ["--comment", "hi there", "--author", "Me <me@example.com>", "--copyright", "2026 us", "/usr/bin/true"],
            ["-n", "myname", "/usr/bin/true"],
            ["--profile-name", "foo", "/usr/bin/true"],
            ["--profile-name", "/usr/bin/foo"],
            ["--list-templates"],
            ["--list-policy-groups"],
            ["--show-template", "-t", "sandbox"],
            ["--show-policy-group", "-p", "user-application,opt-application"],
            ["--output-format", "json", "-a", "base,nameservice", "-p", "opt-application",
             "--template-var", "@{APPNAME}=x", "--read-path", "/a/", "--comment", "é\"\\\\ ü", "/usr/bin/true"],
            ["--output-format", "json", "--profile-name", "foo", "-t", "sandbox", "-n", "bar",
             "--write-path", "/b", "--author", "a", "--copyright", "c", "/usr/bin/true"],
            ["-m", manifest],
            ["-m", manifest, "--output-format", "json"],
            ["-a", "base", "-p", "user-application", "--template-var", "@{APPNAME}=app", "--read-path", "/opt/app/",
             "--write-path", "@{HOME}/.app/", "--comment", "c", "--author", "a", "--copyright", "y", "-n", "N",
             "--profile-name", "app", "-t", "sandbox-x", "/usr/bin/true"],
        ]
    }

    func testByteIdenticalToAaEasyprof() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.upstream) else {
            throw XCTSkip("aa-easyprof is not installed")
        }
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("easyprof-conf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: tmp) }
        let manifest = tmp.appendingPathComponent("manifest.json")
        try Self.manifest.write(to: manifest, atomically: true, encoding: .utf8)

        var identical = 0
        for args in combinations(manifest: manifest.path) {
            let theirs = try Fixtures.run(URL(fileURLWithPath: Self.upstream), common + args, cwd: tmp)
            let ours = try Fixtures.aaswift(["easyprof"] + common + args, cwd: tmp)
            XCTAssertEqual(theirs.status, 0, "aa-easyprof failed for \(args): \(theirs.stderr)")
            XCTAssertFalse(theirs.stdout.isEmpty, "\(args)")
            XCTAssertEqual(ours.stdout, theirs.stdout, "stdout differs for \(args); stderr: \(ours.stderr)")
            XCTAssertEqual(ours.status, theirs.status, "status differs for \(args)")
            if ours.stdout == theirs.stdout && ours.status == theirs.status { identical += 1 }
        }
        XCTAssertGreaterThanOrEqual(identical, 12)
    }

    /// The options that pick other folders: extra template and policy-group folders, a config
    /// file, vendor/version subfolders, an absolute template path, `-b` and `-I`.
    func testFolderOptionsMatchAaEasyprof() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.upstream) else {
            throw XCTSkip("aa-easyprof is not installed")
        }
        let fm = FileManager.default
        let tmp = fm.temporaryDirectory.appendingPathComponent("easyprof-dirs-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: tmp) }
        let template = "# extra for ###NAME###\n###PROFILEATTACH### {\n    ###POLICYGROUPS###\n\t###READS###\n}\n"
        let group = "# g\n/srv/x r,\n\n  /srv/y r,\n"
        let files = [
            "xt/extra": template, "xg/extragroup": group, "vt/acme/1.0/default": template, "vg/acme/1.0/g1": group,
        ]
        for (path, text) in files {
            let url = tmp.appendingPathComponent(path)
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        let c = Fixtures.conformance("utils-easyprof").path
        try "TEMPLATES_DIR=\"\(c)/templates\"\nPOLICYGROUPS_DIR=\"\(c)/policygroups\"\n"
            .write(to: tmp.appendingPathComponent("e.conf"), atomically: true, encoding: .utf8)
        let profiles = Fixtures.conformance("profiles-apparmor.d").path
        let dirs = ["--templates-dir", "\(c)/templates", "--policy-groups-dir", "\(c)/policygroups"]
        let combos: [[String]] = [
            dirs + ["--include-templates-dir", "xt", "--include-policy-groups-dir", "xg", "-t", "extra",
                    "-p", "extragroup,opt-application", "--read-path", "/a", "/usr/bin/true"],
            dirs + ["--include-templates-dir", "xt", "--list-templates"],
            dirs + ["--include-policy-groups-dir", "xg", "--list-policy-groups"],
            dirs + ["--include-policy-groups-dir", "xg", "--show-policy-group", "-p", "extragroup"],
            ["-c", "e.conf", "-p", "opt-application", "/usr/bin/true"],
            ["--templates-dir", "vt", "--policy-groups-dir", "vg", "--policy-vendor", "acme", "--policy-version", "1.0",
             "-p", "g1", "/usr/bin/true"],
            ["--templates-dir", "vt", "--policy-groups-dir", "vg", "--policy-vendor", "acme", "--policy-version", "1.0",
             "-p", "g1", "--output-format", "json", "/usr/bin/true"],
            ["-t", tmp.appendingPathComponent("xt/extra").path, "--policy-groups-dir", "\(c)/policygroups",
             "--read-path", "/x", "/usr/bin/true"],
            dirs + ["-b", "/nonexistent", "-I", profiles, "-a", "opencl,base", "/usr/bin/true"],
            dirs + ["-b", profiles, "-a", "qt6", "/usr/bin/true"],
        ]
        for args in combos {
            let theirs = try Fixtures.run(URL(fileURLWithPath: Self.upstream), ["--no-verify"] + args, cwd: tmp)
            let ours = try Fixtures.aaswift(["easyprof", "--no-verify"] + args, cwd: tmp)
            XCTAssertEqual(theirs.status, 0, "aa-easyprof failed for \(args): \(theirs.stderr)")
            XCTAssertFalse(theirs.stdout.isEmpty, "\(args)")
            XCTAssertEqual(ours.stdout, theirs.stdout, "stdout differs for \(args); stderr: \(ours.stderr)")
            XCTAssertEqual(ours.status, theirs.status, "status differs for \(args)")
        }
    }

    /// `--output-directory` writes the same files as aa-easyprof, named the same way.
    func testOutputDirectoryMatchesAaEasyprof() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.upstream) else {
            throw XCTSkip("aa-easyprof is not installed")
        }
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("easyprof-out-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: tmp) }
        let manifest = tmp.appendingPathComponent("m.json")
        try Self.manifest.write(to: manifest, atomically: true, encoding: .utf8)
        let theirs = tmp.appendingPathComponent("theirs"), ours = tmp.appendingPathComponent("ours")
        let r1 = try Fixtures.run(
            URL(fileURLWithPath: Self.upstream), common + ["-m", manifest.path, "--output-directory", theirs.path])
        let r2 = try Fixtures.aaswift(["easyprof"] + common + ["-m", manifest.path, "--output-directory", ours.path])
        XCTAssertEqual(r1.status, 0, r1.stderr)
        XCTAssertEqual(r2.status, 0, r2.stderr)
        let names = try FileManager.default.contentsOfDirectory(atPath: theirs.path).sorted()
        XCTAssertEqual(names, ["com.example.foo", "usr.bin.bar"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: ours.path).sorted(), names)
        for n in names {
            XCTAssertEqual(
                try Data(contentsOf: ours.appendingPathComponent(n)), try Data(contentsOf: theirs.appendingPathComponent(n)), n)
        }
        // A second run must refuse to overwrite and leave the files alone.
        let before = try Data(contentsOf: ours.appendingPathComponent(names[0]))
        let again = try Fixtures.aaswift(["easyprof"] + common + ["-m", manifest.path, "--output-directory", ours.path])
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stderr.contains("already exists"), again.stderr)
        XCTAssertEqual(try Data(contentsOf: ours.appendingPathComponent(names[0])), before)
    }
}
