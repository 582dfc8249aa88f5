import AppArmorEdit
import AppArmorPolicy
import AppArmorSyntax
import ArgumentParser
import FoundationEssentials
import SystemAppArmor

struct FmtCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fmt",
        abstract: "Lay profiles out canonically (opt-in): indentation, one rule a line, spacing.",
        discussion: """
            Rewrites only the layout: two spaces of indentation a nesting level (as upstream's \
            profiles), one statement a line, one space between the words of a rule and none \
            before its ',', flag lists as flags=(a, b), comments kept on their lines and \
            indented with the rule they precede; a line that continues a rule stays a line of \
            its own, one level deeper. With --sort-perms, file permissions are written in \
            apparmor's order (mixr -> mrix). Formatting twice changes nothing.

            The meaning never changes: the result must lex to the same tokens and load to the \
            same policy model (profiles, typed rules, variables), else the file is left as it \
            is and reported. So is a file that does not parse (its first error is named). Files are written atomically under the folder's lock, refusing a \
            file changed since it was read.

            Each PATH is a profile file, a folder (every file below it), or a profile name or \
            program whose file is found in --dir as complain finds it; default: --dir \
            (/etc/apparmor.d). Includes are found over the -I folders, then --base (default: \
            --dir, else the folder given, else /etc/apparmor.d).

            --check writes nothing and exits 1 when a file would change; --dry-run prints the \
            unified diff and writes nothing. Exit status: 0 done (or nothing to change), 1 a \
            file would change (--check) or could not be formatted or written, 2 a usage error.

            Examples:
              aaswift fmt --check /etc/apparmor.d
              aaswift fmt --dry-run --sort-perms ./profiles/usr.bin.foo
            """
    )

    @Argument(help: "Profile files, folders or profile names (default: --dir).")
    var paths: [String] = []

    @Flag(help: "Write nothing; exit 1 when a file would change.")
    var check = false

    @Flag(name: .customLong("dry-run"), help: "Print the unified diff and write nothing.")
    var dryRun = false

    @Flag(name: .customLong("sort-perms"), help: "Write file permissions in apparmor's order (mrwalk, then the exec mode).")
    var sortPerms = false

    @OptionGroup var folder: PolicyFolderOptions

    func run() throws {
        let policy = folder.folder
        let targets = paths.isEmpty ? [policy.profileFolder] : paths
        let files = try policy.files(targets).filter { $0 != "-" }
        let folderArg = targets.first { PosixFiles.kind($0) == .directory }
        let checker = PolicyChecker(options: CheckOptions(searchPath: policy.searchPath(base: policy.dir ?? folderArg ?? PolicyFolder.defaultFolder)))
        let formatter = ProfileFormatter(sortPermissions: sortPerms)
        var failed = false, wouldChange = false
        var out = OutputBuffer(fd: 1)
        for file in files {
            let edited: EditedFile
            do {
                edited = try formatter.format(path: file, bytes: try readInput(file), checker: checker)
            } catch {
                StandardStream.standardError.write(Data("aaswift fmt: \(file): \(error)\n".utf8))
                failed = true
                continue
            }
            guard edited.hasChanges else { continue }
            wouldChange = true
            if check {
                out.write("\(file): would be reformatted\n")
            } else if dryRun {
                out.write((try? edited.diff()) ?? "")
            } else {
                do {
                    let folder = PathNames.parent(file)
                    let lock = try FolderLock(folder: folder)
                    try edited.write()
                    withExtendedLifetime(lock) {}
                    out.write("\(file): reformatted\n")
                } catch {
                    StandardStream.standardError.write(Data("aaswift fmt: \(file): \(error)\n".utf8))
                    failed = true
                }
            }
        }
        out.flush()
        if failed || (check && wouldChange) { throw ExitCode(1) }
    }
}
