import FoundationEssentials
import SystemAppArmor
#if canImport(Glibc)
import Glibc
#endif
import AppArmorEdit

/// `--output-directory`: one file per profile, named after the profile name or binary with
/// `/` turned into `.`; an existing file is never replaced.
enum EasyprofOutputWriter {
    static func fileName(for key: String) -> String {
        String(key.drop { $0 == "/" }).replacing("/", with: ".")
    }

    /// The files `write` would make, each as a unified diff from /dev/null (`--dry-run`); the
    /// same errors as `write`.
    static func plannedDiff(_ profiles: [(name: String, text: String)], to dir: String) throws -> String {
        let targets = try checkedTargets(profiles, in: dir)
        return zip(targets, profiles).map { target, profile in
            UnifiedDiff(oldLabel: "/dev/null", newLabel: target).diff(old: "", new: profile.text)
        }.joined()
    }

    /// The target files; throws when one exists or two profiles would share one.
    static func checkedTargets(_ profiles: [(name: String, text: String)], in dir: String) throws -> [String] {
        let targets = profiles.map { dir + "/" + fileName(for: $0.name) }
        for t in targets where FileManager.default.fileExists(atPath: t) {
            throw EasyprofError("'\(t)' already exists")
        }
        if Set(targets).count != targets.count {
            throw EasyprofError("two profiles would be written to the same file in '\(dir)'")
        }
        return targets
    }

    static func write(_ profiles: [(name: String, text: String)], to dir: String) throws -> [String] {
        let fm = FileManager.default
        // Check everything first, so that an error leaves nothing behind.
        let targets = try checkedTargets(profiles, in: dir)
        var isDir = false
        if !fm.fileExists(atPath: dir, isDirectory: &isDir) {
            if mkdir(dir, 0o755) != 0 {
                throw EasyprofError("Could not create '\(dir)': \(String(cString: strerror(errno)))")
            }
        } else if !isDir {
            throw EasyprofError("'\(dir)' is not a directory")
        }
        var written: [String] = []
        for (target, profile) in zip(targets, profiles) {
            let tmp = dir + "/.aaswift-easyprof-\(getpid())-\(written.count)"
            do {
                try Data(profile.text.utf8).write(to: URL(fileURLWithPath: tmp), options: .withoutOverwriting)
            } catch {
                throw EasyprofError("Could not write '\(target)': \(describeError(error))")
            }
            // link() refuses to replace an existing file, so a file that appeared meanwhile survives.
            let rc = link(tmp, target)
            let err = errno
            unlink(tmp)
            if rc != 0 {
                throw EasyprofError("Could not write '\(target)': \(String(cString: strerror(err)))")
            }
            written.append(target)
        }
        return written
    }
}
