import ArgumentParser

struct ApplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Apply a plan written by logprof --plan-out (not implemented yet)."
    )

    func run() throws {
        throw ValidationError("'apply' is not implemented yet")
    }
}
