import AASwiftTestSupport
import AuditLog
import Foundation
@testable import ProfileTools
import XCTest

/// A big log file is read in parts at once (LogprofFileRead); the requests, their order and
/// the counts must be those of one pass over the same bytes, whatever falls on a cut.
final class LogprofFileReadTests: XCTestCase {
    /// Every upstream test_multi record (one-line and multi-line USER_AVC ones, syslog and
    /// audit.log layouts), repeated with varied names until the log is big enough to be cut.
    func bigLog() throws -> URL {
        let corpus = Fixtures.files(under: Fixtures.conformance("libapparmor-test_multi"), suffix: ".in")
        XCTAssertGreaterThan(corpus.count, 100)
        var records = try corpus.map { try Data(contentsOf: $0) }
        XCTAssertTrue(records.contains { String(decoding: $0, as: UTF8.self).contains("type=USER_AVC") })
        records = records.map { $0.last == 0x0A ? $0 : $0 + [0x0A] }
        var out = Data()
        var round = 0
        while out.count < 3 * LogFileParts.minimumPart + 12345 {
            for r in records {
                // Vary the names a little, so that later rounds add requests of their own.
                out += String(decoding: r, as: UTF8.self).replacingOccurrences(of: "/tmp/", with: "/tmp/r\(round % 7)/").utf8
            }
            round += 1
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("aaswift-big-\(UUID().uuidString).log")
        try out.write(to: url)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// The log opened for reading (closed when the test ends), and its size.
    func openLog(_ url: URL) throws -> (fd: Int32, size: Int) {
        let fd = open(url.path, O_RDONLY)
        XCTAssertGreaterThanOrEqual(fd, 0)
        addTeardownBlock { close(fd) }
        return (fd, Int(try FileManager.default.attributesOfItem(atPath: url.path)[.size] as! NSNumber))
    }

    func testPartsGiveWhatOnePassGives() throws {
        let url = try bigLog()
        let (fd, size) = try openLog(url)
        let parts = LogFileParts.split(fd, 0..<size, count: 4)
        XCTAssertEqual(parts.count, 3, "a log of over 3 parts' size is cut in 3 parts")
        XCTAssertEqual(parts.first?.lowerBound, 0)
        XCTAssertEqual(parts.last?.upperBound, size)
        for (a, b) in zip(parts, parts.dropFirst()) { XCTAssertEqual(a.upperBound, b.lowerBound) }

        var onePass = LogprofEventCollector()
        onePass.read(LineSource(fd: fd, range: 0..<size))
        var inParts = LogprofEventCollector()
        LogprofFileRead.read(fd, range: 0..<size, into: &inParts)
        XCTAssertGreaterThan(onePass.items.count, 100)
        XCTAssertEqual(inParts.stats, onePass.stats)
        XCTAssertEqual(inParts.items, onePass.items)
        XCTAssertEqual(inParts.refused.map(\.profile), onePass.refused.map(\.profile))
        XCTAssertEqual(inParts.ordered(), onePass.ordered())
    }

    /// Records that repeat one read before (another audit stamp and pid) are counted, not
    /// worked out again: the counts, requests and refusals are those of adding each record.
    func testRepeatedRecordsCountAsEachRecordDoes() throws {
        let url = try bigLog()
        let (fd, size) = try openLog(url)
        var read = LogprofEventCollector()
        read.read(LineSource(fd: fd, range: 0..<size))
        var each = LogprofEventCollector()
        AuditLogReader(source: LineSource(fd: fd, range: 0..<size), onlyAppArmor: true).forEachRecord { r, _ in each.add(r) }
        each.stats.lines = read.stats.lines
        XCTAssertGreaterThan(read.stats.events, 2 * read.items.count, "the log repeats its requests")
        XCTAssertEqual(read.stats, each.stats)
        XCTAssertEqual(read.items, each.items)
        XCTAssertEqual(read.refused.map(\.profile), each.refused.map(\.profile))
        XCTAssertEqual(read.ordered(), each.ordered())
    }

    /// With the folder's profile names known, requests of other profiles are not kept (only
    /// named), and what is kept is what one pass keeps once the others are dropped.
    func testRequestsOfUnknownProfilesAreNotKept() throws {
        let url = try bigLog()
        let fd = open(url.path, O_RDONLY)
        defer { close(fd) }
        let size = Int(try FileManager.default.attributesOfItem(atPath: url.path)[.size] as! NSNumber)
        var all = LogprofEventCollector()
        all.read(LineSource(fd: fd, range: 0..<size))
        let profiles = Set(all.items.map(\.profile))
        XCTAssertGreaterThan(profiles.count, 10)
        let keep = Set(profiles.sorted().prefix(profiles.count / 2))
        let known = KnownProfiles()
        known.set(keep)
        var filtered = LogprofEventCollector(known: known)
        LogprofFileRead.read(fd, range: 0..<size, into: &filtered)
        filtered.dropUnknownProfiles(keep)
        all.dropUnknownProfiles(keep)
        XCTAssertFalse(filtered.items.isEmpty)
        XCTAssertTrue(filtered.items.allSatisfy { keep.contains($0.profile) })
        XCTAssertEqual(filtered.items, all.items)
        XCTAssertEqual(filtered.ordered(), all.ordered())
        // Records of the other profiles were left out unparsed (UnknownProfileLines): counted
        // as AppArmor records, not as requests, and their profiles named.
        XCTAssertTrue(filtered.unknownProfiles.isSuperset(of: profiles.subtracting(keep).union(all.unknownProfiles)))
        XCTAssertTrue(filtered.unknownProfiles.isDisjoint(with: keep))
        XCTAssertEqual(filtered.stats.lines, all.stats.lines)
        // (at least as many: a left-out line says ALLOWED or DENIED, where the parser may find
        // a record it cannot read; either way it asks for nothing)
        XCTAssertGreaterThanOrEqual(filtered.stats.appArmorRecords, all.stats.appArmorRecords)
        XCTAssertGreaterThan(filtered.stats.events, 0)
        XCTAssertLessThan(filtered.stats.events, all.stats.events, "some records were left out unparsed")
    }

    /// A journald export is never cut: its field lines look like records.
    func testJournalExportIsOnePart() throws {
        var text = ""
        var n = 0
        while text.utf8.count < 3 * LogFileParts.minimumPart {
            text += "__CURSOR=s=\(n)\n_TRANSPORT=audit\nMESSAGE=audit: type=1400 audit(1.\(n):\(n)): apparmor=\"DENIED\" operation=\"open\" profile=\"p\" name=\"/x\(n % 50)\" requested_mask=\"r\" denied_mask=\"r\"\n\n"
            n += 1
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("aaswift-journal-\(UUID().uuidString).export")
        try Data(text.utf8).write(to: url)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        let fd = open(url.path, O_RDONLY)
        defer { close(fd) }
        XCTAssertEqual(LogFileParts.split(fd, 0..<text.utf8.count, count: 4).count, 1)
        var c = LogprofEventCollector()
        LogprofFileRead.read(fd, range: 0..<text.utf8.count, into: &c)
        XCTAssertEqual(c.items.count, 50)
    }

    /// decode-log's summary of a big file, read in parts at once: the same counts as one pass,
    /// and through the binary the same text as reading the file from standard input (one pass).
    func testSummaryInPartsIsTheSummaryOfOnePass() throws {
        let url = try bigLog()
        let (fd, size) = try openLog(url)
        let parts = LogSummary.of(fd: fd, size: size, threads: 4)
        let one = LogSummary.read(LineSource(fd: fd, range: 0..<size))
        XCTAssertGreaterThan(one.total, 10_000)
        XCTAssertEqual(parts.total, one.total)
        XCTAssertEqual(parts.render(), one.render())

        let fromFile = try Fixtures.aaswift(["decode-log", "--format", "summary", url.path])
        let fromStdin = try Fixtures.aaswift(["decode-log", "--format", "summary", "-"], stdin: try Data(contentsOf: url))
        XCTAssertEqual(fromFile.status, 0)
        XCTAssertEqual(fromFile.stdout, fromStdin.stdout)
        XCTAssertTrue(fromFile.stdout.hasPrefix("records: \(one.total)\n"))
    }
}
