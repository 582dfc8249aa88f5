import FoundationEssentials
import AppArmorPolicy
#if canImport(Glibc)
import Glibc
#endif

/// One abstraction `--auto` picked, and why.
public struct AutoAbstraction: Sendable, Equatable {
    public var abstraction: String
    public var reason: String
    /// False when the abstraction is not installed under `-b`/`-I` and was left out.
    public var included: Bool

    public init(abstraction: String, reason: String, included: Bool = true) {
        self.abstraction = abstraction
        self.reason = reason
        self.included = included
    }
}

/// A rule `--auto` adds besides abstractions (a script's interpreter), and why.
public struct AutoRule: Sendable, Equatable {
    public var rule: String
    public var reason: String
}

/// What kind of program a file is, as far as choosing abstractions goes.
public enum InspectedProgram: Sendable, Equatable {
    case elf(ELFDynamicInfo)
    /// A `#!` script: the interpreter's path, and the program `env` was asked to find, if any.
    case script(interpreter: String, envProgram: String?)
    case other
}

/// `--auto`: looks at the program and chooses abstractions for it.
public enum EasyprofAutoDetect {
    public static func inspect(_ path: String) throws -> InspectedProgram {
        guard let head = PosixFiles.readPrefix(path, upTo: 256) else {
            throw EasyprofError("--auto: cannot read '\(path)'")
        }
        if head.starts(with: [0x7F, 0x45, 0x4C, 0x46]) {
            guard let all = PosixFiles.read(path) else { throw EasyprofError("--auto: cannot read '\(path)'") }
            if let info = try ELFDynamicInfo.parse(Data(all)) { return .elf(info) }
        }
        if head.starts(with: [0x23, 0x21]) {
            let line = String(decoding: head.dropFirst(2).prefix { $0 != 0x0A }, as: UTF8.self)
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let interp = words.first else { return .other }
            if EasyprofText.basename(interp) == "env" {
                // `#!/usr/bin/env [-S] [-i] [VAR=x] prog args`
                let prog = words.dropFirst().first { !$0.hasPrefix("-") && !$0.contains("=") }
                return .script(interpreter: interp, envProgram: prog)
            }
            return .script(interpreter: interp, envProgram: nil)
        }
        return .other
    }

    /// Chooses abstractions for the program. `available` says whether an abstraction exists.
    public static func choose(for program: InspectedProgram, available: (String) -> Bool) -> [AutoAbstraction] {
        var picks: [AutoAbstraction] = []
        func add(_ a: String, _ why: String) {
            if picks.contains(where: { $0.abstraction == a }) { return }
            picks.append(AutoAbstraction(abstraction: a, reason: why, included: available(a)))
        }
        switch program {
        case .elf(let info):
            if let interp = info.interpreter {
                add("base", "dynamically linked (program interpreter \(interp))")
            } else if info.hasDynamicSegment {
                add("base", "dynamically linked")
            } else {
                add("base", "statically linked program")
            }
            for lib in info.needed {
                for a in abstractions(forLibrary: lib) { add(a, "links \(lib)") }
            }
            let lookups = info.importedSymbols.filter { nameserviceFunctions.contains($0) }
            if !lookups.isEmpty {
                add("nameservice", "calls \(lookups.prefix(3).joined(separator: ", ")) (users, groups or host names)")
            }
        case .script(let interpreter, let envProgram):
            let prog = envProgram ?? EasyprofText.basename(interpreter)
            let shown = envProgram.map { "\(interpreter) \($0)" } ?? interpreter
            add("base", "script run by \(shown)")
            if let a = abstraction(forInterpreter: prog) {
                add(a, "script interpreter \(shown)")
            }
        case .other:
            add("base", "every program needs it")
        }
        return picks
    }

    /// Rules a script needs to start: executing its interpreter (and `env`, when the `#!` line
    /// goes through it) inside the profile. `search` is `$PATH` for `env`'s lookup.
    public static func rules(for program: InspectedProgram, search: [String]) -> [AutoRule] {
        guard case .script(let interpreter, let envProgram) = program else { return [] }
        var out: [AutoRule] = []
        func add(_ path: String, _ why: String) {
            let real = resolve(path)
            guard !real.contains("\""), !out.contains(where: { $0.rule.hasPrefix(real + " ") }) else { return }
            let quoted = real.contains(" ") ? "\"\(real)\"" : real
            out.append(AutoRule(rule: "\(quoted) ix,", reason: why))
        }
        add(interpreter, "the script's #! interpreter \(interpreter)")
        if let envProgram {
            let found = envProgram.hasPrefix("/")
                ? envProgram
                : search.map { "\($0)/\(envProgram)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
            if let found { add(found, "the interpreter env finds for '\(envProgram)'") }
        }
        return out
    }

    static func resolve(_ path: String) -> String {
        guard let r = realpath(path, nil) else { return path }
        defer { free(r) }
        return String(cString: r)
    }

    /// `python3.11` -> `python`, `bash` -> `bash`, ...
    public static func abstraction(forInterpreter name: String) -> String? {
        let stem = String(name.prefix { !$0.isNumber && $0 != "." && $0 != "-" })
        switch stem {
        case "python", "pypy": return "python"
        case "perl": return "perl"
        case "ruby": return "ruby"
        case "php": return "php"
        case "sh", "bash", "dash", "ash", "ksh", "mksh", "zsh", "busybox": return "bash"
        default: return nil
        }
    }

    /// C library functions that consult NSS (passwd, group, hosts, services...).
    static let nameserviceFunctions: Set<String> = [
        "getaddrinfo", "getnameinfo", "gethostbyname", "gethostbyname2", "gethostbyname_r", "gethostbyname2_r",
        "gethostbyaddr", "gethostbyaddr_r", "getservbyname", "getservbyport", "getprotobyname",
        "getpwnam", "getpwnam_r", "getpwuid", "getpwuid_r", "getpwent", "getgrnam", "getgrnam_r", "getgrgid",
        "getgrgid_r", "getgrent", "getgrouplist", "initgroups", "getspnam", "res_init", "res_query", "res_search",
        "__res_init", "getlogin", "getlogin_r",
    ]

    /// Library (soname) prefixes and the abstractions they call for.
    static let libraryRules: [(prefix: String, abstractions: [String])] = [
        ("libnss_", ["nameservice"]),
        ("libresolv.", ["nameservice"]),
        ("libnsl.", ["nameservice"]),
        ("libssl.", ["openssl", "ssl_certs"]),
        ("libcrypto.", ["openssl"]),
        ("libgnutls.", ["ssl_certs"]),
        ("libnss3.", ["ssl_certs"]),
        ("libkrb5.", ["kerberosclient"]),
        ("libgssapi_krb5.", ["kerberosclient"]),
        ("libldap", ["ldapclient"]),
        ("libpam.", ["authentication"]),
        ("libX11.", ["X"]),
        ("libxcb.", ["X"]),
        ("libwayland-client.", ["wayland"]),
        ("libgtk-3.", ["gnome", "gtk"]),
        ("libgtk-4.", ["gnome", "gtk"]),
        ("libgtk-x11-2.0.", ["gnome", "gtk"]),
        ("libQt5Gui.", ["qt5", "kde"]),
        ("libQt6Gui.", ["qt6", "kde"]),
        ("libfontconfig.", ["fonts"]),
        ("libfreetype.", ["fonts"]),
        ("libpulse.", ["audio"]),
        ("libasound.", ["audio"]),
        ("libpipewire-", ["audio"]),
        ("libGL.", ["mesa", "dri-common"]),
        ("libEGL.", ["mesa", "dri-common"]),
        ("libvulkan.", ["vulkan"]),
        ("libgstreamer-", ["gstreamer"]),
        ("libenchant", ["enchant"]),
        ("libpython", ["python"]),
        ("libperl.", ["perl"]),
        ("libruby", ["ruby"]),
        ("libdbus-1.", ["dbus-session-strict"]),
    ]

    public static func abstractions(forLibrary soname: String) -> [String] {
        libraryRules.first { soname.hasPrefix($0.prefix) }?.abstractions ?? []
    }
}
