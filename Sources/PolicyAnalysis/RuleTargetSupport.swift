import AppArmorPolicy
import AppArmorSyntax
import AuditLog

extension RuleTarget {
    /// The first construct of a loaded rule this target does not allow, or nil.
    public func unsupported(_ r: PolicyRule) -> RuleConstruct? {
        if case .network(let n) = r.detail {
            if !n.perms.isEmpty && !allows(.networkAccessList) { return .networkAccessList }
            if !n.conditions.isEmpty && !allows(.networkAddress) { return .networkAddress }
        }
        switch r.kind {
        case .usernsRule: return parserReads(.userns) ? nil : .userns
        case .mqueueRule: return parserReads(.mqueue) ? nil : .mqueue
        case .ioUringRule: return parserReads(.ioUring) ? nil : .ioUring
        default: return nil
        }
    }
}
