import ArgumentParser

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Report the state of AppArmor (not implemented yet)."
    )

    func run() throws {
        throw ValidationError("'status' is not implemented yet")
    }
}
