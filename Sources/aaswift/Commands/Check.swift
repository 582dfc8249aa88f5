import ArgumentParser

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check profiles for errors (not implemented yet)."
    )

    func run() throws {
        throw ValidationError("'check' is not implemented yet")
    }
}
