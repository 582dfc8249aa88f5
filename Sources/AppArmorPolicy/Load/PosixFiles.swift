#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The few file-system questions a policy load asks, straight to the C library: a check loads
/// a hundred files and resolves as many names, and Foundation's wrappers cost more than the
/// system calls.
public enum PosixFiles {
    public enum Kind: Sendable { case missing, file, directory }

    /// What a path names, symbolic links followed (as `FileManager.fileExists` answers).
    public static func kind(_ path: String) -> Kind { kind(path, followLinks: true) }

    /// What a path names; without `followLinks`, a symbolic link to a folder is a file (for
    /// walks that must not loop).
    public static func kind(_ path: String, followLinks: Bool) -> Kind {
        var st = stat()
        guard (followLinks ? stat(path, &st) : lstat(path, &st)) == 0 else { return .missing }
        return st.st_mode & S_IFMT == S_IFDIR ? .directory : .file
    }

    /// The entries of a folder (without `.` and `..`), unsorted, each with what it is when the
    /// folder listing says so without a `stat` (regular files and folders; nil for symbolic
    /// links and file systems that do not tell). Nil when the folder cannot be read.
    public static func entries(in dir: String) -> [(name: String, kind: Kind?)]? {
        guard let d = opendir(dir) else { return nil }
        defer { closedir(d) }
        var out: [(name: String, kind: Kind?)] = []
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard name != "." && name != ".." else { continue }
            let type = Int(e.pointee.d_type)
            out.append((name, type == Int(DT_REG) ? .file : type == Int(DT_DIR) ? .directory : nil))
        }
        return out
    }

    /// The regular files below a folder, as paths relative to it (symbolic links to files
    /// followed): folders are walked, not symbolic links to folders (which could loop); names
    /// starting with `.` are left out with everything below them, and files `skip` refuses.
    public static func files(below root: String, skipping skip: (String) -> Bool) -> [String] {
        let prefix = root.hasSuffix("/") ? root : root + "/"
        func walk(_ relative: String) -> [String] {
            var out: [String] = []
            for (name, kind) in entries(in: prefix + relative) ?? [] where !name.hasPrefix(".") {
                let rel = relative + name
                if (kind ?? self.kind(prefix + rel, followLinks: false)) == .directory {
                    out += walk(rel + "/")
                } else if (kind ?? self.kind(prefix + rel)) == .file, !skip(name) {
                    out.append(rel)
                }
            }
            return out
        }
        return walk("")
    }

    /// The regular files of a folder (symbolic links followed), by name.
    public static func fileNames(in dir: String) -> [String]? {
        let prefix = dir.hasSuffix("/") ? dir : dir + "/"
        return entries(in: dir)?.compactMap { e in
            (e.kind ?? kind(prefix + e.name)) == .file ? e.name : nil
        }
    }

    /// The first `count` bytes of a file (fewer when it is shorter); nil when it cannot be
    /// opened or read.
    public static func readPrefix(_ path: String, upTo count: Int) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out = [UInt8](repeating: 0, count: count)
        var used = 0
        while used < count {
            let n = out.withUnsafeMutableBytes { buf in systemRead(fd, buf.baseAddress! + used, count - used) }
            if n < 0, errno == EINTR { continue }
            if n < 0 { return nil }
            if n == 0 { break }
            used += n
        }
        out.removeSubrange(used...)
        return out
    }

    /// The whole file; nil when it cannot be opened or read (a folder among them).
    public static func read(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT != S_IFDIR else { return nil }
        // Room for the size fstat gives, and more if the file says otherwise (/proc).
        var out = [UInt8](repeating: 0, count: max(Int(st.st_size), 0) + 1)
        var used = 0
        // A regular file read to the size fstat gave ends there (the spare byte would show a
        // file that grew): no further read to see the end.
        let isRegular = st.st_mode & S_IFMT == S_IFREG
        while !(isRegular && used == Int(st.st_size) && used > 0) {
            if used == out.count { out.append(contentsOf: repeatElement(0, count: out.count)) }
            let n = out.withUnsafeMutableBytes { buf in
                systemRead(fd, buf.baseAddress! + used, buf.count - used)
            }
            if n < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if n == 0 { break }
            used += n
        }
        out.removeSubrange(used...)
        return out
    }

    private static func systemRead(_ fd: Int32, _ buf: UnsafeMutableRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
        Glibc.read(fd, buf, count)
        #elseif canImport(Musl)
        Musl.read(fd, buf, count)
        #else
        Darwin.read(fd, buf, count)
        #endif
    }
}
