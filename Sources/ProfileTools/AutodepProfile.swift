import AppArmorSyntax
import AppArmorEdit
import AppArmorSyntax
import AuditLog
import FoundationEssentials
import SystemAppArmor
import AppArmorPolicy

/// A new, minimal profile for a program, as `autodep` writes it: `profile NAME /path`, the
/// base abstraction, the program itself `mr`; for a script, its interpreter (`ix`) and the
/// interpreter's abstraction, as upstream does.
public struct AutodepProfile: Sendable, Equatable {
    public var name: String
    public var program: String
    public var fileName: String
    public var text: String
    public var interpreter: String?

    /// Builds the profile; `flags` such as `complain`.
    public init(program: String, flags: [String] = [], abi: String? = "abi/4.0") {
        self.program = program
        let base = PathNames.lastComponent(program)
        name = base
        fileName = String(program.drop(while: { $0 == "/" })).replacing("/", with: ".")
        var includes = ["abstractions/base"]
        var rules = [CanonicalPrinter.file(program, permissions: "mr")]
        interpreter = Self.interpreter(of: program)
        if let interp = interpreter {
            rules.append(CanonicalPrinter.file(interp, permissions: "ix"))
            rules[0] = CanonicalPrinter.file(program, permissions: "r")
            if let a = Self.abstraction(forInterpreter: interp) { includes.append(a) }
        }
        let p = NewProfile(name: base, attachment: program, flags: flags, includes: includes, rules: rules)
        text = CanonicalPrinter.file(abi: abi, profiles: [p])
    }

    /// The newest `abi/N.M` file in a policy folder that the installed parser reads (`parser`
    /// nil: any), `abi/4.0` where the folder has none, so that a new profile loads with the
    /// apparmor_parser that ships with that policy (Debian 12's 3.0.8 has no abi/4.0).
    public static func abi(in dir: String, parser: ParserVersion? = nil) -> String? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: PathNames.appending(dir, "abi"))) ?? []
        func version(_ n: String) -> [Int]? {
            let parts = n.split(separator: ".")
            guard parts.count == 2, let a = Int(parts[0]), let b = Int(parts[1]) else { return nil }
            if let parser, parser < ParserVersion(a, b) { return nil }
            return [a, b]
        }
        let best = names.compactMap { n in version(n).map { (n, $0) } }.max { $0.1.lexicographicallyPrecedes($1.1) }
        if let best { return "abi/" + best.0 }
        guard names.isEmpty else { return nil }
        return RuleTarget(parser: parser).allows(.abi40) ? "abi/4.0" : nil
    }

    /// The interpreter of a `#!` script (the program after `env`, found on PATH).
    public static func interpreter(of path: String) -> String? {
        guard let head = PosixFiles.readPrefix(path, upTo: 256) else { return nil }
        guard head.starts(with: Array("#!".utf8)) else { return nil }
        let line = String(decoding: head.dropFirst(2).prefix { $0 != 0x0A }, as: UTF8.self)
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard var interp = words.first else { return nil }
        if PathNames.lastComponent(interp) == "env", words.count > 1 {
            let prog = words[1]
            interp = SystemPrograms.find(prog) ?? "/usr/bin/" + prog
        }
        return URL(fileURLWithPath: interp).resolvingSymlinksInPath().path
    }

    static func abstraction(forInterpreter i: String) -> String? {
        let n = PathNames.lastComponent(i)
        if ["bash", "sh", "dash", "zsh", "ksh"].contains(n) { return "abstractions/bash" }
        if n.hasPrefix("python") { return "abstractions/python" }
        if n.hasPrefix("perl") { return "abstractions/perl" }
        if n.hasPrefix("ruby") { return "abstractions/ruby" }
        if n == "php" { return "abstractions/php" }
        return nil
    }
}

extension LogprofSession {
    /// Queues a new profile for an exec target that has none (upstream's "create one?"), in
    /// complain mode as upstream's autodep makes it: an enforce-mode stub would break the program.
    public func createProfile(for program: String) -> String? {
        let p = AutodepProfile(program: program, flags: ["complain"], abi: AutodepProfile.abi(in: policy.dir, parser: policy.targets.parser))
        let file = policy.dir + "/" + p.fileName
        guard !FileManager.default.fileExists(atPath: file) else { return nil }
        record(LogprofChange(kind: .newProfile, file: file, profile: p.name, text: p.text, family: .profile)) { _ in }
        return "Creating a profile for \(program) in \(file)."
    }
}
