import AASwiftTestSupport
import AppArmorPolicy
import AppArmorSyntax
import AuditLog
import Foundation
import XCTest

/// Names from logs with any byte become exactly one rule for exactly that name.
final class QuotingPropertyTests: XCTestCase {
    static let nasty: [UInt8] = Array(" \"',{}[]*?#->\\\n\t=()^@$%".utf8) + [0x01, 0x7F, 0x80, 0xC3, 0xA9, 0xFF, 0xE2, 0x82, 0xAC]

    static func randomName(_ rng: inout SplitMix) -> LogBytes {
        var name: LogBytes = [UInt8(ascii: "/")]
        for _ in 0..<Int.random(in: 1...40, using: &rng) {
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: name.append(nasty.randomElement(using: &rng)!)
            case 1: name.append(UInt8.random(in: 1...255, using: &rng))
            default: name.append(UInt8.random(in: 0x61...0x7A, using: &rng))
            }
        }
        return name
    }

    /// The rule line for a file event on `name`, checked to be a single rule: no newline, one
    /// comma and no '#' outside quotes, and the path token reads back to `name`.
    static func check(_ name: LogBytes, owner: Bool) -> String? {
        let access = FileAccess(path: name, permissions: [.read], owner: owner, target: nil)
        guard let rule = RuleText.proposal(for: .file(access))?.line else { return "no rule" }
        let bytes = Array(rule.utf8)
        if bytes.contains(0x0A) { return "newline in \(rule)" }
        var inQuotes = false, commas = 0, k = 0
        while k < bytes.count {
            let c = bytes[k]
            if c == UInt8(ascii: "\\") { k += 2; continue }
            if c == UInt8(ascii: "\"") { inQuotes.toggle() }
            if !inQuotes && c == UInt8(ascii: ",") { commas += 1 }
            if !inQuotes && c == UInt8(ascii: "#") { return "comment in \(rule)" }
            k += 1
        }
        if commas != 1 { return "\(commas) commas in \(rule)" }
        // Read back with our parser: one file rule whose pattern matches the name and nothing else.
        let r = Parser.parse(path: "<rule>", bytes: Array("profile p {\n  \(rule)\n}\n".utf8))
        guard !r.hasErrors, let node = r.profiles.first?.items.first, r.profiles[0].items.count == 1,
              let syntax = RuleSyntax(node), let tok = syntax.plainTokens.first else { return "unreadable \(rule)" }
        guard let m = try? AAREMatcher(AAREPattern(bytes: r.valueBytes(tok))) else { return "bad pattern in \(rule)" }
        if !m.matches(bytes: name) { return "\(rule) does not match \(name)" }
        if m.matches(bytes: name + [0x61]) || m.matches(bytes: Array(name.dropLast())) { return "\(rule) matches more than \(name)" }
        return nil
    }

    func testRandomByteNamesRoundTrip() {
        var rng = SplitMix(state: 0xA11_2026)
        var failures: [String] = []
        for i in 0..<20_000 {
            let name = Self.randomName(&rng)
            if let f = Self.check(name, owner: i % 2 == 0) { failures.append(f) }
        }
        XCTAssertEqual(failures.count, 0, failures.prefix(5).joined(separator: "\n"))
    }

    func testNamedHardCases() {
        for s in ["/tmp/a b", "/tmp/\"q\"", "/x,y", "/{a,b}", "/#c", "/a->b", "/new\nline", "/@{HOME}", "/é", "/back\\slash"] {
            XCTAssertNil(Self.check(Array(s.utf8), owner: false), s)
        }
        XCTAssertNil(Self.check([0x2F, 0xFF, 0xFE, 0x20], owner: true))
        XCTAssertEqual(QuotedString.literal(Array("/tmp/does not exist".utf8)), "\"/tmp/does not exist\"")
        XCTAssertEqual(QuotedString.literal(Array("/dev/shm/test(me".utf8)), "\"/dev/shm/test(me\"")
        XCTAssertEqual(QuotedString.literal(Array("/a*b".utf8)), "\"/a\\*b\"")
        XCTAssertEqual(QuotedString.literal(Array("/usr/bin/ls".utf8)), "/usr/bin/ls")
    }

    /// A sample of generated rules compiled by the installed apparmor_parser (3.0.8 here), when
    /// it is present.
    func testSampleCompilesWithApparmorParser() throws {
        let parser = URL(fileURLWithPath: "/sbin/apparmor_parser")
        guard FileManager.default.isExecutableFile(atPath: parser.path) else {
            throw XCTSkip("apparmor_parser not installed")
        }
        var rng = SplitMix(state: 42)
        var lines = ["profile sample /usr/bin/sample {"]
        for _ in 0..<1000 {
            let access = FileAccess(path: Self.randomName(&rng), permissions: [.read, .write], owner: false, target: nil)
            lines.append("  " + RuleText.proposal(for: .file(access))!.line)
        }
        lines.append("}")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("aaswift-quoting-\(getpid()).profile")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let features = Fixtures.conformance("parser-features_files/features.all")
        let out = try Fixtures.run(parser, ["-Q", "-K", "-M", features.path, file.path])
        let bad = out.stderr.split(separator: " ").drop { $0 != "line" }.dropFirst().first
            .flatMap { Int($0.prefix { $0.isNumber }) }.map { lines[$0 - 1] } ?? ""
        XCTAssertEqual(out.status, 0, out.stderr + " " + bad.debugDescription)
    }
}
