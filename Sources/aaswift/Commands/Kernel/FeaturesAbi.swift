import AppArmorEdit
import ArgumentParser
import FoundationEssentials
import SystemAppArmor

struct FeaturesAbiCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features-abi",
        abstract: "Write the kernel's AppArmor feature set as an abi file (aa-features-abi).",
        discussion: """
            Reads the feature set from the kernel (--extract: the securityfs features folder), \
            from a folder laid out the same way (--features-dir), or from a features file \
            (--file), and writes it to standard output or, with --write, to a file (atomically, \
            mode 0644). The result is what apparmor_parser reads after `abi <FILE>,`: pin a \
            policy to this kernel's features with

              aaswift features-abi -x -w /etc/apparmor.d/abi/this-kernel
              # then, in a profile: abi <abi/this-kernel>,
            """
    )

    @Flag(name: [.customShort("x"), .long], help: "Read the running kernel's features.")
    var extract = false

    @Option(name: [.short, .long], help: "Read a features file.")
    var file: String?

    @Option(name: .customLong("features-dir"), help: "Read a features folder (a copy of <securityfs>/features).")
    var featuresDir: String?

    @Option(name: [.short, .long], help: "Write to this file instead of standard output.")
    var write: String?

    @Flag(name: .customLong("stdout"), help: "Write to standard output (the default).")
    var toStdout = false

    func validate() throws {
        let sources = [extract, file != nil, featuresDir != nil].filter { $0 }.count
        if sources == 0 { throw ValidationError("give a source: --extract, --file FILE or --features-dir DIR") }
        if sources > 1 { throw ValidationError("--extract, --file and --features-dir are mutually exclusive") }
        if toStdout && write != nil { throw ValidationError("--stdout and --write are mutually exclusive") }
    }

    func run() throws {
        let result: Result<[UInt8], FeatureABI.Failure>
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw CLIError("failed to load features abi from file '\(file)'")
            }
            result = .success(Array(data))
        } else if let featuresDir {
            result = FeatureABI.text(ofFolder: featuresDir, root: .live)
        } else {
            result = FeatureABI.kernel()
        }
        let bytes: [UInt8]
        switch result {
        case .success(let b): bytes = b
        case .failure(let f): throw CLIError("failed to extract features abi: \(f)")
        }
        if let write {
            try AtomicWrite.write(bytes, to: write)
        } else {
            StandardStream.standardOutput.write(Data(bytes))
        }
    }
}
