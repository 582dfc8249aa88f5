/// How messages name a file a profile loads.
public enum IncludeNames {
    /// `abstractions/base` for `/etc/apparmor.d/abstractions/base`; other paths as given.
    public static func short(_ path: String) -> String {
        for marker in ["/abstractions/", "/tunables/", "/local/"] {
            if let range = path.ranges(of: marker).last {
                return String(marker.dropFirst()) + path[range.upperBound...]
            }
        }
        return path
    }
}
