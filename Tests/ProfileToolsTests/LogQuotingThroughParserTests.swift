import AASwiftTestSupport
import AppArmorSyntax
import AuditLog
import XCTest

/// A crafted name in a log record can never inject a rule: every file rule that the log engine
/// writes for a random byte name parses, with our own profile parser, as exactly one file rule
/// whose path is exactly that name.
final class LogQuotingThroughParserTests: XCTestCase {
    static let nasty: [UInt8] = Array(" \"',{}[]*?#->\\\n\r\t=()^@$%:<>".utf8) + [0x00, 0x01, 0x7F, 0x80, 0xC3, 0xA9, 0xFF]

    static func randomName(_ rng: inout SplitMix) -> [UInt8] {
        var name: [UInt8] = [UInt8(ascii: "/")]
        for _ in 0..<Int.random(in: 1...40, using: &rng) {
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: name.append(nasty.randomElement(using: &rng)!)
            case 1: name.append(UInt8.random(in: 1...255, using: &rng))
            default: name.append(UInt8.random(in: 0x61...0x7A, using: &rng))
            }
        }
        return name
    }

    /// The literal path an AARE stands for when it has no globs: escapes removed.
    static func unescapeAARE(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "\\"), i + 1 < bytes.count { out.append(bytes[i + 1]); i += 2; continue }
            out.append(bytes[i])
            i += 1
        }
        return out
    }

    func testRandomNamesParseBackToOneRuleForTheSamePath() throws {
        var rng = SplitMix(state: 0x5EED)
        var names: [[UInt8]] = []
        var text = "profile p /usr/bin/p {\n"
        for i in 0..<5_000 {
            let name = Self.randomName(&rng)
            let access = FileAccess(path: name, permissions: [.read], owner: i % 2 == 0, target: nil)
            guard let line = RuleText.proposal(for: .file(access))?.line else {
                // Only a NUL cannot be in a path (the checker refuses it): such a record is skipped.
                XCTAssertTrue(name.contains(0), "refused: \(name)")
                continue
            }
            names.append(name)
            text += "  " + line + "\n"
        }
        text += "}\n"
        let r = Parser.parse(path: "generated", bytes: Array(text.utf8))
        XCTAssertFalse(r.hasErrors, r.diagnostics.first.map { $0.oneLine(in: r.source) } ?? "")
        let rules = try XCTUnwrap(r.profiles.first).items
        XCTAssertEqual(rules.count, names.count, "one rule per name")
        for (node, name) in zip(rules, names) {
            XCTAssertEqual(node.kind, .fileRule)
            let rule = try XCTUnwrap(RuleSyntax(node))
            let path = try XCTUnwrap(rule.plainTokens.first)
            XCTAssertEqual(Self.unescapeAARE(r.valueBytes(path)), name, r.text(node))
            XCTAssertEqual(rule.plainTokens.count, 2, "path and permissions only: \(r.text(node))")
        }
    }
}
