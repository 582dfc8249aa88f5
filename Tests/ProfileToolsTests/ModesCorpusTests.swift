import AASwiftTestSupport
import AppArmorEdit
import AppArmorSyntax
import ProfileTools
import XCTest

/// complain and enforce over every top-level profile of the shipped trees: complain changes
/// header lines only, and enforce then gives the original bytes back.
final class ModesCorpusTests: XCTestCase {
    struct Tally { var roundTrips = 0, alreadyComplain = 0, mixed = 0, unconfinedSkipped = 0 }

    static func topLevelFiles(_ folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.sorted().compactMap { name in
            let path = folder + "/" + name
            var isDir: ObjCBool = false
            guard !name.hasPrefix("."), name != "README", FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue else { return nil }
            return path
        }
    }

    /// One-based lines of the headers (first token to `{`) of the profiles a target covers.
    static func headerLines(_ r: ParseResult, name: String) -> Set<Int> {
        var lines = Set<Int>()
        for (p, _) in ModePlanner.selectedProfiles(in: r, name: name) {
            guard let open = p.block.flatMap(BlockSyntax.openBrace) else { continue }
            let a = r.source.location(of: p.node.textRange.lowerBound).line, b = r.source.location(of: Int(open.textStart)).line
            lines.formUnion(a...b)
        }
        return lines
    }

    func checkTree(_ folder: String) throws -> Tally {
        var tally = Tally()
        for path in Self.topLevelFiles(folder) {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            let r = Parser.parse(path: path, bytes: bytes)
            for top in r.topLevelProfiles {
                let name = top.name(in: r)
                let target = ModeTarget(file: path, profileName: name, label: name)
                let complained = try ModePlanner.plan(.complain, target: target, bytes: bytes, folder: folder, force: false)
                let after = try complained.edited.validatedResult().source.bytes
                let headers = Self.headerLines(r, name: name)
                checkOnlyHeadersChanged(bytes, after, headers, "\(path) \(name)")
                let flags = ModePlanner.selectedProfiles(in: r, name: name).map { $0.0.flags(in: r) }
                if !complained.skippedUnconfined.isEmpty {
                    // `unconfined` profiles are left alone without --force.
                    XCTAssertEqual(complained.changedProfiles, [], "\(path) \(name)")
                    XCTAssertEqual(after, bytes, "\(path) \(name)")
                    tally.unconfinedSkipped += 1
                    // With --force they change, in their headers only.
                    let forced = try ModePlanner.plan(.complain, target: target, bytes: bytes, folder: folder, force: true)
                    checkOnlyHeadersChanged(bytes, try forced.edited.validatedResult().source.bytes, headers, "\(path) \(name) --force")
                } else if flags.allSatisfy({ !$0.contains("complain") }) {
                    let enforced = try ModePlanner.plan(.enforce, target: target, bytes: after, folder: folder, force: false)
                    XCTAssertEqual(try enforced.edited.resultBytes(), bytes, "\(path) \(name): enforce did not give the original back")
                    tally.roundTrips += 1
                } else if flags.allSatisfy({ $0.contains("complain") }) {
                    XCTAssertEqual(after, bytes, "\(path) \(name): already in complain mode, yet changed")
                    // enforce, then complain again: the same flags as at first.
                    let enforced = try ModePlanner.plan(.enforce, target: target, bytes: bytes, folder: folder, force: false)
                    let back = try ModePlanner.plan(.complain, target: target, bytes: try enforced.edited.resultBytes(), folder: folder, force: false)
                    let r2 = try back.edited.validatedResult()
                    XCTAssertEqual(ModePlanner.selectedProfiles(in: r2, name: name).map { Set($0.0.flags(in: r2)) }, flags.map(Set.init), "\(path) \(name)")
                    tally.alreadyComplain += 1
                } else {
                    tally.mixed += 1
                }
            }
        }
        return tally
    }

    func checkOnlyHeadersChanged(_ before: [UInt8], _ after: [UInt8], _ headers: Set<Int>, _ what: String) {
        let old = EditTestLines.split(before), new = EditTestLines.split(after)
        XCTAssertEqual(old.count, new.count, what)
        for i in 0..<min(old.count, new.count) where old[i] != new[i] {
            XCTAssertTrue(headers.contains(i + 1), "\(what): line \(i + 1) changed: \(new[i])")
        }
    }

    func testShippedProfiles() throws {
        let t = try checkTree(Fixtures.conformance("profiles-apparmor.d").path)
        print("modes corpus profiles-apparmor.d: \(t.roundTrips) round trips, \(t.alreadyComplain) already complain, \(t.mixed) mixed, \(t.unconfinedSkipped) unconfined left alone")
        XCTAssertGreaterThan(t.roundTrips, 120)
    }

    func testDebianProfiles() throws {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: "/etc/apparmor.d"), "no /etc/apparmor.d")
        let t = try checkTree("/etc/apparmor.d")
        print("modes corpus /etc/apparmor.d: \(t.roundTrips) round trips, \(t.alreadyComplain) already complain, \(t.mixed) mixed, \(t.unconfinedSkipped) unconfined left alone")
        XCTAssertGreaterThan(t.roundTrips + t.alreadyComplain, 20)
    }
}

enum EditTestLines {
    static func split(_ bytes: [UInt8]) -> [String] {
        String(decoding: bytes, as: UTF8.self).components(separatedBy: "\n")
    }
}
