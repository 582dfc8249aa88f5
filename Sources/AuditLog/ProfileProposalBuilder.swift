public struct ProfileProposalBuilder {
    public init() {}
    public mutating func add(_ r: AuditRecord) {}
    public func renderProfiles() -> [UInt8] { [] }
}
