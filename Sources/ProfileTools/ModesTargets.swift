import AppArmorSyntax
import FoundationEssentials
import SystemAppArmor
import AppArmorPolicy
#if canImport(Glibc)
import Glibc
#endif

/// What a command-line argument of a mode command names: a profile file, and which profiles
/// in it (nil: every profile in the file).
public struct ModeTarget: Sendable, Equatable {
    /// The profile file.
    public var file: String
    /// The top-level profile chosen (with its hats, children and `NAME//...` profiles), or
    /// nil for every profile of the file.
    public var profileName: String?
    /// How messages name it: the program when one was given, else the file.
    public var label: String

    public init(file: String, profileName: String?, label: String) {
        self.file = file
        self.profileName = profileName
        self.label = label
    }
}

/// One target as given on the command line.
public enum ModeArgument: Sendable, Equatable {
    case guess(String), profile(String), profileFile(String), executable(String)
}

public enum ModeTargetError: Error, Equatable, CustomStringConvertible {
    case notFound(String)
    case noProfileFor(String)

    public var description: String {
        switch self {
        case .notFound(let arg):
            arg.contains("/") ? "\(arg) does not exist, please double-check the path."
                : "Can't find \(arg) in the system path list, nor a profile of that name; give the full path of the program."
        case .noProfileFor(let what): "Profile for \(what) not found, skipping"
        }
    }
}

/// Resolves arguments as upstream's mode tools do, reading as few files as it can: a file is
/// parsed only when its bytes contain the name sought, or (for a binary) a header that could
/// attach to it.
public struct ModeTargetResolver: Sendable {
    public let folder: String
    /// `$PATH`, for `which`.
    public let searchPath: [String]

    public init(folder: String, searchPath: [String]? = nil) {
        self.folder = ModeTargetResolver.realPath(folder)
        self.searchPath = searchPath ?? SystemPrograms.searchPath()
    }

    /// `--profile NAME`, `--profile-file FILE` and `--executable-file PATH` name the kind of
    /// target directly; a plain argument is guessed as upstream guesses it.
    public func resolve(_ arg: ModeArgument) -> Result<ModeTarget, ModeTargetError> {
        switch arg {
        case .guess(let a): return resolve(a)
        case .profile(let name): return byName(name).map { .success($0) } ?? .failure(.noProfileFor(name))
        case .profileFile(let file):
            let full = Self.realPath(file)
            return FileManager.default.fileExists(atPath: full) ? .success(ModeTarget(file: full, profileName: nil, label: file))
                : .failure(.noProfileFor(file))
        case .executable(let path): return byAttachment(Self.realPath(path))
        }
    }

    public func resolve(_ arg: String) -> Result<ModeTarget, ModeTargetError> {
        let fm = FileManager.default
        if fm.fileExists(atPath: arg) || arg.hasPrefix("/") {
            let full = Self.realPath(arg)
            if full == folder || full.hasPrefix(folder + "/") {
                return fm.fileExists(atPath: full) ? .success(ModeTarget(file: full, profileName: nil, label: full))
                    : .failure(.noProfileFor(full))
            }
            return byAttachment(full)
        }
        if let hit = byName(arg) { return .success(hit) }
        if let bin = which(arg) { return byAttachment(Self.realPath(bin)) }
        let inFolder = folder + "/" + arg
        if fm.fileExists(atPath: inFolder) {
            return .success(ModeTarget(file: Self.realPath(inFolder), profileName: nil, label: inFolder))
        }
        return .failure(.notFound(arg))
    }

    // MARK: lookups

    /// The profile files of the folder: its top-level regular files, minus hidden files and
    /// packaging leftovers.
    public func profileFiles() -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        var out: [String] = []
        for name in names.sorted() where !Self.isSkipped(name) {
            let path = folder + "/" + name
            var isDir = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir { out.append(path) }
        }
        return out
    }

    static func isSkipped(_ name: String) -> Bool {
        if name.hasPrefix(".") || name.hasSuffix("~") || name == "README" { return true }
        let suffixes = [".rpmnew", ".rpmsave", ".orig", ".rej", ".dpkg-new", ".dpkg-old", ".dpkg-dist",
                        ".dpkg-bak", ".dpkg-remove", ".pacsave", ".pacnew", ".swp"]
        return suffixes.contains { name.hasSuffix($0) }
    }

    /// The file holding a top-level profile of this name; for `parent//child` (a hat or
    /// child profile), the file of `parent`, with the child alone chosen.
    public func byName(_ name: String) -> ModeTarget? {
        if let hit = topLevel(name) { return hit }
        guard let sep = name.firstRange(of: "//"), let parent = topLevel(String(name[..<sep.lowerBound])) else { return nil }
        guard let data = FileManager.default.contents(atPath: parent.file) else { return nil }
        let r = Parser.parse(path: parent.file, bytes: Array(data))
        guard !ModePlanner.selectedProfiles(in: r, name: name).isEmpty else { return nil }
        return ModeTarget(file: parent.file, profileName: name, label: name)
    }

    func topLevel(_ name: String) -> ModeTarget? {
        let needle = Array(name.utf8)
        for file in profileFiles() {
            guard let data = FileManager.default.contents(atPath: file), Self.contains(Array(data), needle) else { continue }
            let r = Parser.parse(path: file, bytes: Array(data))
            if r.topLevelProfiles.contains(where: { $0.name(in: r) == name }) {
                return ModeTarget(file: file, profileName: name, label: name)
            }
        }
        return nil
    }

    /// The profile whose attachment matches the binary best (exact, then longest literal
    /// prefix), over every file that could hold it.
    public func byAttachment(_ binary: String) -> Result<ModeTarget, ModeTargetError> {
        let base = Array(PathNames.lastComponent(binary).utf8)
        var variables: [String: [String]]?
        var best: (score: Int, target: ModeTarget)?
        for file in profileFiles() {
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            let bytes = Array(data)
            guard Self.contains(bytes, base) || Self.hasGlobHeader(bytes) else { continue }
            let r = Parser.parse(path: file, bytes: bytes)
            for p in r.topLevelProfiles {
                guard let attachment = Self.attachment(of: p, in: r) else { continue }
                if attachment.contains("@{"), variables == nil {
                    var v = TunableVariables.load(folder: folder)
                    TunableVariables.collect(r, into: &v)
                    variables = v
                }
                guard let s = AttachmentMatcher.score(attachment, matching: binary, variables: variables ?? [:]) else { continue }
                if best == nil || s > best!.score {
                    best = (s, ModeTarget(file: file, profileName: p.name(in: r), label: binary))
                }
            }
        }
        return best.map { .success($0.target) } ?? .failure(.noProfileFor(binary))
    }

    /// `profile NAME ATTACH`, or a name that is itself a path.
    static func attachment(of p: ProfileSyntax, in r: ParseResult) -> String? {
        if let t = p.attachmentToken(in: r) { return r.value(t) }
        let name = p.name(in: r)
        return name.hasPrefix("/") || name.hasPrefix("@{") ? name : nil
    }

    func which(_ name: String) -> String? {
        for dir in searchPath where !dir.isEmpty {
            let p = dir + "/" + name
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    /// A line that looks like a profile header (ends with `{`) with a glob or a variable
    /// before its `{`.
    static func hasGlobHeader(_ bytes: [UInt8]) -> Bool {
        var lineStart = 0
        for i in 0...bytes.count where i == bytes.count || bytes[i] == 0x0A {
            var line = bytes[lineStart..<i]
            lineStart = i + 1
            while let f = line.first, f == 0x20 || f == 0x09 { line = line.dropFirst() }
            guard let f = line.first, f != UInt8(ascii: "#") else { continue }
            if let hash = line.firstIndex(of: UInt8(ascii: "#")) { line = line[..<hash] }
            while let l = line.last, l == 0x20 || l == 0x09 || l == 0x0D { line = line.dropLast() }
            guard line.last == UInt8(ascii: "{") else { continue }
            let head = line.dropLast()
            if head.contains(where: { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "{") || $0 == UInt8(ascii: "@") }) {
                return true
            }
        }
        return false
    }

    static func contains(_ hay: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, needle.count <= hay.count else { return needle.isEmpty }
        var i = 0
        let last = hay.count - needle.count
        while i <= last {
            if hay[i] == first, hay[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }

    static func realPath(_ path: String) -> String {
        guard let r = realpath(path, nil) else {
            return PathNames.standardized(path)
        }
        defer { free(r) }
        return String(cString: r)
    }
}
