import ArgumentParser

struct EasyprofCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "easyprof",
        abstract: "Generate a first profile from templates (not implemented yet)."
    )

    func run() throws {
        throw ValidationError("'easyprof' is not implemented yet")
    }
}
