import AppArmorEdit
import FoundationEssentials
import SystemAppArmor
import AppArmorPolicy

/// What genprof and autodep do before and after the review loop: find the program, find or
/// create its profile, switch modes.
public enum GenprofSetup {
    public enum Failure: Error, CustomStringConvertible {
        case notFound(String)
        case exists(String)
        case write(String, String)

        public var description: String {
            switch self {
            case .notFound(let p): "\(p): no such program (give a path, or a name on PATH)"
            case .exists(let f): "\(f) already exists; not overwriting it"
            case .write(let f, let e): "cannot write \(f): \(e)"
            }
        }
    }

    /// The absolute, link-resolved path of a program given by path or by name on PATH.
    public static func resolveProgram(_ arg: String) throws -> String {
        var path = arg
        if !arg.contains("/") {
            guard let hit = SystemPrograms.find(arg) else { throw Failure.notFound(arg) }
            path = hit
        } else if !arg.hasPrefix("/") {
            path = FileManager.default.currentDirectoryPath + "/" + arg
        }
        guard FileManager.default.fileExists(atPath: path) else { throw Failure.notFound(arg) }
        return PathNames.standardized(URL(fileURLWithPath: path).resolvingSymlinksInPath().path)
    }

    /// Writes a new profile for `program` into `dir` (refusing to overwrite), returning it.
    @discardableResult
    public static func autodep(program: String, dir: String, flags: [String] = [], force: Bool = false,
                               target: RuleTargetOptions = RuleTargetOptions()) throws -> AutodepProfile {
        let parser = RuleTargets(options: target, profileDir: dir).parser
        let p = AutodepProfile(program: program, flags: flags, abi: AutodepProfile.abi(in: dir, parser: parser))
        let file = PathNames.appending(dir, p.fileName)
        if !force && FileManager.default.fileExists(atPath: file) { throw Failure.exists(file) }
        do { try AtomicWrite.write(p.text, to: file) } catch { throw Failure.write(file, "\(error)") }
        return p
    }
}
