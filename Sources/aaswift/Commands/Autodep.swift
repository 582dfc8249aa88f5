import ArgumentParser

struct AutodepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "autodep",
        abstract: "Create a first profile for programs (not implemented yet)."
    )

    func run() throws {
        throw ValidationError("'autodep' is not implemented yet")
    }
}
