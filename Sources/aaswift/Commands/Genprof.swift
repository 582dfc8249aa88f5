import ArgumentParser

struct GenprofCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "genprof",
        abstract: "Profile a program interactively (not implemented yet)."
    )

    func run() throws {
        throw ValidationError("'genprof' is not implemented yet")
    }
}
