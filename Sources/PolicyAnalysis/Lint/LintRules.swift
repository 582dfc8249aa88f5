import AppArmorSyntax

/// One check of `aaswift lint`: a stable ID in the AA4xxx range (never reused for another
/// meaning), a short name, its severity and the one-line rationale the man page and SARIF's
/// `shortDescription` show. Findings at `note` do not fail a run; `warning` and `error` do.
public struct LintRule: Sendable, Hashable {
    public let id: String
    public let name: String
    public let severity: Severity
    /// Why the check exists, in one line.
    public let summary: String
    /// `--fix` can remove or add text for it without changing what the policy allows.
    public let fixable: Bool

    init(_ id: String, _ name: String, _ severity: Severity, _ summary: String, fixable: Bool = false) {
        self.id = id
        self.name = name
        self.severity = severity
        self.summary = summary
        self.fixable = fixable
    }

    public var diagnosticID: DiagnosticID { DiagnosticID(id) }
}

extension LintRule {
    // Redundancy (cleanprof's engine).
    public static let duplicate = LintRule("AA4001", "duplicate", .warning,
        "An exact duplicate of an earlier rule or include of the same block: it adds nothing.", fixable: true)
    public static let redundant = LintRule("AA4002", "redundant", .warning,
        "A rule another rule of the profile, or an include it loads, already covers: it adds nothing.", fixable: true)
    // Allow/deny interplay.
    public static let deadAllow = LintRule("AA4003", "dead-allow", .warning,
        "An allow rule a deny rule refuses entirely: it grants nothing, and reads as if it did.")
    public static let denyNothing = LintRule("AA4004", "deny-nothing", .note,
        "A deny rule no allow rule or include grants anything of: harmless (it guards against later grants, or silences log noise), listed for review.")
    // Broad grants in confined profiles.
    public static let broadWrite = LintRule("AA4010", "broad-write", .warning,
        "Write, link or exec over every path (/** w, file,): the profile confines almost nothing.")
    public static let bareCapability = LintRule("AA4011", "bare-capability", .warning,
        "'capability,' grants every capability, root's full power.")
    public static let bareNetwork = LintRule("AA4012", "bare-network", .note,
        "'network,' grants every socket family and type; name the families the program uses.")
    public static let bareMount = LintRule("AA4013", "bare-mount", .warning,
        "'mount,' lets the program mount anything anywhere, which can replace any file the policy refers to.")
    public static let barePtrace = LintRule("AA4014", "bare-ptrace", .warning,
        "'ptrace,' lets the program read and trace every process it can reach, other profiles included.")
    public static let unconfinedExec = LintRule("AA4015", "unconfined-exec", .warning,
        "ux/Ux (or a pux/cux fallback) runs a program with no confinement at all.")
    public static let homeWrite = LintRule("AA4016", "home-write", .warning,
        "Write to every file of the home folders: dot files (shell start-up, autostart) give code execution outside the profile.")
    public static let procMem = LintRule("AA4017", "proc-mem", .warning,
        "/proc/*/mem gives read or write access to other processes' memory.")
    public static let capSysAdmin = LintRule("AA4018", "cap-sys-admin", .warning,
        "capability sys_admin is close to root: mounts, namespaces, many device ioctls.")
    public static let broadRead = LintRule("AA4019", "broad-read", .note,
        "Read over every path (/** r): secrets (keys, shadow files) are readable unless denied.")
    // Write and execute.
    public static let writeExec = LintRule("AA4020", "write-exec", .warning,
        "Write and execute (or mmap as code) on the same path (W^X): the program can run code it wrote.")
    public static let inheritWritable = LintRule("AA4021", "ix-writable", .warning,
        "ix on a path the profile can write: code the program wrote runs under the profile.")
    // File layout.
    public static let missingABI = LintRule("AA4030", "missing-abi", .warning,
        "A profile file without 'abi <...>,' is compiled against whatever ABI the parser defaults to, which changes between systems.",
        fixable: true)
    public static let missingInclude = LintRule("AA4031", "missing-include", .error,
        "An include of a file that does not exist, without 'if exists': apparmor_parser refuses the policy.")
    public static let missingLocalInclude = LintRule("AA4032", "missing-local-include", .note,
        "No 'include if exists <local/NAME>': local changes must then edit the packaged file, and are lost on upgrade.")
    // Variables and attachments.
    public static let unusedVariable = LintRule("AA4040", "unused-variable", .warning,
        "A variable the file defines and nothing it loads uses: a typo, or a leftover.")
    public static let undefinedVariable = LintRule("AA4041", "undefined-variable", .error,
        "A variable used and defined nowhere the file loads: apparmor_parser refuses the policy.")
    public static let attachmentNotAbsolute = LintRule("AA4042", "attachment-not-absolute", .error,
        "An attachment must be an absolute path: apparmor_parser refuses the profile.")
    public static let attachmentDuplicate = LintRule("AA4043", "attachment-duplicate", .warning,
        "Two profiles attach to the same paths: which one confines the program is not evident.")
    public static let attachmentOverlap = LintRule("AA4044", "attachment-overlap", .note,
        "An attachment pattern also matches another profile's path: the more specific one wins, which may not be the intent.")
    // What the abi lacks.
    public static let abiUnsupported = LintRule("AA4050", "abi-unsupported", .warning,
        "A rule the profile's abi does not have the feature for: the kernel does not enforce it as written.")
    // The file does not check.
    public static let policyError = LintRule("AA4090", "policy-error", .error,
        "The file does not load as apparmor_parser would load it ('aaswift check' says why).")

    /// Every check, in ID order.
    public static let all: [LintRule] = [
        duplicate, redundant, deadAllow, denyNothing,
        broadWrite, bareCapability, bareNetwork, bareMount, barePtrace, unconfinedExec, homeWrite, procMem, capSysAdmin, broadRead,
        writeExec, inheritWritable,
        missingABI, missingInclude, missingLocalInclude,
        unusedVariable, undefinedVariable, attachmentNotAbsolute, attachmentDuplicate, attachmentOverlap,
        abiUnsupported, policyError,
    ]

    /// The check with this ID (`AA4001`) or name (`duplicate`).
    public static func named(_ s: String) -> LintRule? {
        all.first { $0.id == s.uppercased() || $0.name == s }
    }
}

/// What `--fix` does about a finding: edits on the file's original bytes.
public enum LintFix: Sendable, Equatable {
    /// Remove the statement at these bytes (with its own lines, as `StatementRemoval` cuts).
    case removeStatement(Range<Int>)
    /// Insert text at an offset.
    case insert(String, at: Int)
}

/// One finding: a check, where (a byte range of a file) and what it says.
public struct LintFinding: Sendable, Equatable {
    public var rule: LintRule
    public var file: String
    public var range: Range<Int>
    public var line: Int
    public var column: Int
    public var message: String
    public var fix: LintFix?

    public init(rule: LintRule, file: String, range: Range<Int>, line: Int, column: Int, message: String, fix: LintFix? = nil) {
        self.rule = rule
        self.file = file
        self.range = range
        self.line = line
        self.column = column
        self.message = message
        self.fix = fix
    }

    public init(_ rule: LintRule, _ message: String, at range: Range<Int>, in source: SourceFile, fix: LintFix? = nil) {
        let loc = source.location(of: range.lowerBound)
        self.init(rule: rule, file: source.path, range: range, line: loc.line, column: loc.column, message: message, fix: fix)
    }

    /// `file:line:col: severity: message [AA4xxx]`.
    public var oneLine: String {
        "\(file):\(line):\(column): \(rule.severity.rawValue): \(message) [\(rule.id)]"
    }

    /// Whether it fails a run (warning or error).
    public var fails: Bool { rule.severity >= .warning }
}
