import AASwiftTestSupport
import Foundation
import XCTest
@testable import AppArmorEdit

/// `UnifiedDiff` against GNU `diff -u` on many pairs, byte for byte.
final class UnifiedDiffTests: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("aaswift-diff-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: scratch)
    }

    /// GNU diff's output for the pair, with the same labels.
    func gnuDiff(_ old: [UInt8], _ new: [UInt8], context: Int = 3) throws -> [UInt8] {
        let a = scratch.appendingPathComponent("old"), b = scratch.appendingPathComponent("new")
        try Data(old).write(to: a)
        try Data(new).write(to: b)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/diff")
        p.arguments = ["-U", String(context), "--label", "a/x", "--label", "b/x", a.path, b.path]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        XCTAssertLessThan(p.terminationStatus, 2)
        return Array(data)
    }

    /// Compares every pair; returns the names of the pairs that differ (and fails on them).
    @discardableResult
    func check(_ pairs: [(String, [UInt8], [UInt8])], context: Int = 3, file: StaticString = #filePath, line: UInt = #line) throws -> Int {
        let differ = UnifiedDiff(oldLabel: "a/x", newLabel: "b/x", context: context)
        var failures: [String] = []
        for (name, old, new) in pairs {
            let ours = differ.diff(old: old, new: new)
            let theirs = try gnuDiff(old, new, context: context)
            if ours != theirs {
                failures.append(name)
                if failures.count <= 3 {
                    XCTFail("\(name): ours\n\(String(decoding: ours, as: UTF8.self))\nGNU\n\(String(decoding: theirs, as: UTF8.self))", file: file, line: line)
                }
            }
        }
        XCTAssertEqual(failures, [], "\(failures.count) of \(pairs.count) pairs differ", file: file, line: line)
        return pairs.count
    }

    func testEdgeCases() throws {
        let cases: [(String, String, String)] = [
            ("equal", "a\nb\n", "a\nb\n"),
            ("empty-to-some", "", "a\nb\n"),
            ("some-to-empty", "a\nb\n", ""),
            ("no-newline-added", "a\nb", "a\nb\n"),
            ("no-newline-removed", "a\nb\n", "a\nb"),
            ("no-newline-both-changed", "a\nb", "a\nc"),
            ("no-newline-context", "x\na\nb\nc\nd", "y\na\nb\nc\nd"),
            ("one-line", "a\n", "b\n"),
            ("insert-at-start", "b\nc\nd\ne\n", "a\nb\nc\nd\ne\n"),
            ("append", "a\nb\nc\nd\ne\n", "a\nb\nc\nd\ne\nf\n"),
            ("gap-6-merges", "1\n2\n3\n4\n5\n6\n7\n8\n9\n", "X\n2\n3\n4\n5\n6\n7\n8\nY\n"),
            ("gap-7-splits", "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n", "X\n2\n3\n4\n5\n6\n7\n8\n9\nY\n"),
            ("repeated-braces", "a {\n}\nb {\n}\n", "a {\n}\nn {\n}\nb {\n}\n"),
            ("blank-runs", "a\n\n\nb\n\n\nc\n", "a\n\nb\n\n\n\nc\n"),
        ]
        try check(cases.map { ($0.0, Array($0.1.utf8), Array($0.2.utf8)) })
        XCTAssertEqual(UnifiedDiff().diff(old: "same\n", new: "same\n"), "")
    }

    func testOtherContextSizes() throws {
        let profiles = corpusProfiles(limit: 30)
        var rng = SplitMix(state: 7)
        let pairs = profiles.map { ($0.0, $0.1, Self.edit($0.1, &rng, edits: 3)) }
        try check(pairs, context: 0)
        try check(pairs, context: 1)
        try check(pairs, context: 5)
    }

    func testEditedCorpusProfilesMatchGNUDiff() throws {
        var rng = SplitMix(state: 2024)
        var pairs: [(String, [UInt8], [UInt8])] = []
        for (name, bytes) in corpusProfiles(limit: 240) {
            pairs.append((name, bytes, Self.edit(bytes, &rng, edits: 1 + Int(rng.next() % 6))))
        }
        XCTAssertGreaterThan(try check(pairs), 200)
    }

    func testUnrelatedFilesMatchGNUDiff() throws {
        let profiles = corpusProfiles(limit: 120)
        var pairs: [(String, [UInt8], [UInt8])] = []
        for i in stride(from: 0, to: profiles.count - 1, by: 2) {
            pairs.append(("\(profiles[i].0) vs \(profiles[i + 1].0)", profiles[i].1, profiles[i + 1].1))
        }
        XCTAssertGreaterThan(try check(pairs), 50)
    }

    func testLargeInputIsCorrect() throws {
        // Thousands of lines with many scattered edits: the diff must still equal GNU's.
        var rng = SplitMix(state: 99)
        var text: [UInt8] = []
        for i in 0..<20000 { text += Array("line \(i % 700) \(rng.next() % 50)\n".utf8) }
        let edited = Self.edit(text, &rng, edits: 400)
        try check([("large", text, edited)])
    }

    func testCostlyComparisonTakesGNUsShortcut() throws {
        // Two unrelated long texts over a small vocabulary: the search gives up past GNU's
        // cost limit (4096) and splits where GNU splits.
        var rng = SplitMix(state: 5)
        var a: [UInt8] = [], b: [UInt8] = []
        for _ in 0..<9000 { a += Array("w\(rng.next() % 40)\n".utf8) }
        for _ in 0..<9000 { b += Array("w\(rng.next() % 40)\n".utf8) }
        try check([("costly", a, b)])
    }

    // MARK: - inputs

    func corpusProfiles(limit: Int) -> [(String, [UInt8])] {
        let dir = Fixtures.conformance("profiles-apparmor.d")
        let files = Fixtures.files(under: dir).filter { !$0.path.contains("/abi/") }
        guard !files.isEmpty else { return [] }
        let step = max(1, files.count / limit)
        return stride(from: 0, to: files.count, by: step).prefix(limit).compactMap { i in
            guard let data = try? Data(contentsOf: files[i]) else { return nil }
            return (files[i].path.replacingOccurrences(of: dir.path + "/", with: ""), Array(data))
        }
    }

    /// Random line edits: deletions, insertions of copies of other lines (repeats make the
    /// alignment ambiguous, which is where diff implementations part), blank lines, changes,
    /// and now and then a dropped final newline.
    static func edit(_ bytes: [UInt8], _ rng: inout SplitMix, edits: Int) -> [UInt8] {
        var lines = UnifiedDiff.lines(bytes).map(Array.init)
        for _ in 0..<edits {
            let n = lines.count
            let at = n == 0 ? 0 : Int(rng.next() % UInt64(n))
            switch rng.next() % 6 {
            case 0 where n > 0: lines.remove(at: at)
            case 1 where n > 0: lines.insert(lines[Int(rng.next() % UInt64(n))], at: at)
            case 2: lines.insert(Array("\n".utf8), at: at)
            case 3 where n > 0: lines[at] = Array("  /changed/\(rng.next() % 1000) rw,\n".utf8)
            case 4 where n > 2: lines.removeSubrange(at..<min(n, at + 3))
            default: lines.insert(Array("  capability net_admin,\n".utf8), at: at)
            }
        }
        var out = lines.flatMap { $0 }
        if rng.next() % 10 == 0, out.last == 0x0A { out.removeLast() }
        return out
    }
}
