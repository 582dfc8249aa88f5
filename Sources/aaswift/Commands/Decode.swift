import ArgumentParser

struct DecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode hex-encoded names in audit records (not implemented yet)."
    )

    func run() throws {
        throw ValidationError("'decode' is not implemented yet")
    }
}
