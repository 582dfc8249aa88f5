import AppArmorPolicy
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif
import SystemAppArmor

/// aa-remove-unknown: the loaded profiles no file of the policy folder defines.
public enum RemoveUnknown {
    /// Full names (`a//b`, `:ns:a`) of every profile, hat and child profile that the
    /// folder's profile files define, as `apparmor_parser -N DIR` lists them.
    public static func knownNames(folder: String) -> Set<String> {
        let resolver = ModeTargetResolver(folder: folder)
        let checker = PolicyChecker(options: CheckOptions(searchPath: IncludeSearchPath(base: resolver.folder)))
        var out = Set<String>()
        func collect(_ profiles: [Profile], prefix: String?) {
            for p in profiles {
                var full = prefix.map { $0 + "//" + p.name } ?? p.name
                if prefix == nil, let ns = p.namespace { full = ":\(ns):" + full }
                out.insert(full)
                collect(p.children, prefix: full)
            }
        }
        for file in resolver.profileFiles() {
            collect(checker.check(path: file).policy.profiles, prefix: nil)
        }
        return out
    }

    /// The loaded profiles to unload, children before their parents (upstream's reverse
    /// byte order): neither known, nor libvirt's `libvirt-UUID` profiles, nor matched by a
    /// `keep` pattern (fnmatch).
    public static func orphans(loaded: [LoadedProfile], known: Set<String>, keep: [String] = []) -> [String] {
        func kept(_ name: String) -> Bool {
            if known.contains(name) || isLibvirt(name) { return true }
            return keep.contains { fnmatch($0, name, 0) == 0 }
        }
        var out: [String] = []
        for p in loaded where !kept(p.name) {
            out.append(p.name)
        }
        return out.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }.reversed()
    }

    static func isLibvirt(_ name: String) -> Bool {
        guard name.hasPrefix("libvirt-"), name.count > 8 else { return false }
        return name.dropFirst(8).allSatisfy { $0.isHexDigit || $0 == "-" }
    }
}
