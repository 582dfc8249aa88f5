/// The kernel's feature set as an abi text (what aa-features-abi writes and apparmor_parser
/// reads from an `abi <...>,` file): each entry of the features folder, sorted by name, as
/// `name {` + a file's bytes or a folder's entries + `}` and a newline.
public enum FeatureABI {
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case notMounted
        case unreadable(String, SystemErrno)

        public var description: String {
            switch self {
            case .notMounted: "the AppArmor securityfs is not mounted (no features folder)"
            case .unreadable(let path, let e): "cannot read \(path): \(e)"
            }
        }
    }

    /// The text of a features folder (a system path under `root`).
    public static func text(ofFolder folder: String, root: SystemRoot = .live) -> Result<[UInt8], Failure> {
        var out: [UInt8] = []
        func walk(_ dir: String) -> Failure? {
            guard let names = root.list(dir) else { return .unreadable(dir, SystemErrno(ENOENT)) }
            // alphasort in the C locale: byte order.
            for name in names.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
            where !name.isEmpty && !name.hasPrefix(".") {
                let path = dir + "/" + name
                out += Array(name.utf8) + Array(" {".utf8)
                if root.isDirectory(path) {
                    if let f = walk(path) { return f }
                } else {
                    switch root.readBytes(path) {
                    case .success(let bytes): out += bytes
                    case .failure(let e): return .unreadable(path, e)
                    }
                }
                out += Array("}\n".utf8)
            }
            return nil
        }
        if let f = walk(folder) { return .failure(f) }
        return .success(out)
    }

    /// The running kernel's features (`<securityfs>/features`).
    public static func kernel(_ kernel: AppArmorKernel = AppArmorKernel()) -> Result<[UInt8], Failure> {
        guard let mnt = kernel.mountPoint else { return .failure(.notMounted) }
        return text(ofFolder: mnt + "/features", root: kernel.root)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
