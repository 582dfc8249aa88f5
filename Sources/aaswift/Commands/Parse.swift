import ArgumentParser

struct ParseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Parse profiles and print their source or tree (not implemented yet)."
    )

    func run() throws {
        throw ValidationError("'parse' is not implemented yet")
    }
}
