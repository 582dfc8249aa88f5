import ArgumentParser

struct DecodeLogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode-log",
        abstract: "Decode AppArmor audit records (not implemented yet)."
    )

    func run() throws {
        throw ValidationError("'decode-log' is not implemented yet")
    }
}
