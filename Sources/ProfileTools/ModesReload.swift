import Foundation

/// Loading and unloading profiles after a mode change: apparmor_parser on a real system, a
/// recorder in tests.
public protocol ModeReloader: Sendable {
    /// Whether the running kernel has AppArmor enabled with its securityfs mounted.
    var isAppArmorEnabled: Bool { get }
    /// `apparmor_parser -r` of one file; returns an error message on failure.
    func replace(file: String, folder: String) -> String?
    /// `apparmor_parser -R` of one file; returns an error message on failure.
    func remove(file: String, folder: String) -> String?
}

/// Runs apparmor_parser with the folder as include path and base (`-I DIR --base DIR`).
public struct ParserModeReloader: ModeReloader {
    public let parser: String
    public let root: String

    /// `$APPARMOR_PARSER`, else /sbin/apparmor_parser; `root` prefixes the /sys paths (tests).
    public init(parser: String? = nil, root: String = "") {
        self.parser = parser ?? ProcessInfo.processInfo.environment["APPARMOR_PARSER"].flatMap { $0.isEmpty ? nil : $0 }
            ?? "/sbin/apparmor_parser"
        self.root = root
    }

    public var isAppArmorEnabled: Bool {
        guard let v = try? String(contentsOfFile: root + "/sys/module/apparmor/parameters/enabled", encoding: .utf8),
              v.hasPrefix("Y") else { return false }
        return FileManager.default.fileExists(atPath: root + "/sys/kernel/security/apparmor/profiles")
    }

    public func replace(file: String, folder: String) -> String? { run("-r", file, folder) }
    public func remove(file: String, folder: String) -> String? { run("-R", file, folder) }

    func run(_ flag: String, _ file: String, _ folder: String) -> String? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: parser)
        p.arguments = [flag, "-I", folder, "--base", folder, file]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        do { try p.run() } catch { return "cannot run \(parser): \(error.localizedDescription)" }
        let data = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        if p.terminationStatus == 0 { return nil }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return "\(parser) \(flag) \(file) failed (exit \(p.terminationStatus))" + (text.isEmpty ? "" : ": \(text)")
    }
}
