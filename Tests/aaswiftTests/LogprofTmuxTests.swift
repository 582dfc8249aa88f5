import AASwiftTestSupport
import Foundation
import XCTest

/// A real terminal session in tmux (its own server socket, killed at the end): the exec
/// prompt with upstream 3.0's keys, (N)ew with the logged path pre-filled and edited in place
/// (Ctrl-W erases the last path element), and (V)iew Changes paged by `less -R`, the default
/// pager, before saving.
final class LogprofTmuxTests: XCTestCase {
    struct Stopped: Error {}
    let tmux = URL(fileURLWithPath: "/usr/bin/tmux")
    let fixtures = Fixtures.project("Tests/aaswiftTests/Fixtures/logprof-sessions")

    func testUpstreamKeysPrefilledNewAndPagedView() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: tmux.path), "tmux is not installed")
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: "/usr/bin/less"), "less is not installed")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aaswift-tmux-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: fixtures.appendingPathComponent("profiles"), to: dir)
        let socket = "aaswift-test-\(UUID().uuidString.prefix(8))"
        addTeardownBlock { [tmux] in
            _ = try? Fixtures.run(tmux, ["-L", socket, "kill-server"])
            try? FileManager.default.removeItem(at: dir)
        }
        let command = ["env", "-u", "PAGER", "-u", "LESS", "NO_COLOR=1", "TERM=screen", Fixtures.aaswiftBinary.path, "logprof", "--no-reload",
                       "-d", dir.path, "-f", fixtures.appendingPathComponent("hats.log").path]
            .map { "'" + $0 + "'" }.joined(separator: " ") + "; echo \"logprof exited $?\"; sleep 60"
        // The server this starts would keep pipes of ours open: the shell gives it /dev/null.
        let quoted = ["/usr/bin/tmux", "-L", socket, "-f", "/dev/null", "new-session", "-d", "-x", "200", "-y", "50", command]
            .map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        // Spawned and waited for directly: Foundation's Process can miss the end of a child
        // whose own child (the tmux server) lives on.
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("sh"), strdup("-c"), strdup(quoted + " </dev/null >/dev/null 2>&1"), nil]
        defer { argv.forEach { free($0) } }
        XCTAssertEqual(posix_spawn(&pid, "/bin/sh", nil, nil, argv, environ), 0)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        XCTAssertEqual(status, 0)
        /// The pane with its history (only the screen while the pager has it).
        func screen() throws -> String { try Fixtures.run(tmux, ["-L", socket, "capture-pane", "-p", "-S", "-"]).stdout }
        /// Waits (at most 20 s) until the screen shows `text`; returns the screen.
        @discardableResult
        func expect(_ text: String, line: UInt = #line) throws -> String {
            let end = Date().addingTimeInterval(20)
            var s = ""
            while Date() < end {
                s = try screen()
                if s.contains(text) { return s }
                usleep(50_000)
            }
            XCTFail("the screen never showed \(text):\n\(s)", line: line)
            throw Stopped()
        }
        func send(_ keys: String...) throws { try Fixtures.run(tmux, ["-L", socket, "send-keys"] + keys) }

        // The exec prompt: upstream 3.0's (I)nherit; Ignore on the unused g.
        let exec = try expect("[(I)nherit] / (C)hild / (P)rofile / (N)amed / (U)nconfined / (X) ix On / (D)eny / Abo(r)t / I(g)nore / (F)inish")
        XCTAssertTrue(exec.contains("Execute:  /usr/bin/true"), exec)
        try send("i")
        try expect("Adding /usr/bin/true mrix, to profile /usr/bin/hatapp.")
        try expect("[(A)dd Requested Hat]")
        try send("a")
        try expect("Capability: net_admin")
        try send("a")
        try expect("Path:     /etc/hatapp/b.conf")
        // (N)ew: the line comes pre-filled with the path, and is edited in place.
        try send("n")
        try expect("Enter new path: /etc/hatapp/b.conf")
        try send("C-w")
        try send("-l", "*.conf")
        try expect("Enter new path: /etc/hatapp/*.conf")
        try send("Enter")
        try expect("- owner /etc/hatapp/*.conf r,]")
        try send("a")
        try expect("Adding owner /etc/hatapp/*.conf r, to profile /usr/bin/hatapp.")
        for header in ["Signal:", "dac_override,", "Path:     /etc/hatapp/edit.conf", "dac_read_search,", "Path:     /etc/hatapp/view.conf"] {
            try expect(header)
            try send("a")
        }
        // (V)iew Changes: the diff in less, which owns the screen until q.
        try expect("[(V)iew Changes]")
        try send("v")
        let paged = try expect("(END)")
        XCTAssertTrue(paged.contains("+  ^VIEW flags=(complain) {"), paged)
        XCTAssertFalse(paged.contains("[(V)iew Changes]"), "the pager has the screen:\n" + paged)
        try send("q")
        try expect("[(V)iew Changes]")
        try send("s")
        try expect("logprof exited 0")

        let after = try String(contentsOf: dir.appendingPathComponent("usr.bin.hatapp"), encoding: .utf8)
        XCTAssertTrue(after.contains("  capability net_admin,\n\n  signal send set=term peer=unconfined,\n\n  owner /etc/hatapp/*.conf r,\n  /etc/hatapp/a.conf r,\n"), after)
    }
}
