import ArgumentParser

/// A reflection-free reading of the command line for the commands run most or measured
/// whole-process against upstream (`check`, `logprof`, `status`, `complain`, `enforce`,
/// `audit`, `disable`).
///
/// Why it stays (static release build, best of 20 runs, wall time, with it and with the
/// argument parser reading the same command line):
/// - start-up, about 1 ms a run (swift-argument-parser works out a command's options by
///   reflecting over its properties): `check` of one small profile 3.05 -> 2.10 ms,
///   `complain --no-reload -d DIR prog` 2.85 -> 2.00 ms, `status` 1.73 -> 0.84 ms;
/// - many arguments: the argument parser's reading takes time quadratic in the number of
///   positional arguments: `check --syntax-only` of 20,000 paths 10.1 -> 0.34 s,
///   `complain --dry-run` of 20,000 targets 14.7 -> 4.6 s.
///
/// Nothing is declared twice without a check: each command's `Table` lists the options of its
/// ArgumentParser declaration, and QuickArgumentsTests derives that list from the argument
/// parser's own description of the command (`_dumpHelp()`, the `--experimental-dump-help`
/// JSON) and requires the two to be equal, so an option added in one place and not the other
/// fails the test; the same test reads every option both ways and compares the results. (The
/// table is not built from the declarations at run time: that is the reflection it avoids.)
///
/// It accepts only what it is sure the argument parser reads the same way: `--name value`,
/// `--name=value`, `-n value`, flags, `--` and positional arguments. Anything else (help,
/// `--version`, an unknown or repeated option, a missing value, a value that looks like an
/// option, bundled short flags) gives nil, and the caller goes through the argument parser,
/// which reports errors with its usage text.
final class QuickArguments {
    enum Kind: Hashable { case flag, option, repeatable }

    /// One option: every name it has (`-b`, `--base`) and what follows it.
    struct Spec: Hashable {
        let names: [String]
        let kind: Kind

        static func flag(_ names: String...) -> Spec { Spec(names: names, kind: .flag) }
        static func option(_ names: String...) -> Spec { Spec(names: names, kind: .option) }
        static func repeatable(_ names: String...) -> Spec { Spec(names: names, kind: .repeatable) }
    }

    /// A command's whole command line: its options and whether it takes positional arguments.
    /// Must list what the command's ArgumentParser declaration does, no more and no less
    /// (QuickArgumentsTests.testEveryTableIsTheArgumentParserDeclaration).
    struct Table {
        let specs: [Spec]
        let positionals: Bool

        init(positionals: Bool, _ specs: [Spec]) {
            self.specs = specs
            self.positionals = positionals
        }

        /// The index of the option that has this name.
        func index(of name: String) -> Int? { specs.firstIndex { $0.names.contains(name) } }
    }

    private let table: Table
    /// What was given, in command-line order: each value (a flag's own name) and the index of
    /// its option in the table. Two flat lists, not a list per option: no array of arrays, whose
    /// generic metadata the runtime would build at start (a tenth of `status --enabled`).
    private var givenValues: [String] = []
    private var givenOptions: [Int] = []
    private(set) var positionals: [String] = []

    init?(_ arguments: [String], _ table: Table) {
        self.table = table
        var i = 0
        var onlyPositionals = false
        while i < arguments.count {
            let arg = arguments[i]
            i += 1
            if onlyPositionals || arg == "-" || !arg.hasPrefix("-") {
                guard table.positionals else { return nil }
                positionals.append(arg)
                continue
            }
            if arg == "--" {
                onlyPositionals = true
                continue
            }
            var name = arg
            var attached: String?
            if arg.hasPrefix("--"), let eq = arg.firstIndex(of: "=") {
                name = String(arg[..<eq])
                attached = String(arg[arg.index(after: eq)...])
            }
            // A list, not a dictionary: a dozen names, and no run-time conformance lookup for a
            // dictionary of specs.
            guard let index = table.index(of: name) else { return nil }
            let kind = table.specs[index].kind
            switch kind {
            case .flag:
                guard attached == nil, !givenOptions.contains(index) else { return nil }
                givenValues.append(name)
            case .option, .repeatable:
                let value: String
                if let attached {
                    value = attached
                } else {
                    guard i < arguments.count, Self.isValue(arguments[i]) else { return nil }
                    value = arguments[i]
                    i += 1
                }
                if kind == .option && givenOptions.contains(index) { return nil }
                givenValues.append(value)
            }
            givenOptions.append(index)
        }
    }

    /// A word the argument parser takes as an option's value: not one that starts with `-`
    /// (other than `-` itself and negative numbers, which it may read either way).
    static func isValue(_ s: String) -> Bool { s == "-" || !s.hasPrefix("-") }

    /// What was given for the option that has this name (any of its names), in order. The
    /// name must be in the table (QuickArgumentsTests reads every option of every table); only
    /// what was given is searched, so a command line of one option costs a handful of
    /// comparisons, not one pass over the table per option read.
    func list(_ name: String) -> [String] {
        assert(table.index(of: name) != nil, "\(name) is not in the table")
        var found: [String] = []
        for (k, option) in givenOptions.enumerated() where table.specs[option].names.contains(name) {
            found.append(givenValues[k])
        }
        return found
    }

    func flag(_ name: String) -> Bool { value(name) != nil }

    func value(_ name: String) -> String? {
        assert(table.index(of: name) != nil, "\(name) is not in the table")
        for k in givenOptions.indices.reversed() where table.specs[givenOptions[k]].names.contains(name) {
            return givenValues[k]
        }
        return nil
    }
}

/// A command's options as a plain value, read by `quick` without the argument parser (nil:
/// leave the command line to the argument parser, `command`, which reports its errors).
protocol QuickCommand: Equatable {
    static var command: any ParsableCommand.Type { get }
    /// The options `quick` reads: those `command` declares.
    static var table: QuickArguments.Table { get }
    static func quick(_ arguments: [String]) -> Self?
    /// The same command line read by the argument parser (`command`).
    static func parsed(_ arguments: [String]) throws -> Self
    func validate() throws
    func run() throws
    /// `quick`, then `validate` and `run`: true when the command ran, false when the command line
    /// is left to the argument parser. A requirement, so that each command's witness runs its
    /// own concrete type: through `any QuickCommand.Type`, `quick`'s `Self?` would make the
    /// runtime build Optional's generic metadata at start (an eighth of `status --enabled`).
    static func runQuick(_ arguments: [String]) throws -> Bool
}

extension QuickCommand {
    static func runQuick(_ arguments: [String]) throws -> Bool {
        guard let command = quick(arguments) else { return false }
        do { try command.validate() } catch { return false }
        try command.run()
        return true
    }
}
