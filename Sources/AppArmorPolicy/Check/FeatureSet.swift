import AppArmorSyntax
import FoundationEssentials

/// A kernel feature ABI, as written by `aa-features-abi` or found in parser/tst/features_files:
/// nested `name {` blocks whose leaves are words. `has("dbus")`, `has("caps/mask/chown")`,
/// `has("network/af_mask/inet")`.
public struct FeatureSet: Sendable {
    public let paths: Set<String>

    public init(text: String) {
        var stack: [String] = []
        var paths = Set<String>()
        var pending: [String] = []
        var token = ""
        func flushToken() {
            if !token.isEmpty { pending.append(token); token = "" }
        }
        func flushLeaves() {
            let prefix = stack.joined(separator: "/")
            for w in pending { paths.insert(prefix.isEmpty ? w : prefix + "/" + w) }
            pending = []
        }
        for ch in text {
            switch ch {
            case "{":
                flushToken()
                let name = pending.popLast() ?? ""
                flushLeaves()
                stack.append(name)
                paths.insert(stack.joined(separator: "/"))
            case "}":
                flushToken()
                flushLeaves()
                _ = stack.popLast()
            case " ", "\t", "\n":
                flushToken()
            default:
                token.append(ch)
            }
        }
        flushToken()
        flushLeaves()
        self.paths = paths
    }

    public init(contentsOf path: String) throws {
        self.init(text: try String(contentsOfFile: path, encoding: .utf8))
    }

    public func has(_ path: String) -> Bool { paths.contains(path) }

    /// Why the kernel these features describe would not enforce a rule, or nil.
    public func unsupported(_ rule: PolicyRule) -> String? {
        switch rule.detail {
        case .capability(let names):
            if let n = names.first(where: { !has("caps/mask/\($0)") }) { return "capability \(n)" }
        case .network(let n):
            if let d = n.domain, has("network/af_mask"), !has("network/af_mask/\(d)") { return "network domain \(d)" }
        default:
            break
        }
        let family: String?
        switch rule.kind {
        case .dbusRule: family = has("dbus") ? nil : "dbus rules"
        case .signalRule: family = has("signal") ? nil : "signal rules"
        case .ptraceRule: family = has("ptrace") ? nil : "ptrace rules"
        case .mountRule, .remountRule, .umountRule: family = has("mount") ? nil : "mount rules"
        case .pivotRootRule: family = has("namespaces/pivot_root") || has("mount") ? nil : "pivot_root rules"
        case .unixRule: family = has("network/af_unix") ? nil : "unix rules"
        case .ioUringRule: family = has("io_uring") ? nil : "io_uring rules"
        // The kernel lists it in the namespaces mask (`namespaces {mask {userns_create}}`),
        // which apparmor_parser 4.1 asks for as namespaces/mask/userns_create.
        case .usernsRule: family = has("namespaces/mask/userns_create") || has("namespaces/userns_create") ? nil : "userns rules"
        case .mqueueRule: family = has("ipc/posix_mqueue") ? nil : "mqueue rules"
        default: family = nil
        }
        return family
    }
}
