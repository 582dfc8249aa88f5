import AppArmorEdit
import ArgumentParser
import FoundationEssentials
import SystemAppArmor
#if canImport(Glibc)
import Glibc
#endif

struct FeaturesAbiCommand: ParsableCommand, UpstreamUsageStatus {
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

            Errors are aa-features-abi's ('aa-features-abi: ERROR: failed to open file ...' \
            when run as aa-features-abi); they and usage errors exit 1. Unlike upstream's, \
            --write replaces the file whole (upstream writes over it without truncating) and \
            makes it readable by all (0644, as the policy folder's files are).
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

    @Flag(name: .customLong("stdout"), help: "Write to standard output (the default; --write wins, as upstream's).")
    var toStdout = false

    func validate() throws {
        if !extract && file == nil && featuresDir == nil { throw ValidationError("give a source: --extract, --file FILE or --features-dir DIR") }
    }

    func run() throws {
        let me = UpstreamNames.programName(for: "features-abi")
        func fail(_ s: String) -> ExitCode {
            StandardStream.standardError.write(Data("\(me): ERROR: \(s)\n".utf8))
            return ExitCode(1)
        }
        let chosen = [extract ? "--extract" : nil, file != nil ? "--file" : nil, featuresDir != nil ? "--features-dir" : nil].compactMap { $0 }
        if chosen.count > 1 { throw fail("options \(chosen.joined(separator: " and ")) are mutually exclusive") }
        let result: Result<[UInt8], FeatureABI.Failure>
        if let file {
            let fd = open(file, O_RDONLY | O_CLOEXEC)
            if fd < 0 { throw fail("failed to open file '\(file)' - \(SystemErrno(errno))") }
            close(fd)
            guard let data = FileManager.default.contents(atPath: file) else {
                throw fail("failed to load features abi from file '\(file)' - \(SystemErrno(EISDIR))")
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
        case .failure(.notMounted): throw fail("failed to extract features abi from the kernel - \(SystemErrno(ENOENT)) (the AppArmor securityfs is not mounted)")
        case .failure(let f): throw fail("failed to extract features abi \(featuresDir == nil ? "from the kernel" : "from '\(featuresDir!)'") - \(f)")
        }
        if let write {
            do { try AtomicWrite.write(bytes, to: write) } catch { throw fail("failed to open output file '\(write)' - \(error)") }
        } else {
            StandardStream.standardOutput.write(Data(bytes))
        }
    }
}
