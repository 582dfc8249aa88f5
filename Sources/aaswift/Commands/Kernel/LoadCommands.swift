import ArgumentParser
import FoundationEssentials
import ProfileTools
import SystemAppArmor

/// What load, unload and replace share: the folder and the targets.
struct LoadCommandOptions: ParsableArguments {
    @Option(name: [.short, .customLong("dir")], help: "The profile folder (include path and base).")
    var dir: String = "/etc/apparmor.d"

    @Flag(name: .customLong("dry-run"), help: "Print the apparmor_parser command line and run nothing.")
    var dryRun = false

    @Argument(help: "Profile files, profile names or programs (as complain takes them).")
    var profiles: [String] = []

    /// Resolves every target to its file and runs apparmor_parser once on all of them.
    func run(_ action: PolicyLoadAction) throws {
        guard !profiles.isEmpty else { throw ValidationError("give at least one profile file, profile name or program") }
        let resolver = ModeTargetResolver(folder: dir)
        var files: [String] = []
        var failed = false
        for arg in profiles where !arg.isEmpty {
            switch resolver.resolve(arg) {
            case .success(let t): if !files.contains(t.file) { files.append(t.file) }
            case .failure(let e):
                StandardStream.standardError.write(Data("aaswift: \(e)\n".utf8))
                failed = true
            }
        }
        if failed { throw ExitCode(1) }
        // The flags upstream's systemd unit (rc.apparmor.functions) loads with.
        let extra = action == .remove ? [] : ["--write-cache"]
        let parser = ApparmorParser(extraArguments: extra)
        if dryRun {
            print(([parser.program] + extra + ApparmorParser.arguments(action, files: files, includeDirs: [dir], base: dir)).joined(separator: " "))
            return
        }
        guard AppArmorKernel().isEnabled else {
            StandardStream.standardError.write(Data("aaswift: AppArmor is not enabled on this system; nothing was loaded.\n".utf8))
            throw ExitCode(1)
        }
        let r = try parser.run(action, files: files, includeDirs: [dir], base: dir)
        StandardStream.standardOutput.write(Data(r.standardOutput.utf8))
        StandardStream.standardError.write(Data(r.standardError.utf8))
        if !r.succeeded { throw ExitCode(r.status) }
    }
}

struct LoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Load profiles into the kernel (apparmor_parser -a).",
        discussion: """
            Runs apparmor_parser --write-cache -a -I DIR --base DIR on the targets' files, as \
            the boot-time unit does. A profile already loaded makes it fail: use replace. \
            Exit status: apparmor_parser's.

            Example: aaswift load /etc/apparmor.d/usr.bin.foo
            """
    )
    @OptionGroup var options: LoadCommandOptions
    func run() throws { try options.run(.add) }
}

struct UnloadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unload",
        abstract: "Unload profiles from the kernel (apparmor_parser -R).",
        discussion: """
            Runs apparmor_parser -R -I DIR --base DIR on the targets' files: every profile \
            they define is removed from the kernel. The files stay (use disable to keep them \
            from loading at boot). To unload profiles that have no file, see remove-unknown.
            """
    )
    @OptionGroup var options: LoadCommandOptions
    func run() throws { try options.run(.remove) }
}

struct ReplaceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replace",
        abstract: "Load or replace profiles in the kernel (apparmor_parser -r).",
        discussion: """
            Runs apparmor_parser --write-cache -r -I DIR --base DIR on the targets' files: \
            what complain, enforce and logprof run after changing a file.

            Example: aaswift replace usr.bin.foo
            """
    )
    @OptionGroup var options: LoadCommandOptions
    func run() throws { try options.run(.replace) }
}
