import ArgumentParser
import Foundation
import XCTest
@testable import aaswift

/// `check`, `logprof`, `status` and the mode commands read their plain options without the
/// argument parser's reflection (QuickArguments): each one's table must be its ArgumentParser
/// declaration, every command line the quick reading accepts must give the command the argument
/// parser gives, and everything else must be left to the argument parser.
final class QuickArgumentsTests: XCTestCase {
    /// Every subcommand with a quick reading, by name.
    private var quickCommands: [(String, any QuickCommand.Type)] {
        AASwift.configuration.subcommands.compactMap { sub in
            sub.configuration.commandName.flatMap { name in AASwift.quickCommand(name).map { (name, $0) } }
        }
    }

    /// A command's options as the argument parser itself describes them (the JSON of
    /// `--experimental-dump-help`), without the help and version flags it adds to every command:
    /// the table QuickArguments must hold.
    private func declaredTable(of command: any ParsableCommand.Type) throws -> (specs: Set<QuickArguments.Spec>, positionals: Bool, values: [String: [String]]) {
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(command._dumpHelp().utf8)) as? [String: Any])
        let arguments = try XCTUnwrap((json["command"] as? [String: Any])?["arguments"] as? [[String: Any]])
        var specs: Set<QuickArguments.Spec> = []
        var positionals = false
        var values: [String: [String]] = [:]
        for argument in arguments {
            let kind = try XCTUnwrap(argument["kind"] as? String)
            if kind == "positional" { positionals = true; continue }
            let names = try XCTUnwrap(argument["names"] as? [[String: String]]).map { name in
                switch name["kind"] {
                case "short": "-" + (name["name"] ?? "")
                case "longWithSingleDash": "-" + (name["name"] ?? "")
                default: "--" + (name["name"] ?? "")
                }
            }
            if names == ["-h", "--help"] || names == ["--version"] { continue }
            let repeating = argument["isRepeating"] as? Bool ?? false
            XCTAssertTrue(kind == "flag" || kind == "option", "\(command): \(names) is a \(kind)")
            XCTAssertFalse(kind == "flag" && repeating, "\(command): \(names) is a counted flag")
            specs.insert(QuickArguments.Spec(names: names.sorted(), kind: kind == "flag" ? .flag : repeating ? .repeatable : .option))
            if let all = argument["allValues"] as? [String] { values[names[0]] = all }
        }
        return (specs, positionals, values)
    }

    /// Adding an option to a command's ArgumentParser declaration and not to its quick table
    /// (or the other way round) fails here.
    func testEveryTableIsTheArgumentParserDeclaration() throws {
        XCTAssertEqual(quickCommands.map(\.0).sorted(), ["audit", "check", "complain", "disable", "enforce", "logprof", "status"])
        for (name, type) in quickCommands {
            let declared = try declaredTable(of: type.command)
            let table = type.table
            XCTAssertEqual(Set(table.specs.map { QuickArguments.Spec(names: $0.names.sorted(), kind: $0.kind) }), declared.specs, name)
            XCTAssertEqual(table.specs.count, declared.specs.count, "\(name): options in the table, in the declaration")
            XCTAssertEqual(table.positionals, declared.positionals, name)
        }
    }

    /// Each option of each table alone, by each of its names (twice for a repeatable one), with
    /// a value the argument parser accepts: both readings give the same command, or both refuse
    /// it (an option that needs another). So a table entry that `quick` does not read fails.
    func testEveryOptionIsReadAsTheArgumentParserReadsIt() throws {
        for (_, type) in quickCommands { try readEveryOption(type) }
    }

    /// Thousands of paths or targets (`aaswift check $(find ...)`) are read here, not by the
    /// argument parser, whose reading is quadratic in their number (20,000 paths: 10 s).
    func testManyPositionalArgumentsAreReadQuickly() throws {
        let paths = (0..<20_000).map { "p\($0)" }
        XCTAssertEqual(try XCTUnwrap(CheckRun.quick(["--jobs", "1"] + paths)).paths, paths)
        XCTAssertEqual(try XCTUnwrap(ComplainRun.quick(paths + ["--dry-run"])).mode.options.programs, paths)
    }

    private func readEveryOption<C: QuickCommand>(_ type: C.Type) throws {
        let declared = try declaredTable(of: C.command)
        let target = C.table.positionals ? ["target"] : []
        XCTAssertEqual(C.quick(target), try C.parsed(target), "\(C.self): defaults")
        for spec in C.table.specs {
            for name in spec.names {
                var candidates: [[String]] = [[name]]
                if spec.kind != .flag {
                    // A choice, a version, a number, a readable file (--abi): the first the
                    // argument parser takes.
                    let values = (spec.names.lazy.compactMap { declared.values[$0]?.last }.first.map { [$0] } ?? [])
                        + ["4.0", "2", #filePath]
                    candidates = values.map { value in
                        guard spec.kind == .repeatable else { return [name, value] }
                        // QuickArguments reads `=` after long names only (else: nil).
                        return name.hasPrefix("--") ? [name, value, "\(name)=x\(value)"] : [name, value, name, "x" + value]
                    }
                }
                let accepted = candidates.lazy.compactMap { line in (try? C.parsed(line + target)).map { (line + target, $0) } }.first
                if let (line, parsed) = accepted {
                    XCTAssertEqual(C.quick(line), parsed, "\(C.self) \(line)")
                } else if let quick = C.quick(candidates[0] + target) {
                    XCTAssertThrowsError(try quick.validate(), "\(C.self) \(candidates[0]): the argument parser refuses it")
                }
            }
        }
    }

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
            ["-d", "/p", "-I", "i", "usr.bin.foo"],
            ["--dir=/p", "--base", "/b", "x"],
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
            ["--follow", "--source", "journal", "--abi", #filePath, "--features-file", #filePath, "--parser-version", "3.0"],
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
