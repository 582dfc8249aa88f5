import AppArmorEdit
import ArgumentParser
import FoundationEssentials
import ProfileTools
import AppArmorPolicy

struct AutodepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "autodep",
        abstract: "Create a first profile for programs.",
        discussion: "Writes a minimal profile (`profile NAME /path`, the base abstraction, the program itself; a script's interpreter) for each program that has none, in complain mode unless --enforce is given. Its `abi` line is the newest the installed apparmor_parser reads."
    )

    @Option(name: [.customShort("d"), .customLong("dir")], help: "The profile folder (default: /etc/apparmor.d).")
    var dir: String = "/etc/apparmor.d"
    @Flag(name: .long, help: "Overwrite an existing profile file.")
    var force = false
    @Flag(name: .long, help: "Print the new profiles instead of writing them.")
    var dryRun = false
    @Flag(name: .long, help: "Create the profiles in complain mode (the default, as upstream's aa-autodep).")
    var complain = false
    @Flag(name: .long, help: "Create the profiles in enforce mode instead.")
    var enforce = false
    @OptionGroup var target: RuleTargetFlags
    @Argument(help: "Programs (paths, or names on PATH).")
    var programs: [String] = []

    func validate() throws {
        if programs.isEmpty { throw ValidationError("give at least one program") }
        if complain && enforce { throw ValidationError("--complain and --enforce cannot be used together") }
    }

    var flags: [String] { enforce ? [] : ["complain"] }

    func run() throws {
        var failed = false
        for arg in programs {
            do {
                let path = try GenprofSetup.resolveProgram(arg)
                if dryRun {
                    let parser = RuleTargets(options: target.options, profileDir: dir).parser
                    print(AutodepProfile(program: path, flags: flags, abi: AutodepProfile.abi(in: dir, parser: parser)).text, terminator: "")
                    continue
                }
                let policy = LogprofPolicy(dir: dir)
                if !force, let existing = policy.profileName(forProgram: path) {
                    print("Profile for \(path) already exists (\(existing)) - skipping.")
                    continue
                }
                let p = try GenprofSetup.autodep(program: path, dir: dir, flags: flags, force: force, target: target.options)
                print("Writing profile for \(path) to \(PathNames.appending(dir, p.fileName)).")
            } catch {
                StandardStream.standardError.write(Data("aaswift autodep: \(error)\n".utf8))
                failed = true
            }
        }
        if failed { throw ExitCode(1) }
    }
}
