import ArgumentParser
import AuditLog
#if canImport(Glibc)
import Glibc
#endif

struct DecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode hex-encoded names in AppArmor audit records (aa-decode).",
        discussion: """
        With a HEX argument, prints 'Decoded: <text>'. With '-', reads log lines on standard \
        input and rewrites the hex-encoded values of name=, profile=, proctitle= (and comm=, \
        label=, peer=, target=, exe=, execpath=) as quoted text:
          ausearch -m AVC | aaswift decode -
        With no argument at all it is a usage error (exit 2), not a silent read of standard \
        input.
        """
    )

    @Argument(help: "A hex string to decode, or '-' to rewrite log lines from standard input.")
    var hex: String?

    func validate() throws {
        if hex == nil {
            throw ValidationError("give a HEX string to decode, or '-' to rewrite log lines from standard input")
        }
    }

    func run() throws {
        guard let hex, hex != "-" else {
            let source = LineSource(fd: 0)
            var out = OutputBuffer(fd: 1)
            while let line = source.nextLine({ Array($0) }) {
                out.write(HexDecode.rewrite(line: line))
                out.write([0x0A])
            }
            out.flush()
            return
        }
        guard let bytes = HexDecode.decode(hex) else {
            throw ValidationError("'\(hex)' is not a hex string: use an even number of 0-9, a-f, A-F")
        }
        var out = OutputBuffer(fd: 1)
        out.write(Array("Decoded: ".utf8) + bytes + [0x0A])
        out.flush()
    }
}
