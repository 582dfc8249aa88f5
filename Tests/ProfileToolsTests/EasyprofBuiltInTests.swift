import AASwiftTestSupport
import Foundation
@testable import ProfileTools
import XCTest

/// The defaults built into the binary are exactly Resources/easyprof (run
/// Resources/easyprof/embed.sh after editing those files), and the installed folder is searched.
final class EasyprofBuiltInTests: XCTestCase {
    let resources = Fixtures.project("Resources/easyprof")

    func testEmbeddedCopiesMatchResources() throws {
        for kind in [EasyprofFileKind.templates, .policygroups] {
            let dir = resources.appendingPathComponent(kind.rawValue)
            let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
            XCTAssertEqual(EasyprofBuiltIn.names(kind), files, "run Resources/easyprof/embed.sh")
            for f in files {
                let text = try String(contentsOf: dir.appendingPathComponent(f), encoding: .utf8)
                XCTAssertEqual(EasyprofBuiltIn.contents(kind, f), text, "\(kind.rawValue)/\(f): run Resources/easyprof/embed.sh")
            }
        }
    }

    func testInstalledFolderComesBeforeBuiltIns() throws {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("easyprof-inst-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: tmp) }
        for kind in ["templates", "policygroups"] {
            try FileManager.default.createDirectory(at: tmp.appendingPathComponent(kind), withIntermediateDirectories: true)
        }
        try "###PROFILEATTACH### {\n}\n".write(
            to: tmp.appendingPathComponent("templates/default"), atomically: true, encoding: .utf8)
        var env = ProcessInfo.processInfo.environment
        env["AASWIFT_EASYPROF_DIR"] = tmp.path
        let r = try Fixtures.aaswift(["easyprof", "--no-verify", "--profile-name", "xy"], environment: env)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "profile \"xy\" {\n}\n\n")
        XCTAssertEqual(try Fixtures.aaswift(["easyprof", "--list-templates"], environment: env).stdout, "default\n")
        env["AASWIFT_EASYPROF_DIR"] = "/nonexistent"
        let builtIn = try Fixtures.aaswift(["easyprof", "--show-template"], environment: env)
        let file = try String(contentsOf: resources.appendingPathComponent("templates/default"), encoding: .utf8)
        XCTAssertEqual(builtIn.stdout, file + "\n")
    }
}

/// Library-level checks of the pieces that must behave like Python.
final class EasyprofUnitTests: XCTestCase {
    func testNormalizeLikePosixpath() {
        XCTAssertEqual(EasyprofValidation.normalize("/a/./b//c/"), "/a/b/c")
        XCTAssertEqual(EasyprofValidation.normalize("/a/../../b"), "/b")
        XCTAssertEqual(EasyprofValidation.normalize("//a"), "//a")
        XCTAssertEqual(EasyprofValidation.normalize("a/../../b"), "../b")
        XCTAssertFalse(EasyprofValidation.isValidPath("/a/b/"))
        XCTAssertTrue(EasyprofValidation.isValidPath("/a/b"))
    }

    func testNames() {
        XCTAssertTrue(EasyprofValidation.isValidProfileName("com.example.app_1.0+git~1:2"))
        XCTAssertFalse(EasyprofValidation.isValidProfileName("a"))
        XCTAssertFalse(EasyprofValidation.isValidProfileName("_ab"))
        XCTAssertTrue(EasyprofValidation.isValidVariable("@{A_1}=x/y"))
        XCTAssertFalse(EasyprofValidation.isValidVariable("@{A}=x=y"))
        XCTAssertFalse(EasyprofValidation.isValidVariable("@{A}=/x/../y"))
        XCTAssertTrue(EasyprofValidation.isValidPolicyVersion("1.0"))
        XCTAssertFalse(EasyprofValidation.isValidPolicyVersion("-1"))
        XCTAssertFalse(EasyprofValidation.isValidPolicyVersion("one"))
    }

    func testPathRules() throws {
        XCTAssertEqual(try EasyprofRenderer.pathRules("/home/u/", access: "rk"), ["/home/u/ rk,", "owner /home/u/** rk,"])
        XCTAssertEqual(try EasyprofRenderer.pathRules("/srv/*", access: "rwk"), ["/srv rwk,", "/srv/* rwk,"])
        XCTAssertEqual(try EasyprofRenderer.pathRules("@{HOME}/x", access: "rk"), ["owner @{HOME}/x rk,"])
        XCTAssertThrowsError(try EasyprofRenderer.pathRules("x", access: "rk"))
    }

    func testJSONRoundTripLikePython() throws {
        let v = try EasyprofJSON.parse(#"{"b": [1, 2.50, "x\u00e9"], "a": {"z": null, "y": true}}"#)
        XCTAssertEqual(
            v.serialized(),
            "{\n  \"a\": {\n    \"y\": true,\n    \"z\": null\n  },\n  \"b\": [\n    1,\n    2.5,\n    \"x\\u00e9\"\n  ]\n}")
        XCTAssertThrowsError(try EasyprofJSON.parse("{\"a\": }"))
    }

    func testPythonTextHelpers() throws {
        XCTAssertEqual(EasyprofText.splitLines("a\r\nb\u{0B}c\n\nd\n"), ["a", "b", "c", "", "d"])
        XCTAssertEqual(try EasyprofText.expandReplacement(#"a\\b\nc\$"#), "a\\b\nc\\$")
        XCTAssertThrowsError(try EasyprofText.expandReplacement("ends\\"))
        XCTAssertEqual(EasyprofText.dirname("/tmp/a/*"), "/tmp/a")
        XCTAssertEqual(EasyprofText.dirname("/x"), "/")
    }

    func testELFOfThisTestRunner() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: "/bin/ls"))
        let info = try XCTUnwrap(try ELFDynamicInfo.parse(data))
        XCTAssertNotNil(info.interpreter)
        XCTAssertTrue(info.needed.contains { $0.hasPrefix("libc.so") }, "\(info.needed)")
        XCTAssertNil(try ELFDynamicInfo.parse(Data("#!/bin/sh\n".utf8)))
        XCTAssertThrowsError(try ELFDynamicInfo.parse(data.prefix(40)))
    }
}

/// The system's easyprof.conf (/etc/apparmor/easyprof.conf for the command), read as
/// aa-easyprof reads it when -c is not given, and skipped when its folders are missing.
final class EasyprofSystemConfigTests: XCTestCase {
    func testSystemConfigNamesTheFoldersElseBuiltIn() throws {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("easyprof-conf-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: tmp) }
        for kind in ["templates", "policygroups"] {
            try FileManager.default.createDirectory(at: tmp.appendingPathComponent(kind), withIntermediateDirectories: true)
        }
        try "profile x {}\n".write(to: tmp.appendingPathComponent("templates/only-here"), atomically: true, encoding: .utf8)
        let conf = tmp.appendingPathComponent("easyprof.conf")
        try "# system\nPOLICYGROUPS_DIR=\"\(tmp.path)/policygroups\"\nTEMPLATES_DIR=\"\(tmp.path)/templates\"\n"
            .write(to: conf, atomically: true, encoding: .utf8)
        var search = EasyprofSearchOptions()
        search.installedDefaultsDir = nil
        search.systemConfigFile = conf.path
        let found = try EasyprofStoreResolver.resolve(search: search, profile: EasyprofProfileOptions(), cwd: "/")
        XCTAssertEqual(found.templates.list().map(\.name), ["only-here"])
        // A configuration naming missing folders is skipped: the built-in copies answer.
        try "TEMPLATES_DIR=\"/nonexistent/t\"\nPOLICYGROUPS_DIR=\"/nonexistent/p\"\n".write(to: conf, atomically: true, encoding: .utf8)
        let fallback = try EasyprofStoreResolver.resolve(search: search, profile: EasyprofProfileOptions(), cwd: "/")
        XCTAssertEqual(fallback.templates.list().map(\.name), ["default", "desktop", "sandbox"])
    }
}
