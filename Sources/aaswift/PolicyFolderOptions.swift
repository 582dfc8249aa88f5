import AppArmorPolicy
import ArgumentParser
import ProfileTools
import SystemAppArmor

/// `-I/--Include DIR`, `-b/--base DIR`, `-d/--dir DIR`: where a command finds includes and
/// profiles. One declaration for `check`, `lint`, `explain`, `diff` and `fmt`.
struct PolicyFolderOptions: ParsableArguments {
    @Option(name: [.customShort("I"), .customLong("Include")], help: ArgumentHelp(
        "Add a folder to the include search path (searched for <magic> includes before --base); repeatable.", valueName: "DIR"))
    var includeDirs: [String] = []

    @Option(name: [.short, .long], help: ArgumentHelp("The base folder of includes (default: --dir).", valueName: "DIR"))
    var base: String?

    @Option(name: [.short, .customLong("dir")], help: ArgumentHelp(
        "The profile folder: profile names and programs are looked up there (default /etc/apparmor.d).", valueName: "DIR"))
    var dir: String?

    /// The options as a plain value.
    var folder: PolicyFolder { PolicyFolder(includeDirs: includeDirs, base: base, dir: dir) }
}

/// What `PolicyFolderOptions` read, as a plain value (`check`'s quick path builds it too).
struct PolicyFolder: Equatable {
    var includeDirs: [String] = []
    var base: String?
    var dir: String?

    static let defaultFolder = "/etc/apparmor.d"

    /// The profile folder: `--dir`, else /etc/apparmor.d.
    var profileFolder: String { dir ?? Self.defaultFolder }

    /// The include search path: the `-I` folders, then `--base` (default: the profile folder).
    var searchPath: IncludeSearchPath { searchPath(base: base ?? profileFolder) }

    /// The include search path with another default base (`--base` still wins).
    func searchPath(base fallback: String) -> IncludeSearchPath {
        IncludeSearchPath(includeDirs: includeDirs, base: base ?? fallback)
    }

    /// The files the arguments name: files and folders as `PolicyFiles.expand` lists them, and
    /// a profile name or program (an argument that is no file) resolved in the profile folder
    /// as complain and cleanprof resolve it.
    func files(_ arguments: [String]) throws -> [String] {
        try PolicyFiles.expand(arguments, resolvingNamesIn: profileFolder)
    }

    /// One argument that must name a single profile file: the file given, or the file of the
    /// profile name or program. The profile name is returned when the argument was one.
    func profileFile(_ argument: String) throws -> (file: String, profileName: String?) {
        if PosixFiles.kind(argument) != .missing && !PolicyFiles.isProgram(argument) { return (argument, nil) }
        let target = try PolicyFiles.resolveName(argument, in: profileFolder)
        return (target.file, target.profileName)
    }
}
