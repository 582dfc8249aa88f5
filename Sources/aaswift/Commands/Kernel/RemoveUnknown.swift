import ArgumentParser
import FoundationEssentials
import ProfileTools
import SystemAppArmor
#if canImport(Glibc)
import Glibc
#endif

struct RemoveUnknownCommand: ParsableCommand, UpstreamUsageStatus {
    static let configuration = CommandConfiguration(
        commandName: "remove-unknown",
        abstract: "Unload profiles that no file of the policy folder defines (aa-remove-unknown).",
        discussion: """
            Reads the loaded profiles from securityfs, the profile names (with hats and child \
            profiles) that the folder's files define, and unloads every loaded profile that \
            is not among them, children first. libvirt's libvirt-UUID profiles stay, and so \
            do those --keep matches (a shell pattern, repeatable). With -n nothing is \
            unloaded: the list is printed as 'Would remove ...'. Messages and exit status are \
            upstream's: 1 when the profiles cannot be read, the remove file cannot be written \
            (a run without -n; upstream checks it for -n too), a profile cannot be removed, or \
            on a usage error.

            Example: aaswift remove-unknown -n --keep 'snap.*'
            """
    )

    @Flag(name: [.customShort("n"), .customLong("dry-run")], help: "List what would be unloaded; unload nothing.")
    var dryRun = false

    @Option(name: [.short, .customLong("dir")], help: "The policy folder.")
    var dir: String = "/etc/apparmor.d"

    @Option(name: .customLong("keep"), help: "Keep loaded profiles whose name matches this pattern.")
    var keep: [String] = []

    @Flag(help: "Print the names as JSON.")
    var json = false

    func run() throws {
        let kernel = AppArmorKernel()
        let loaded: [LoadedProfile]
        switch kernel.loadedProfiles() {
        case .success(let l): loaded = l
        case .failure:
            StandardStream.standardError.write(Data("ERROR: Unable to read apparmorfs profiles file\n".utf8))
            throw ExitCode(1)
        }
        // As upstream: a run that would unload checks first that it may (-n only reads).
        if !dryRun, let mnt = kernel.mountPoint, access(mnt + "/.remove", W_OK) != 0 {
            StandardStream.standardError.write(Data("ERROR: Unable to write to apparmorfs remove file\n".utf8))
            throw ExitCode(1)
        }
        let orphans = RemoveUnknown.orphans(loaded: loaded, known: RemoveUnknown.knownNames(folder: dir), keep: keep)
        var failures: [String] = []
        for name in orphans {
            if !json { print(dryRun ? "Would remove '\(name)'" : "Removing '\(name)'") }
            if !dryRun, let e = kernel.removeProfile(named: name) { failures.append("\(name): \(e)") }
        }
        if json {
            print(JSONOutput.dense(["removed": .array(dryRun ? [] : orphans.map(JSONOutput.string)),
                               "would_remove": .array(dryRun ? orphans.map(JSONOutput.string) : []),
                               "errors": .array(failures.map(JSONOutput.string))]))
        }
        for f in failures { StandardStream.standardError.write(Data("aaswift: cannot remove \(f)\n".utf8)) }
        if !failures.isEmpty { throw ExitCode(1) }
    }
}
