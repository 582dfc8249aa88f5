import ArgumentParser

struct LogprofCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logprof",
        abstract: "Turn audit records into profile rules (not implemented yet)."
    )

    func run() throws {
        throw ValidationError("'logprof' is not implemented yet")
    }
}
