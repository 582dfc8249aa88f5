import AppArmorSyntax
import ArgumentParser
import FoundationEssentials
import SystemAppArmor

struct ParseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Parse policy files and print them back from their syntax trees.",
        discussion: """
            --emit source prints every file back from its tree, in order, concatenated: the \
            output is byte-identical to the input, for any input (a lossless check anyone can \
            run: `aaswift parse --emit source F | cmp - F`).
            --emit tree dumps the concrete syntax tree: one line per node and token, with byte \
            ranges and token text.
            Syntax diagnostics go to stderr; the exit status is 1 when any file has a syntax \
            error (with --emit source, only when --strict is given).
            """
    )

    enum Emit: String, ExpressibleByArgument, CaseIterable {
        case source, tree, diagnostics
    }

    @Option(name: .long, help: "What to print: source, tree or diagnostics.")
    var emit: Emit = .tree

    @Flag(name: .long, help: "With --emit source: exit 1 when a file has syntax errors.")
    var strict = false

    @Option(name: .long, help: ArgumentHelp("Read more file names, one per line, from FILE ('-' for standard input).", valueName: "FILE"))
    var filesFrom: String?

    @Argument(help: "Files to parse ('-' for standard input).")
    var files: [String] = []

    func validate() throws {
        if files.isEmpty && filesFrom == nil { throw ValidationError("give at least one file, or --files-from") }
    }

    func run() throws {
        let files = try self.files + FileList.read(filesFrom)
        var failed = false
        var out = OutputBuffer(fd: 1)
        defer { out.flush() }
        for path in files {
            let bytes: [UInt8]
            do {
                bytes = try readInput(path)
            } catch {
                out.flush()
                StandardStream.standardError.write(Data("aaswift: \(path): \(describeError(error))\n".utf8))
                throw ExitCode(2)
            }
            let result = Parser.parse(path: path, bytes: bytes)
            switch emit {
            case .source:
                result.root.forEachToken { out.write(result.source.bytes[$0.fullRange]) }
            case .tree:
                out.write(TreeDump.dump(result))
            case .diagnostics:
                break
            }
            if emit != .source || strict {
                let color = Terminal.useColor(StandardStream.standardError)
                for d in result.diagnostics {
                    StandardStream.standardError.write(Data(d.rendered(in: result.source, color: color).utf8))
                }
                if result.hasErrors { failed = true }
            }
        }
        if failed { throw ExitCode(1) }
    }
}

