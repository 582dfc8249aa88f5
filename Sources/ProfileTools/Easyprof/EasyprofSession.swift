import FoundationEssentials
import SystemAppArmor
#if canImport(Glibc)
import Glibc
#endif

/// One `easyprof` invocation: everything the command line said.
public struct EasyprofRequest: Sendable {
    public enum Action: Sendable, Equatable {
        case generate, listTemplates, showTemplate, listPolicyGroups, showPolicyGroup
    }

    public var action: Action = .generate
    public var profile = EasyprofProfileOptions()
    public var search = EasyprofSearchOptions()
    public var outputFormat: EasyprofOutputFormat = .text
    public var outputDirectory: String?
    /// With `outputDirectory`: the files that would be written, as a unified diff on standard
    /// output, and nothing written.
    public var dryRun = false
    public var manifestPath: String?
    public var verifyManifest = false
    public var verify = true
    public var auto = false
    /// The folder relative paths are resolved against.
    public var cwd: String = FileManager.default.currentDirectoryPath

    public init() {}
}

/// What the command shows or has written.
public struct EasyprofResult: Sendable {
    /// Text for standard output (profiles, manifests, listings).
    public var output = ""
    public var warnings: [EasyprofWarning] = []
    /// `--auto`'s choices, per profile (keyed by the profile's name or binary).
    public var autoChoices: [(profile: String, choices: [AutoAbstraction])] = []
    /// `--auto`'s extra rules, per profile.
    public var autoRules: [(profile: String, rules: [AutoRule])] = []
    /// Files written under `--output-directory`.
    public var written: [String] = []
    public var verifications: [ProfileVerification] = []
}

/// Runs a request: validates it, assembles each profile, verifies it, and writes it.
public struct EasyprofSession: Sendable {
    public let verifiers: [any ProfileVerifier]

    public init(verifiers: [any ProfileVerifier]) {
        self.verifiers = verifiers
    }

    public func run(_ request: EasyprofRequest) throws -> EasyprofResult {
        var result = EasyprofResult()
        if request.action == .showPolicyGroup && (request.profile.policyGroups ?? "").isEmpty {
            throw EasyprofError("Must specify -p with --show-policy-group")
        }
        let profiles: [EasyprofProfileOptions]
        if let path = request.manifestPath {
            let full = EasyprofStoreResolver.absolute(path, cwd: request.cwd)
            profiles = try EasyprofManifest.parse(try EasyprofText.readText(full), base: request.profile)
            if profiles.isEmpty { throw EasyprofError("The manifest '\(path)' lists no profiles") }
        } else {
            var p = request.profile
            if let b = p.binary {
                let resolved = try Self.resolveBinary(b, cwd: request.cwd)
                p.binary = resolved.path
                if let w = resolved.warning { result.warnings.append(w) }
            }
            profiles = [p]
        }
        for p in profiles { try EasyprofValidation.checkControlCharacters(p) }

        var rendered: [(name: String, text: String)] = []
        for (index, var options) in profiles.enumerated() {
            try Self.validate(options)
            let (templates, groups) = try EasyprofStoreResolver.resolve(
                search: request.search, profile: options, cwd: request.cwd)
            if let b = options.binary, !b.isEmpty, !EasyprofValidation.isValidBinaryPath(b) || b.contains("\"") {
                throw EasyprofError("Invalid path for binary: '\(b)' (\(Self.binaryProblem(b)))")
            }
            let template = try Self.findTemplate(options.template, in: templates, allowAbsolute: request.manifestPath == nil)
            for g in (options.policyGroups ?? "").split(separator: ",", omittingEmptySubsequences: false)
            where options.policyGroups != nil {
                _ = try groups.find(String(g))
            }

            if let listing = try Self.listingOutput(request.action, options, templates, groups, template) {
                result.output = listing
                return result
            }

            guard (options.binary ?? "") != "" || (options.profileName ?? "") != "" else {
                throw EasyprofError("Must specify binary and/or profile name")
            }
            let key = options.profileName.flatMap { $0.isEmpty ? nil : $0 } ?? options.binary!
            if request.auto {
                let (choices, rules) = try autoAbstractions(for: options, template: template, search: request.search)
                result.autoChoices.append((key, choices))
                result.autoRules.append((key, rules))
                options.extraRules += rules
                let extra = choices.filter(\.included).map(\.abstraction)
                var all = (options.abstractions ?? "").split(separator: ",").map(String.init)
                for a in extra where !all.contains(a) { all.append(a) }
                if !all.isEmpty { options.abstractions = all.joined(separator: ",") }
            }
            if request.manifestPath != nil && request.verifyManifest {
                let problems = EasyprofManifest.review(options)
                if !problems.isEmpty {
                    throw EasyprofError(
                        "Manifest file requires review",
                        details: "Manifest definition is potentially unsafe\n" + problems.joined(separator: "\n"))
                }
            }
            if request.outputFormat == .json {
                result.output += try EasyprofManifest.generate(options, templateName: template.name) + "\n"
                continue
            }
            let renderer = EasyprofRenderer(template: template, policyGroups: groups, search: request.search)
            let policy = try renderer.render(options)
            if request.verify {
                try verify(policy, search: request.search, result: &result)
            }
            if request.outputDirectory == nil {
                if profiles.count > 1 { result.output += "### aa-easyprof profile #\(index + 1) ###\n" }
                result.output += policy + "\n"
            }
            rendered.append((key, policy))
        }
        if let dir = request.outputDirectory, request.outputFormat == .text {
            let folder = EasyprofStoreResolver.absolute(dir, cwd: request.cwd)
            if request.dryRun {
                result.output += try EasyprofOutputWriter.plannedDiff(rendered, to: folder)
            } else {
                result.written = try EasyprofOutputWriter.write(rendered, to: folder)
            }
        }
        return result
    }

    /// The text of `--list-*` and `--show-*`, or nil when generating.
    static func listingOutput(
        _ action: EasyprofRequest.Action, _ options: EasyprofProfileOptions, _ templates: EasyprofStore,
        _ groups: EasyprofStore, _ template: EasyprofSourceFile
    ) throws -> String? {
        switch action {
        case .listTemplates:
            return templates.list().map { $0.name + "\n" }.joined()
        case .showTemplate:
            return template.contents + "\n"
        case .listPolicyGroups:
            return groups.list().map { $0.name + "\n" }.joined()
        case .showPolicyGroup:
            return try (options.policyGroups ?? "").components(separatedBy: ",")
                .map { try groups.find($0).contents + "\n" }.joined()
        case .generate:
            return nil
        }
    }

    /// A relative binary becomes absolute (against `cwd`) and must exist. An absolute one may
    /// be missing, as aa-easyprof allows (packagers write profiles before the program is
    /// installed): the answer then carries a warning.
    public static func resolveBinary(_ binary: String, cwd: String) throws -> (path: String, warning: EasyprofWarning?) {
        if binary.isEmpty { throw EasyprofError("The binary path is empty") }
        let path = binary.hasPrefix("/") ? binary : EasyprofStoreResolver.absolute(binary, cwd: cwd)
        var st = stat()
        if lstat(path, &st) == 0 { return (path, nil) }
        if binary.hasPrefix("/") {
            return (path, EasyprofWarning("'\(binary)' does not exist (yet); writing its profile anyway"))
        }
        throw EasyprofError(
            "The binary '\(binary)' does not exist (looked for \(path)); give an absolute path for a program not installed yet, or use --profile-name")
    }

    static func binaryProblem(_ b: String) -> String {
        if !b.hasPrefix("/") { return "it must be an absolute path" }
        if b.contains("\"") { return "it contains a double quote" }
        let n = EasyprofValidation.normalize(b)
        if n != b { return "it is not normalised; did you mean '\(n)'?" }
        if let real = realpath(b, nil) {
            defer { free(real) }
            return "it resolves to '\(String(cString: real))' through a symlink; profile that path instead"
        }
        return "it cannot be resolved"
    }

    /// aa-easyprof's option checks (`verify_options`).
    static func validate(_ o: EasyprofProfileOptions) throws {
        if let b = o.manifestBinary, !b.isEmpty, !EasyprofValidation.isValidPath(b) {
            throw EasyprofError("Invalid binary '\(b)'")
        }
        if let p = o.profileName {
            guard EasyprofValidation.isValidProfileName(p) else { throw EasyprofError("Invalid profile name '\(p)'") }
            if let b = o.manifestBinary, !b.isEmpty, p.hasPrefix("/") {
                throw EasyprofError("Profile name should not specify path with binary")
            }
        }
        if let v = o.policyVendor, !v.isEmpty, !EasyprofValidation.isSafeName(v) {
            throw EasyprofError("Invalid policy vendor '\(v)'")
        }
        if let v = o.policyVersionText, !v.isEmpty, !EasyprofValidation.isValidPolicyVersion(v) {
            throw EasyprofError("Invalid policy version '\(v)'")
        }
        if !o.template.isEmpty, !EasyprofValidation.isValidTemplateName(o.template) {
            throw EasyprofError("Invalid template '\(o.template)'")
        }
        for v in o.templateVariables where !EasyprofValidation.isValidVariable(v) {
            throw EasyprofError("Invalid variable '\(v)' (expected @{NAME}=value, without '\"' or '..')")
        }
        for g in (o.policyGroups ?? "").components(separatedBy: ",") where o.policyGroups?.isEmpty == false {
            if !EasyprofValidation.isSafeName(g) { throw EasyprofError("Invalid policy group '\(g)'") }
        }
        for a in (o.abstractions ?? "").components(separatedBy: ",") where o.abstractions?.isEmpty == false {
            if !EasyprofValidation.isSafeName(a) { throw EasyprofError("Invalid abstraction '\(a)'") }
        }
        for (kind, paths) in [("read", o.readPaths), ("write", o.writePaths)] {
            for p in paths {
                if let why = EasyprofValidation.pathProblem(p) {
                    throw EasyprofError("Invalid \(kind) path '\(p)': \(why)")
                }
            }
        }
    }

    static func findTemplate(_ name: String, in store: EasyprofStore, allowAbsolute: Bool) throws -> EasyprofSourceFile {
        if name.contains("../") { throw EasyprofError("template \"\(name)\" contains \"../\" escape path") }
        if name.hasPrefix("/") {
            guard allowAbsolute else { throw EasyprofError("Cannot use an absolute path template '\(name)'") }
            guard FileManager.default.fileExists(atPath: name) else { throw EasyprofError("\(name) does not exist") }
            return try EasyprofStore.load(name: name, path: name, kind: .templates)
        }
        return try store.find(name)
    }

    func autoAbstractions(
        for o: EasyprofProfileOptions, template: EasyprofSourceFile, search: EasyprofSearchOptions
    ) throws -> ([AutoAbstraction], [AutoRule]) {
        guard let binary = o.binary, !binary.isEmpty else {
            throw EasyprofError("--auto needs the program's path")
        }
        guard FileManager.default.fileExists(atPath: binary) else {
            throw EasyprofError("--auto: '\(binary)' does not exist")
        }
        let program = try EasyprofAutoDetect.inspect(binary)
        let fm = FileManager.default
        var choices = EasyprofAutoDetect.choose(for: program) { a in
            fm.fileExists(atPath: search.effectiveParserBase + "/abstractions/" + a)
                || search.parserInclude.map { fm.fileExists(atPath: $0 + "/abstractions/" + a) } == true
        }
        // The template may already include some of them.
        for i in choices.indices where choices[i].included {
            let a = choices[i].abstraction
            if template.contents.contains("<abstractions/\(a)>") {
                choices[i].included = false
                choices[i].reason += "; already included by the template"
            }
        }
        return (choices, EasyprofAutoDetect.rules(for: program, search: SystemPrograms.searchPath()))
    }

    func verify(_ policy: String, search: EasyprofSearchOptions, result: inout EasyprofResult) throws {
        let context = ProfileVerificationContext(base: search.effectiveParserBase, include: search.parserInclude)
        for v in verifiers {
            let outcome = v.verify(policy, context: context)
            result.verifications.append(outcome)
            if outcome.skipped {
                result.warnings.append(EasyprofWarning(outcome.diagnostics))
                continue
            }
            if !outcome.accepted {
                let numbered = EasyprofText.splitLines(policy).enumerated()
                    .map { String(repeating: " ", count: max(0, 4 - String($0.offset + 1).count)) + "\($0.offset + 1)  " + $0.element }.joined(separator: "\n")
                throw EasyprofError(
                    "Invalid policy: \(outcome.checker) rejected the generated profile",
                    details: outcome.diagnostics.trimmed(where: \.isNewline)
                        + "\n\nThe generated profile:\n" + numbered)
            }
        }
    }
}
