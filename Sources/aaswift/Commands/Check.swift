import AppArmorPolicy
import AppArmorSyntax
import ArgumentParser
import FoundationEssentials
import ProfileTools
import SystemAppArmor
#if canImport(Glibc)
import Glibc
#endif

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check profiles for errors, as apparmor_parser would.",
        discussion: """
            Loads each profile as apparmor_parser does, without compiling it: includes resolved \
            (<magic> over -I folders then --base; quoted names against the current folder), \
            variables and conditionals evaluated, every rule typed and validated. An error in \
            one file (or abstraction) never stops the others from being checked.

            Each PATH is a file, or a folder: for a policy tree (a folder with abstractions/ or \
            tunables/) the profiles at its top level, otherwise every file below it (dot files \
            and packaging leftovers such as *.dpkg-new, *.rpmsave and *~ are skipped). A PATH \
            that is no file is a profile name or a program, whose profile file is looked up in \
            --dir (default /etc/apparmor.d) as complain finds it; --base defaults to --dir.

            Where the language's meaning changed between apparmor_parser versions (exec-mode \
            conflicts, where 'priority=' may stand, what a condition may say), the policy is \
            judged as the parser it is written for judges it: --parser-version, else the \
            installed apparmor_parser's version, else the profile's abi statement; the message \
            names the version.

            Reports:
              text  compiler-style diagnostics on stderr (file:line:col: error: ... [AAxxxx])
              tsv   one line per file on stdout: path<TAB>PASS|FAIL<TAB>first diagnostic
              json  one JSON object per file on stdout

            Exit status: 0 every file passes, 1 any file fails, other on a usage error.
            """
    )

    enum Report: String, ExpressibleByArgument, CaseIterable { case text, tsv, json }

    @Flag(name: .long, help: "Check syntax only (no includes, variables or rule validation).")
    var syntaxOnly = false

    @OptionGroup var folder: PolicyFolderOptions

    @Option(name: .long, help: "A kernel feature ABI file (as in parser/tst/features_files).")
    var features: String?

    @OptionGroup var version: ParserVersionFlag

    @Option(name: .long, help: "Files checked at once (default: the number of processors; 1: a single thread).")
    var jobs: Int?

    @Option(name: .long, help: "Report format: text, tsv or json.")
    var report: Report = .text

    @Option(name: .long, help: ArgumentHelp("Read more paths, one per line, from FILE ('-' for standard input).", valueName: "FILE"))
    var filesFrom: String?

    @Argument(help: "Profile files or folders.")
    var paths: [String] = []

    /// What the command line asks for, as a plain value (the argument parser's property
    /// wrappers are not touched again).
    var options: CheckRun {
        CheckRun(syntaxOnly: syntaxOnly, folder: folder.folder, features: features, jobs: jobs,
                 parserVersion: version.parserVersion, report: report, filesFrom: filesFrom, paths: paths)
    }

    func validate() throws { try options.validate() }

    func run() throws { try options.run() }
}

/// `aaswift check` once its command line is read: by the argument parser (`CheckCommand`) or,
/// for the plain forms, by `quick` without it.
struct CheckRun: QuickCommand, Equatable {
    static var command: any ParsableCommand.Type { CheckCommand.self }

    var syntaxOnly = false
    var folder = PolicyFolder()
    var features: String?
    var jobs: Int?
    var parserVersion: String?
    var report: CheckCommand.Report = .text
    var filesFrom: String?
    var paths: [String] = []

    static let table = QuickArguments.Table(positionals: true, [
        .flag("--syntax-only"), .repeatable("-I", "--Include"), .option("-b", "--base"), .option("-d", "--dir"), .option("--features"),
        .option("--jobs"), .option("--parser-version"), .option("--report"), .option("--files-from"),
    ])

    /// The command line read without the argument parser's reflection (see `QuickArguments`),
    /// or nil when the argument parser must read it.
    static func quick(_ arguments: [String]) -> CheckRun? {
        guard let a = QuickArguments(arguments, table) else { return nil }
        var c = CheckRun(syntaxOnly: a.flag("--syntax-only"),
                         folder: PolicyFolder(includeDirs: a.list("--Include"), base: a.value("--base"), dir: a.value("--dir")),
                         features: a.value("--features"), parserVersion: a.value("--parser-version"),
                         filesFrom: a.value("--files-from"), paths: a.positionals)
        if let j = a.value("--jobs") {
            guard let n = Int(j) else { return nil }
            c.jobs = n
        }
        if let r = a.value("--report") {
            guard let v = CheckCommand.Report(rawValue: r) else { return nil }
            c.report = v
        }
        return c
    }

    static func parsed(_ arguments: [String]) throws -> CheckRun { try CheckCommand.parse(arguments).options }

    func validate() throws {
        if paths.isEmpty && filesFrom == nil { throw ValidationError("give at least one file or folder, or --files-from") }
    }

    func run() throws {
        let files = try folder.files(paths + FileList.read(filesFrom))
        var featureSet: FeatureSet?
        if let features {
            do { featureSet = try FeatureSet(contentsOf: features) } catch {
                throw ValidationError("\(features): cannot read the feature file")
            }
        }
        let checker = PolicyChecker(options: CheckOptions(
            searchPath: folder.searchPath, features: featureSet,
            parserVersion: syntaxOnly ? nil : try ParserVersionFlag.resolve(parserVersion)))
        var anyFailed = false
        let color = Terminal.useColor(fd: 2)
        var stdout = ""
        // Files on disk are checked on several threads, then reported in order.
        let onDisk = syntaxOnly ? [] : files.filter { $0 != "-" }
        let reports = Dictionary(zip(onDisk, checker.checkAll(onDisk, workers: jobs ?? Processors.available)),
                                 uniquingKeysWith: { a, _ in a })
        for file in files {
            let diags: [PolicyDiagnostic]
            if file == "-" || syntaxOnly {
                let bytes: [UInt8]
                do {
                    bytes = try readInput(file)
                } catch {
                    anyFailed = true
                    let msg = "\(file): error: \(describeError(error))"
                    switch report {
                    case .text: StandardStream.standardError.write(Data("aaswift: \(msg)\n".utf8))
                    case .tsv: stdout += "\(file)\tFAIL\t\(msg)\n"
                    case .json: stdout += JSONOutput.dense(["path": .string(file), "result": .string("FAIL"), "diagnostics": .array([.string(msg)])]) + "\n"
                    }
                    continue
                }
                diags = syntaxOnly ? PolicyChecker.checkSyntax(Parser.parse(path: file, bytes: bytes))
                    : checker.check(path: file, bytes: bytes).diagnostics
            } else {
                diags = reports[file]?.diagnostics ?? checker.check(path: file).diagnostics
            }
            let failed = diags.contains { $0.isError }
            if failed { anyFailed = true }
            switch report {
            case .text:
                for d in diags {
                    StandardStream.standardError.write(Data(d.rendered(color: color).utf8))
                }
            case .tsv:
                let first = diags.first(where: \.isError).map { $0.oneLine } ?? ""
                stdout += "\(file)\t\(failed ? "FAIL" : "PASS")\t\(first)\n"
            case .json:
                let list: [JSONOutput] = diags.map { d in
                    let loc = d.location
                    return .object([
                        ("id", .string(d.diagnostic.id.rawValue)), ("severity", .string(d.diagnostic.severity.rawValue)),
                        ("message", .string(d.diagnostic.message)), ("file", .string(d.source.path)),
                        ("line", .integer(loc.line)), ("column", .integer(loc.column)),
                        ("offset", .integer(d.diagnostic.range.lowerBound)), ("length", .integer(d.diagnostic.range.count)),
                        ("notes", .array(d.diagnostic.notes.map { .string($0) })),
                    ])
                }
                stdout += JSONOutput.dense(["path": .string(file), "result": .string(failed ? "FAIL" : "PASS"), "diagnostics": .array(list)]) + "\n"
            }
            if stdout.utf8.count > 1 << 16 {
                StandardStream.standardOutput.write(Data(stdout.utf8))
                stdout = ""
            }
        }
        StandardStream.standardOutput.write(Data(stdout.utf8))
        // Everything is written: exit now rather than free the loaded policy piece by piece
        // (a sixth of a whole check of /etc/apparmor.d).
        Glibc.exit(anyFailed ? 1 : 0)
    }
}

/// Turns the paths given on the command line into the list of files to check.
enum PolicyFiles {
    /// The profile file of a profile name or program, found in `folder` as complain and
    /// cleanprof find it (`ModeTargetResolver`).
    static func resolveName(_ name: String, in folder: String) throws -> ModeTarget {
        switch ModeTargetResolver(folder: folder).resolve(name) {
        case .success(let t): return t
        case .failure(let e): throw ValidationError("\(name): no such file or folder, nor a profile of \(folder) (\(e))")
        }
    }

    /// Whether a file is a program rather than policy: an ELF binary, a script (`#!`), or
    /// bytes with a NUL in their first 4 KiB.
    static func isProgram(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var head = [UInt8](repeating: 0, count: 4096)
        let n = head.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return false }
        let b = head[..<n]
        return b.starts(with: [0x7F, 0x45, 0x4C, 0x46]) || b.starts(with: [0x23, 0x21]) || b.contains(0)
    }

    static func isSkippable(_ name: String) -> Bool {
        PolicyFileCache.isSkippable(name) || name == "README"
    }

    /// The files of each path: a file, a folder's profiles, and with `folder`, the file of a
    /// profile name or program (an argument that is no file), as `resolveName` finds it.
    static func expand(_ paths: [String], resolvingNamesIn folder: String? = nil) throws -> [String] {
        var out: [String] = []
        for path in paths {
            switch PosixFiles.kind(path) {
            case .missing:
                if path == "-" { out.append(path); continue }
                guard let folder else { throw ValidationError("\(path): no such file or folder") }
                out.append(try resolveName(path, in: folder).file)
            case .file:
                // A program named by its path (`lint /usr/sbin/smbd`) means its profile.
                if let folder, isProgram(path), let t = try? resolveName(path, in: folder) {
                    out.append(t.file)
                } else {
                    out.append(path)
                }
            case .directory:
                let prefix = path.hasSuffix("/") ? path : path + "/"
                let isPolicyTree = PosixFiles.kind(prefix + "tunables") != .missing || PosixFiles.kind(prefix + "abstractions") != .missing
                if isPolicyTree {
                    out += (PosixFiles.fileNames(in: path) ?? []).filter { !isSkippable($0) }.sorted().map { prefix + $0 }
                } else {
                    out += PosixFiles.files(below: path, skipping: isSkippable).sorted().map { prefix + $0 }
                }
            }
        }
        return out
    }
}
