import AASwiftTestSupport
import Foundation
import XCTest
@testable import AuditLog

/// Datagrams recorded in the shared/vm guest (Debian's 6.1 kernel, no auditd) with
/// `aaswift log --capture-netlink FILE`, replayed through the netlink stream.
final class LiveSourceTests: XCTestCase {
    /// Recorded datagrams, then `.timeout` forever; an `.overrun` where `overrunAfter` says.
    final class Replay: AuditDatagramReading {
        var datagrams: [AuditNetlinkSocket.Read]
        init(_ d: [AuditNetlinkSocket.Read]) { datagrams = d }
        func read(timeoutMilliseconds: Int32) -> AuditNetlinkSocket.Read {
            datagrams.isEmpty ? .timeout : datagrams.removeFirst()
        }
    }

    static func recorded(_ name: String) throws -> [[UInt8]] {
        let d = [UInt8](try Data(contentsOf: Fixtures.project("Tests/AuditLogTests/Fixtures/netlink/" + name)))
        var out: [[UInt8]] = []
        var at = 0
        while at + 4 <= d.count {
            let n = Int(d[at]) | Int(d[at + 1]) << 8 | Int(d[at + 2]) << 16 | Int(d[at + 3]) << 24
            out.append(Array(d[(at + 4)..<(at + 4 + n)]))
            at += 4 + n
        }
        return out
    }

    func records(_ stream: NetlinkStream) -> [AuditSourceItem] {
        var out: [AuditSourceItem] = []
        while true {
            let item = stream.next(timeoutMilliseconds: 0)
            if item == .idle { return out }
            out.append(item)
        }
    }

    func testEnforceModeDenialsDecode() throws {
        let d = try Self.recorded("enforce-denied.bin")
        XCTAssertEqual(d.count, 3)
        let items = records(NetlinkStream(socket: Replay(d.map { .datagram($0) }), kernelLostCounter: { nil }))
        let parsed = items.compactMap { item -> AuditRecord? in
            if case .record(let line) = item { return AuditRecordParser.parse(line) }
            return nil
        }
        XCTAssertEqual(parsed.map(\.event), [.denied, .denied, .denied])
        XCTAssertEqual(parsed.map { String(decoding: $0.operation ?? [], as: UTF8.self) }, ["open", "mknod", "exec"])
        XCTAssertEqual(parsed.map { String(decoding: $0.name ?? [], as: UTF8.self) }, ["/etc/e2e-data", "/tmp/e2e-out", "/bin/busybox"])
        XCTAssertEqual(parsed.map { String(decoding: $0.profile ?? [], as: UTF8.self) }, ["e2ecap", "e2ecap", "e2ecap"])
        XCTAssertEqual(parsed.map(\.auditSubID), [3, 4, 5])
        XCTAssertEqual(parsed[0].auditType, 1400)
        if case .record(let line) = items[0] {
            XCTAssert(String(decoding: line, as: UTF8.self).hasPrefix("type=AVC msg=audit(1796400936.456:3): apparmor=\"DENIED\""))
        } else { XCTFail("no record") }
    }

    func testComplainModeRecordsAndStatus() throws {
        let d = try Self.recorded("complain-allowed.bin")
        let messages = d.flatMap(AuditNetlinkDatagram.messages)
        XCTAssertEqual(messages.map(\.type), [1400, 1400, 1400, 1400])
        let parsed = messages.map { AuditRecordParser.parse(AuditNetlinkDatagram.recordLine($0)) }
        XCTAssertEqual(parsed.map(\.event), [.status, .allowed, .allowed, .allowed])
        XCTAssertEqual(parsed.last.flatMap(\.requestedMask).map { String(decoding: $0, as: UTF8.self) }, "wc")
    }

    func testOverrunIsReportedWithTheSerialGap() throws {
        let d = try Self.recorded("complain-allowed.bin")
        // Records 6 and 7 arrive, the buffer overflows (8 is lost), 9 arrives.
        let stream = NetlinkStream(socket: Replay([.datagram(d[0]), .datagram(d[1]), .overrun, .datagram(d[3])]), kernelLostCounter: { nil })
        let items = records(stream)
        XCTAssertEqual(items.count, 4)
        XCTAssertEqual(items[2], .lost(count: 1, reason: "the audit socket's receive buffer overflowed"))
        guard case .record(let last) = items[3] else { return XCTFail("no record after the loss") }
        XCTAssertEqual(AuditRecordParser.parse(last).auditSubID, 9)
    }

    func testKernelBacklogLossIsReportedOnceQuiet() throws {
        var counter = 10
        let stream = NetlinkStream(socket: Replay([]), kernelLostCounter: { counter })
        counter = 1549
        XCTAssertEqual(stream.next(timeoutMilliseconds: 0), .lost(count: 1539, reason: "the kernel's audit backlog overflowed"))
        XCTAssertEqual(stream.next(timeoutMilliseconds: 0), .idle)
    }

    func testTruncatedAndBogusDatagramsNeverReadPastTheEnd() {
        // A length larger than the datagram, a length without the header, and garbage.
        var d: [UInt8] = [0xFF, 0x00, 0x00, 0x00, 0x78, 0x05] + [UInt8](repeating: 0, count: 10) + Array("audit(1.2:3): apparmor=\"DENIED\"".utf8)
        XCTAssertEqual(AuditNetlinkDatagram.messages(d).map(\.text), [Array("audit(1.2:3): apparmor=\"DENIED\"".utf8)])
        d[0] = 8  // payload length only (the unicast form)
        XCTAssertEqual(AuditNetlinkDatagram.messages(d).first?.text, Array("audit(1.".utf8))
        XCTAssertEqual(AuditNetlinkDatagram.messages([1, 2, 3]), [])
        // A line break inside a payload ends the record: the rest cannot pose as a record.
        let forged = Array("audit(1.2:3): apparmor=\"DENIED\" name=\"/a\"\ntype=AVC msg=audit(1.2:4): apparmor=\"ALLOWED\"".utf8)
        let datagram = [UInt8(16 + forged.count), 0, 0, 0, 0x78, 0x05] + [UInt8](repeating: 0, count: 10) + forged
        XCTAssertEqual(AuditNetlinkDatagram.messages(datagram).map(\.text), [Array("audit(1.2:3): apparmor=\"DENIED\" name=\"/a\"".utf8)])
        XCTAssertEqual(AuditNetlinkDatagram.serial(Array("audit(1796400936.456:3): x".utf8)), 3)
        XCTAssertNil(AuditNetlinkDatagram.serial(Array("audit(1796400936.456:): x".utf8)))
        XCTAssertEqual(AuditNetlinkDatagram.typeName(1400), "AVC")
        XCTAssertEqual(AuditNetlinkDatagram.typeName(1107), "USER_AVC")
    }

    func testFollowedFileSurvivesTruncationAndRotation() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aaswift-follow-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = dir.appendingPathComponent("audit.log").path
        try "old line\n".write(toFile: log, atomically: false, encoding: .utf8)
        let f = try FollowedFile(path: log, follow: true, fromStart: false)
        XCTAssertEqual(f.next(timeoutMilliseconds: 0), .idle)  // the old line is history
        let h = FileHandle(forWritingAtPath: log)!
        h.seekToEndOfFile()
        h.write(Data("one\ntw".utf8))
        XCTAssertEqual(f.next(timeoutMilliseconds: 0), .record(Array("one".utf8)))
        XCTAssertEqual(f.next(timeoutMilliseconds: 0), .idle)  // half a line waits
        h.write(Data("o\n".utf8))
        XCTAssertEqual(f.next(timeoutMilliseconds: 0), .record(Array("two".utf8)))
        h.truncateFile(atOffset: 0)
        h.write(Data("cut\n".utf8))
        try h.close()
        XCTAssertEqual(f.next(timeoutMilliseconds: 0), .record(Array("cut".utf8)))
        try FileManager.default.moveItem(atPath: log, toPath: log + ".1")
        let old = FileHandle(forWritingAtPath: log + ".1")!
        old.seekToEndOfFile()
        old.write(Data("late in the old file\n".utf8))
        try old.close()
        try "in the new file\n".write(toFile: log, atomically: false, encoding: .utf8)
        XCTAssertEqual(f.next(timeoutMilliseconds: 0), .record(Array("late in the old file".utf8)))
        XCTAssertEqual(f.next(timeoutMilliseconds: 0), .record(Array("in the new file".utf8)))
        XCTAssertEqual(f.next(timeoutMilliseconds: 0), .idle)
    }

    func testLineSplitterDropsOverlongLines() {
        var s = LineSplitter()
        let big = [UInt8](repeating: 0x41, count: LineSplitter.maximum + 10)
        big.withUnsafeBytes { s.feed($0) }
        Array("tail\nnext\n".utf8).withUnsafeBytes { s.feed($0) }
        XCTAssertEqual(s.nextLine(), Array("next".utf8))
        XCTAssertNil(s.nextLine())
    }

    func testKmsgRecordsInDmesgForm() {
        let r = Array("5,339,9025111,-;audit: type=1400 audit(1796400936.456:3): apparmor=\"DENIED\"\n SUBSYSTEM=x\n".utf8)
        let (seq, line) = KmsgStream.dmesgLine(r)!
        XCTAssertEqual(seq, 339)
        XCTAssertEqual(String(decoding: line, as: UTF8.self), "[    9.025111] audit: type=1400 audit(1796400936.456:3): apparmor=\"DENIED\"")
        XCTAssertEqual(AuditRecordParser.parse(line).event, .denied)
        XCTAssertNil(KmsgStream.dmesgLine(Array("no header".utf8)))
    }

    func testSourceRequestsAndFallbacks() throws {
        XCTAssertEqual(try AuditSourceRequest("netlink"), .netlink)
        XCTAssertEqual(try AuditSourceRequest(nil), .automatic)
        XCTAssertEqual(try AuditSourceRequest("/var/log/x"), .file("/var/log/x"))
        XCTAssertThrowsError(try AuditSourceRequest("bogus"))
        // History with no auditd log, no journal and no syslog file: the kernel's ring buffer
        // (or, where /dev/kmsg is not readable, an error naming every candidate).
        var env = AuditSourceEnvironment()
        env.auditLog = "/nonexistent/audit.log"
        env.syslogFiles = ["/nonexistent/kern.log"]
        env.journalRunning = { false }
        env.auditdRunning = { false }
        do {
            let s = try AuditEventSource.open(.automatic, follow: false, environment: env)
            XCTAssertEqual(s.kind, .kmsg)
            XCTAssert(s.notes.contains("no /nonexistent/audit.log"), "\(s.notes)")
        } catch let AuditSourceError.noSource(notes) {
            XCTAssert(notes.contains("no /nonexistent/audit.log"), "\(notes)")
        }
        XCTAssertThrowsError(try AuditEventSource.open(.netlink, follow: false, environment: env))
    }
}
