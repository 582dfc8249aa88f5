import AppArmorPolicy
import ArgumentParser
import FoundationEssentials
import PolicyAnalysis
import SystemAppArmor

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "List the accesses a new version of a policy grants and revokes.",
        discussion: """
            A semantic diff, not a text diff: both versions are loaded as apparmor_parser \
            loads them (includes and variables resolved), every profile, hat and child is \
            matched by name, and its rules are compared as the policy model reads them. A rule \
            of NEW that OLD's rules already cover (a path under an old glob with the same \
            permissions, `capability chown` beside `capability,`) grants nothing; a permission \
            added to an existing path is granted. Reported: file paths as patterns with the \
            permissions added or removed, exec transitions, capabilities, network, signals, \
            ptrace, dbus, unix, mount and the rest, deny rules dropped (granted) or added \
            (revoked), new and removed profiles, and mode changes (enforce -> complain grants).

            OLD and NEW are two profile files (includes found over the -I folders, then \
            --base, default --dir, default /etc/apparmor.d) or two policy folders (each its own \
            include base, after the -I folders; every profile file at its top level). A \
            profile name or program stands for its file in --dir (as complain finds it): \
            'aaswift diff usr.bin.foo ./usr.bin.foo' compares the installed profile with a \
            new one.

            Exit status: 0 NEW grants nothing OLD did not, 1 NEW grants more (so that CI can \
            refuse a broader profile), 2 a usage error or a file that cannot be loaded.

            Examples:
              aaswift diff usr.bin.foo.orig usr.bin.foo
              aaswift diff --format json /etc/apparmor.d ./apparmor.d-new
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Argument(help: "The old profile file or policy folder.")
    var old: String

    @Argument(help: "The new profile file or policy folder.")
    var new: String

    @OptionGroup var folder: PolicyFolderOptions

    @Option(help: "Output format: text or json.")
    var format: Format = .text

    /// OLD and NEW as files or folders: a profile name or program is resolved in --dir.
    func operands() throws -> (String, String) {
        let policy = folder.folder
        let paths = try [old, new].map { PosixFiles.kind($0) == .missing ? try policy.profileFile($0).file : $0 }
        if PosixFiles.kind(paths[0]) != PosixFiles.kind(paths[1]) { throw ValidationError("compare two files or two folders") }
        return (paths[0], paths[1])
    }

    func validate() throws { _ = try operands() }

    func run() throws {
        let (old, new) = try operands()
        let policy = folder.folder
        let before = PolicySnapshot.load(old, searchPath: policy.searchPath), after = PolicySnapshot.load(new, searchPath: policy.searchPath)
        let problems = before.errors + after.errors
        for e in problems { StandardStream.standardError.write(Data("aaswift diff: \(e)\n".utf8)) }
        if !problems.isEmpty { throw ExitCode(2) }
        let entries = PolicyDiff.compare(old: before, new: after)
        var out = OutputBuffer(fd: 1)
        switch format {
        case .json:
            out.write(JSONOutput.dense([
                "old": .string(old), "new": .string(new),
                "granted": .array(entries.filter { $0.change == .granted }.map(Self.json)),
                "revoked": .array(entries.filter { $0.change == .revoked }.map(Self.json)),
            ]) + "\n")
        case .text:
            var profile: String?
            for e in entries {
                if e.profile != profile {
                    out.write("profile \(e.profile)\n")
                    profile = e.profile
                }
                out.write("  \(e.change == .granted ? "+" : "-") \(e.kind): \(e.access)\(e.location.map { "  (\($0))" } ?? "")\n")
            }
            if entries.isEmpty { out.write("No access granted or revoked.\n") }
        }
        out.flush()
        if entries.contains(where: { $0.change == .granted }) { throw ExitCode(1) }
    }

    static func json(_ e: PolicyDiffEntry) -> JSONOutput {
        .object([("profile", .string(e.profile)), ("kind", .string(e.kind)), ("access", .string(e.access)),
                 ("location", e.location.map(JSONOutput.string) ?? .null)])
    }
}
