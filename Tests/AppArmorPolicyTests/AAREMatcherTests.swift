@testable import AppArmorPolicy
import XCTest

final class AAREMatcherTests: XCTestCase {
    func m(_ p: String) throws -> AAREMatcher { try AAREMatcher(p) }

    func testSlashCountBoundsEveryMatch() throws {
        let cases: [(String, Int, Int?)] = [
            ("/home/*/", 3, 3), ("{/home/*/,/root/}", 2, 3), ("/{,usr/}bin/", 2, 3), ("/**/", 2, nil),
            ("/a[/b]c", 1, 2), ("/plain/text", 2, 2),
        ]
        let samples = ["/home/bob/", "/root/", "/bin/", "/usr/bin/", "/x/y/z/", "/a/c", "/abc", "/plain/text"]
        for (pattern, fewest, most) in cases {
            let matcher = try m(pattern)
            XCTAssertEqual(matcher.slashCount.min, fewest, pattern)
            XCTAssertEqual(matcher.slashCount.max, most, pattern)
            for s in samples where matcher.matches(s) {
                let n = s.utf8.filter { $0 == UInt8(ascii: "/") }.count
                XCTAssertTrue(n >= fewest && most.map { n <= $0 } ?? true, "\(pattern) \(s)")
            }
        }
    }

    func testStarStaysInOneComponent() throws {
        let a = try m("/home/*/file")
        XCTAssertTrue(a.matches("/home/alice/file"))
        // A `*` that is a whole path component matches at least one character, as
        // apparmor_parser compiles it (`apparmor_parser -Q -D expr-tree` on '/foo/* r,' prints
        // /foo/[^\x0/]([^\x0/])*).
        XCTAssertFalse(a.matches("/home//file"))
        XCTAssertFalse(try m("/foo/*").matches("/foo/"))
        XCTAssertTrue(try m("/foo/*").matches("/foo/x"))
        // Not a whole component: it may be empty.
        XCTAssertTrue(try m("/foo/*.conf").matches("/foo/.conf"))
        XCTAssertTrue(try m("/foo/a*").matches("/foo/a"))
        XCTAssertFalse(a.matches("/home/a/b/file"))
        XCTAssertFalse(a.matches("/home/alice/file2"))
    }

    func testDoubleStarCrossesSlashes() throws {
        let a = try m("/usr/**")
        XCTAssertTrue(a.matches("/usr/lib/x/y.so"))
        // A whole component: at least one character, not '/' (hence upstream's /usr/{,**}).
        XCTAssertFalse(a.matches("/usr/"))
        XCTAssertFalse(a.matches("/usr//x"))
        XCTAssertFalse(a.matches("/usr"))
        XCTAssertTrue(try m("/usr/{,**}").matches("/usr/"))
        XCTAssertFalse(try m("/**").matches("/"))
        XCTAssertTrue(try m("/{,**}").matches("/"))
        XCTAssertTrue(try m("/usr/**/lib").matches("/usr/x/lib"))
        XCTAssertFalse(try m("/usr/**/lib").matches("/usr//lib"))
        XCTAssertTrue(try m("/{,**/}*.so").matches("/a/b/c.so"))
    }

    func testQuestionMarkAndClasses() throws {
        XCTAssertTrue(try m("/dev/tty?").matches("/dev/tty1"))
        XCTAssertFalse(try m("/dev/tty?").matches("/dev/tty/"))
        XCTAssertTrue(try m("/dev/sd[a-c]").matches("/dev/sdb"))
        XCTAssertFalse(try m("/dev/sd[a-c]").matches("/dev/sdd"))
        XCTAssertTrue(try m("/dev/sd[^a-c]").matches("/dev/sdd"))
        XCTAssertFalse(try m("/dev/sd[^a-c]").matches("/dev/sda"))
    }

    func testAlternationsNestAndMayBeEmpty() throws {
        let a = try m("/usr/{lib,lib{32,64}}/{,x/}libc.so")
        for p in ["/usr/lib/libc.so", "/usr/lib32/x/libc.so", "/usr/lib64/libc.so"] { XCTAssertTrue(a.matches(p), p) }
        XCTAssertFalse(a.matches("/usr/lib16/libc.so"))
    }

    func testEscapes() throws {
        XCTAssertTrue(try m("/a\\*b").matches("/a*b"))
        XCTAssertFalse(try m("/a\\*b").matches("/axb"))
        XCTAssertTrue(try m("/a\\{b").matches("/a{b"))
    }

    func testInvalidPatterns() {
        XCTAssertNotNil(AAREPattern.validate("/a{b,c"))
        XCTAssertNotNil(AAREPattern.validate("/a[bc"))
        XCTAssertNotNil(AAREPattern.validate("/a}b"))
        XCTAssertNotNil(AAREPattern.validate("/usr/{}x"))
        XCTAssertNil(AAREPattern.validate("/usr/{a,b}[0-9]*"))
    }

    func testVariablesExpandToAlternations() throws {
        var t = VariableTable()
        XCTAssertNil(t.assign("HOME", op: "=", values: ["/home/*", "/root"]))
        XCTAssertNil(t.assign("DOTS", op: "=", values: [".config", ".local/share"]))
        let p = try VariableExpander(table: t).expandPattern("@{HOME}/@{DOTS}/**")
        let a = try m(p)
        XCTAssertTrue(a.matches("/home/bob/.config/x"))
        XCTAssertTrue(a.matches("/root/.local/share/y/z"))
        XCTAssertFalse(a.matches("/home/bob/.cache/x"))
        XCTAssertThrowsError(try VariableExpander(table: t).expandPattern("@{NOPE}/x"))
    }

    func testCoverage() throws {
        XCTAssertTrue(try m("/usr/**").covers(m("/usr/lib/*.so")))
        XCTAssertFalse(try m("/usr/lib/*.so").covers(m("/usr/**")))
        XCTAssertTrue(try m("/{a,b}/*").covers(m("/a/x")))
        XCTAssertFalse(try m("/{a,b}/*").covers(m("/c/x")))
        XCTAssertTrue(try m("/dev/sd[a-z]").covers(m("/dev/sd{a,b}")))
        XCTAssertFalse(try m("/dev/sd[a-c]").covers(m("/dev/sd?")))
        XCTAssertTrue(try m("/*").covers(m("/?")))
        XCTAssertFalse(try m("/*").covers(m("/**")))
        XCTAssertTrue(try m("/**").covers(m("/*")))
    }

    func testIntersection() throws {
        XCTAssertTrue(try m("/bin/a*").intersects(m("/bin/*b")))
        XCTAssertFalse(try m("/bin/a*").intersects(m("/sbin/*")))
        XCTAssertFalse(try m("/bin/*").intersects(m("/bin/x/y")))
        XCTAssertTrue(try m("/bin/**").intersects(m("/bin/x/y")))
    }

    /// The search over pairs of NFA states answers as the lazy DFAs do, on every pair.
    func testIntersectionByPairsAgreesWithDFAs() throws {
        let patterns = [
            "/bin/a*", "/bin/*b", "/sbin/*", "/bin/x/y", "/bin/**", "/{usr/,}bin/{dash,bash}", "/usr/bin/bash",
            "/usr/lib*/samba/{,samba/}rpcd_classic", "/usr/lib*/samba/{,samba/}rpcd_{mdssvc,classic}",
            "{/home/*/,/root/}.Private/**", "/home/[a-c]?/x", "/home/b?/*", "/a\\*b", "/a*b", "/**.so",
            "/usr/lib/x.so", "/tmp/[^a]*", "/tmp/a", "/{,**/}*", "",
        ]
        var overlaps = 0
        for a in patterns {
            for b in patterns {
                let (ma, mb) = (try m(a), try m(b))
                let byPairs = ma.intersectsByPairs(mb)
                XCTAssertEqual(byPairs, LazyDFA(ma).intersects(LazyDFA(mb)), "\(a) ∩ \(b)")
                XCTAssertEqual(byPairs, ma.intersects(mb), "\(a) ∩ \(b)")
                if byPairs { overlaps += 1 }
            }
        }
        XCTAssertGreaterThan(overlaps, patterns.count)
        XCTAssertLessThan(overlaps, patterns.count * patterns.count)
    }

    func testNoBacktrackingBlowUp() throws {
        // A pattern that makes backtracking matchers exponential: linear here.
        let pattern = String(repeating: "*a", count: 30) + "b"
        let text = "/" + String(repeating: "a", count: 5000)
        XCTAssertFalse(try m("/" + pattern).matches(text))
        XCTAssertTrue(try m("/" + pattern).matches(text + "b"))
        // One `a` short, the path ends as the pattern does: backtracking would try every way
        // of placing the stars. Its budget runs out and the automaton answers.
        let short = "/" + String(repeating: "a", count: 29) + "b"
        XCTAssertFalse(try m("/" + pattern).matches(short))
        XCTAssertFalse(try m("/{x," + pattern + "}").matches(short))
        XCTAssertFalse(try m("/**/" + pattern).matches("/x" + short))
        XCTAssertTrue(try m("/**/" + pattern).matches("/x/" + text + "b"))
    }

    /// File paths compare as apparmor_parser compiles them: each value of a variable on its
    /// own, then runs of `/` made one (`filter_slashes`), a leading `//` kept. So
    /// `@{etc_ro}/ld.so.cache` (`@{etc_ro}=/etc/ /usr/etc/`) covers `/etc/ld.so.cache`.
    func testFileRulesCompareWithSlashesFiltered() throws {
        let cases = [
            ("/etc//ld.so.cache", "/etc/ld.so.cache"), ("{/etc/,/usr/etc/}/ld.so.cache", "{/etc,/usr/etc}/ld.so.cache"),
            ("/{,usr/}etc//x", "/{,usr/}etc/x"), ("{/,/srv/}/x", "{,/srv}/x"), ("//net/share", "//net/share"),
            ("///x///y", "/x/y"), ("/[/]/x", "/[/]/x"),
            ("/a\\//b", "/a\\/b"),  // filter_slashes knows no escapes
        ]
        for (path, filtered) in cases { XCTAssertEqual(AAREPattern.filterSlashes(path), filtered, path) }
        func rule(_ text: String) throws -> PolicyRule {
            let r = PolicyChecker().check(path: "/t", bytes: Array(("@{etc_ro}=/etc/ /usr/etc/\nprofile t {\n" + text + "\n}\n").utf8))
            return try XCTUnwrap(r.policy.profiles.first?.rules.first, text)
        }
        let base = try rule("@{etc_ro}/ld.so.cache mr,")
        XCTAssertTrue(base.covers(try rule("/etc/ld.so.cache r,")))
        XCTAssertTrue(base.covers(try rule("/usr/etc/ld.so.cache r,")))
        XCTAssertTrue(base.covers(try rule("/etc//ld.so.cache r,")))
        XCTAssertFalse(base.covers(try rule("/etc/ld.so.cachex r,")))
        XCTAssertFalse(try rule("/etc/ld.so.cache r,").covers(base))
    }
}
