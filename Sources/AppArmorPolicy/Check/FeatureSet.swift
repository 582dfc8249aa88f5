import Foundation

/// A kernel feature ABI, as written by `aa-features-abi` or found in
/// parser/tst/features_files: nested `name {` blocks and `name value` leaves.
public struct FeatureSet: Sendable {
    /// Paths such as `network/af_unix`, `mount/mask`, `dbus/mask`, `caps/mask`, `io_uring`.
    public let paths: Set<String>
    public let values: [String: String]

    public init(text: String) {
        var stack: [String] = []
        var paths = Set<String>()
        var values: [String: String] = [:]
        var token = ""
        var pending: [String] = []
        func flushWords() {
            if !token.isEmpty { pending.append(token); token = "" }
        }
        for ch in text {
            switch ch {
            case "{":
                flushWords()
                if let name = pending.last {
                    if pending.count > 1 {
                        let key = (stack + [pending[0]]).joined(separator: "/")
                        values[key] = pending.dropFirst().dropLast().joined(separator: " ")
                    }
                    stack.append(name)
                    paths.insert(stack.joined(separator: "/"))
                }
                pending = []
            case "}":
                flushWords()
                if pending.count >= 1 {
                    let key = (stack + [pending[0]]).joined(separator: "/")
                    paths.insert(key)
                    values[key] = pending.dropFirst().joined(separator: " ")
                }
                pending = []
                _ = stack.popLast()
            case " ", "\t", "\n":
                flushWords()
                if ch == "\n", !pending.isEmpty {
                    let key = (stack + [pending[0]]).joined(separator: "/")
                    paths.insert(key)
                    values[key] = pending.dropFirst().joined(separator: " ")
                    pending = []
                }
            default:
                token.append(ch)
            }
        }
        self.paths = paths
        self.values = values
    }

    public init(contentsOf path: String) throws {
        self.init(text: try String(contentsOfFile: path, encoding: .utf8))
    }

    public func has(_ path: String) -> Bool { paths.contains(path) }
}
