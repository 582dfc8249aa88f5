import ArgumentParser

/// A reflection-free reading of the command line for the commands whose whole-process time is
/// measured against upstream (`check`, `logprof`). swift-argument-parser works out a command's
/// options by reflecting over its properties, about 1.5 ms of a 10 ms run; this reads the plain
/// forms of the same options from a table instead.
///
/// It accepts only what it is sure the argument parser reads the same way: `--name value`,
/// `--name=value`, `-n value`, flags, `--` and positional arguments. Anything else (help,
/// `--version`, an unknown or repeated option, a missing value, a value that looks like an
/// option, bundled short flags) gives nil, and the caller goes through the argument parser,
/// which reports errors with its usage text. A test checks that both read every accepted
/// command line alike.
struct QuickArguments {
    enum Kind { case flag, option, repeatable }

    struct Spec {
        let key: String
        let names: [String]
        let kind: Kind

        static func flag(_ key: String, _ names: String...) -> Spec { Spec(key: key, names: names, kind: .flag) }
        static func option(_ key: String, _ names: String...) -> Spec { Spec(key: key, names: names, kind: .option) }
        static func repeatable(_ key: String, _ names: String...) -> Spec { Spec(key: key, names: names, kind: .repeatable) }
    }

    private(set) var flags: Set<String> = []
    private(set) var values: [String: [String]] = [:]
    private(set) var positionals: [String] = []

    init?(_ arguments: [String], _ specs: [Spec]) {
        var i = 0
        var onlyPositionals = false
        while i < arguments.count {
            let arg = arguments[i]
            i += 1
            if onlyPositionals || arg == "-" || !arg.hasPrefix("-") {
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
            guard let spec = specs.first(where: { $0.names.contains(name) }) else { return nil }
            switch spec.kind {
            case .flag:
                guard attached == nil, flags.insert(spec.key).inserted else { return nil }
            case .option, .repeatable:
                let value: String
                if let attached {
                    value = attached
                } else {
                    guard i < arguments.count, Self.isValue(arguments[i]) else { return nil }
                    value = arguments[i]
                    i += 1
                }
                if spec.kind == .option && values[spec.key] != nil { return nil }
                values[spec.key, default: []].append(value)
            }
        }
    }

    /// A word the argument parser takes as an option's value: not one that starts with `-`
    /// (other than `-` itself and negative numbers, which it may read either way).
    static func isValue(_ s: String) -> Bool { s == "-" || !s.hasPrefix("-") }

    func flag(_ key: String) -> Bool { flags.contains(key) }
    func value(_ key: String) -> String? { values[key]?.last }
    func list(_ key: String) -> [String] { values[key] ?? [] }
}

/// A command's options as a plain value, read by `quick` without the argument parser (nil:
/// leave the command line to the argument parser, `command`, which reports its errors).
protocol QuickCommand {
    static var command: any ParsableCommand.Type { get }
    static func quick(_ arguments: [String]) -> Self?
    func validate() throws
    func run() throws
}
