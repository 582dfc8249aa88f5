import ArgumentParser
import XCTest
@testable import aaswift

/// `check` and `logprof` read their plain options without the argument parser's reflection
/// (QuickArguments): every command line the quick reading accepts must give the command the
/// argument parser gives, and everything else must be left to the argument parser.
final class QuickArgumentsTests: XCTestCase {
    func testCheckReadsWhatTheArgumentParserReads() throws {
        let lines: [[String]] = [
            ["/etc/apparmor.d"],
            ["--base", "/x", "-I", "a", "-I", "b", "--report", "tsv", "p1", "p2"],
            ["--report=json", "--jobs", "3", "--syntax-only", "f"],
            ["p", "--files-from", "list.txt", "-b", "/y"],
            ["-b", "/x", "--", "-weird", "--base"],
            ["--features", "F", "--Include", "d", "--Include=e", "x"],
            ["-", "x"],
            ["--files-from", "-"],
        ]
        for args in lines {
            let quick = try XCTUnwrap(CheckRun.quick(args), "\(args)")
            XCTAssertEqual(quick, try CheckCommand.parse(args).options, "\(args)")
        }
    }

    func testCheckLeavesTheRestToTheArgumentParser() {
        let lines: [[String]] = [
            ["--help"], ["-h", "x"], ["--version"], ["--base"], ["x", "--base", "a", "--base", "b"],
            ["--bogus", "x"], ["--jobs", "many", "p"], ["--report", "xml", "p"], ["-bI", "x"],
            ["--syntax-only=yes", "x"], ["--base", "--report", "x"], ["--syntax-only", "--syntax-only", "x"],
        ]
        for args in lines { XCTAssertNil(CheckRun.quick(args), "\(args)") }
    }

    func testLogprofReadsWhatTheArgumentParserReads() throws {
        let lines: [[String]] = [
            [],
            ["--allow-all", "--dry-run", "--no-reload", "-d", "/tmp/p", "-f", "/tmp/audit.log"],
            ["--json", "--dir=/p", "--file", "-", "-m", "MARK", "--configdir", "/c"],
            ["--journal", "--since", "today", "--boot", "--no-abstraction", "--local", "-o", "/out"],
            ["--plan-out", "plan.json", "--logmark=x", "--output-dir=/o"],
        ]
        for args in lines {
            let quick = try XCTUnwrap(LogprofRun.quick(args), "\(args)")
            XCTAssertEqual(quick, try LogprofCommand.parse(args).options, "\(args)")
        }
    }

    func testLogprofLeavesTheRestToTheArgumentParser() {
        let lines: [[String]] = [
            ["--help"], ["-f"], ["-f", "a", "-f", "b"], ["stray"], ["--allow-all", "--bogus"],
            ["-d", "--json"], ["--json=yes"],
        ]
        for args in lines { XCTAssertNil(LogprofRun.quick(args), "\(args)") }
    }

    /// The quick path still validates: a command it reads but `validate()` refuses goes to the
    /// argument parser, which reports the usage error (exit 2).
    func testConflictingOptionsStillFailAsUsageErrors() throws {
        let c = try XCTUnwrap(LogprofRun.quick(["--json", "--allow-all"]))
        XCTAssertThrowsError(try c.validate())
        let k = try XCTUnwrap(CheckRun.quick([]))
        XCTAssertThrowsError(try k.validate())
    }

    func testStatusReadsWhatTheArgumentParserReads() throws {
        let lines: [[String]] = [
            [], ["--enabled"], ["--json"], ["--pretty-json", "--show", "profiles"], ["-v", "--profiled"],
            ["--count", "--filter.mode=enforce", "--filter.profiles", "^/usr", "--filter.pid", "1", "--filter.exe", "man"],
            ["-q", "--complaining", "--root", "/tmp/x"], ["--special-unconfined", "--verbose"], ["--process-mixed"],
            ["--kill"], ["--prompt"], ["--enforced", "--show=processes"],
        ]
        for args in lines {
            let quick = try XCTUnwrap(StatusRun.quick(args), "\(args)")
            XCTAssertEqual(quick, try StatusCommand.parse(args).options, "\(args)")
        }
        for args in [["--help"], ["-vq"], ["--show"], ["extra"], ["--json=1"], ["--bogus"]] {
            XCTAssertNil(StatusRun.quick(args), "\(args)")
        }
        XCTAssertThrowsError(try XCTUnwrap(StatusRun.quick(["--profiled", "--kill"])).validate())
    }
}
