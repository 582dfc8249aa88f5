import ArgumentParser

struct ComplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "complain",
        abstract: "Set profiles to complain mode (not implemented yet)."
    )

    func run() throws {
        throw ValidationError("'complain' is not implemented yet")
    }
}

struct EnforceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "enforce", abstract: "Set profiles to enforce mode (not implemented yet).")
    func run() throws { throw ValidationError("'enforce' is not implemented yet") }
}

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "Set the audit flag on profiles (not implemented yet).")
    func run() throws { throw ValidationError("'audit' is not implemented yet") }
}

struct DisableCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "disable", abstract: "Disable profiles (not implemented yet).")
    func run() throws { throw ValidationError("'disable' is not implemented yet") }
}
