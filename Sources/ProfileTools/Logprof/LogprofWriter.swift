import AppArmorEdit
import FoundationEssentials
import AppArmorPolicy

/// Writes planned files atomically (the edit engine checked each result parses) and reloads
/// the profiles that changed with apparmor_parser when AppArmor is enabled. Callers hold the
/// folder's `FolderLock` from planning to writing.
public enum LogprofWriter {
    public static func write(_ files: [PlannedFile], reload: Bool, folder: String,
                             reloader: ModeReloader = LoaderModeReloader(), info: (String) -> Void) throws {
        for f in files where f.old != f.new {
            let dir = PathNames.parent(f.path)
            if !FileManager.default.fileExists(atPath: dir) {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            }
            // The file must still hold the bytes the edit was made from.
            let expected: AtomicWrite.Expected? = f.old.isEmpty || !f.overwrites ? nil : .contents(f.old)
            try AtomicWrite.write(f.new, to: f.path, options: AtomicWrite.Options(expected: expected))
        }
        guard reload, reloader.isAppArmorEnabled else { return }
        var done = Set<String>()
        for f in files {
            var target = f.path
            let parent = PathNames.parent(target)
            if PathNames.lastComponent(parent) == "local" {
                target = PathNames.appending(PathNames.parent(parent), PathNames.lastComponent(target))
            }
            guard done.insert(target).inserted, FileManager.default.fileExists(atPath: target) else { continue }
            if let err = reloader.replace(file: target, folder: folder) { info("Warning: \(err)") }
        }
    }
}
