import ArgumentParser
import FoundationEssentials
import ProfileTools
import SystemAppArmor

struct EasyprofCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "easyprof",
        abstract: "Generate a first AppArmor profile for a program from a template.",
        usage: "aaswift easyprof [options] <program>",
        discussion: """
            Fills a template with the rules you ask for and prints the profile (or writes it to \
            --output-directory). The result is checked with apparmor_parser before it is shown; \
            --no-verify skips that. Options and output match aa-easyprof when given the same \
            templates.

            Templates and policy groups are looked up in --templates-dir/--policy-groups-dir, \
            then the folders named by the easyprof.conf of -c (else /etc/apparmor/easyprof.conf, \
            as aa-easyprof reads it, when they exist), then /usr/share/aaswift/easyprof, then \
            the copies built into aaswift. Policy groups \
            that use @{APPNAME} need --template-var '@{APPNAME}=NAME'.

            Paths in --read-path/--write-path must be absolute (or start with a variable) and \
            may not contain '..'; a trailing '/' \
            also grants everything below, 'DIR/*' and 'DIR/**' also grant DIR itself, and paths \
            under /home or @{HOME} get 'owner'.

            --auto reads the program (its ELF interpreter and needed libraries, or the #! line \
            of a script) and adds the abstractions it needs (and, for scripts, a rule to run \
            the interpreter), saying why on standard error.

            Exit status: 0 on success, 1 on any error (nothing is written then).

            Examples:
              aaswift easyprof --auto ./myapp
              aaswift easyprof -a nameservice -r /srv/data/ -w /var/log/app/ /usr/bin/app
              aaswift easyprof -p user-config --template-var '@{APPNAME}=app' ./app
              aaswift easyprof --list-templates
            See also: man aaswift-easyprof
            """
    )

    @Argument(help: "The program to confine; a relative path is made absolute. Optional with --profile-name or --manifest.")
    var program: String?

    @Option(name: [.customShort("t"), .long], help: ArgumentHelp("Template to start from (default: 'default'), or an absolute path.", valueName: "TEMPLATE"))
    var template: String?
    @Option(name: .customLong("templates-dir"), help: ArgumentHelp("Look up templates here.", valueName: "DIR"))
    var templatesDir: String?
    @Option(name: .customLong("include-templates-dir"), help: ArgumentHelp("Also look up templates here.", valueName: "DIR"))
    var includeTemplatesDir: String?
    @Option(name: [.customShort("p"), .customLong("policy-groups")], help: ArgumentHelp("Comma-separated policy groups to add.", valueName: "GROUPS"))
    var policyGroups: String?
    @Option(name: .customLong("policy-groups-dir"), help: ArgumentHelp("Look up policy groups here.", valueName: "DIR"))
    var policyGroupsDir: String?
    @Option(name: .customLong("include-policy-groups-dir"), help: ArgumentHelp("Also look up policy groups here.", valueName: "DIR"))
    var includePolicyGroupsDir: String?
    @Option(name: [.customShort("a"), .long], help: ArgumentHelp("Comma-separated abstractions to include (e.g. nameservice,ssl_certs).", valueName: "LIST"))
    var abstractions: String?
    @Option(name: [.customShort("b"), .customLong("base")], help: ArgumentHelp("Base folder for abstractions and verification (default /etc/apparmor.d).", valueName: "DIR"))
    var base: String?
    @Option(name: [.customShort("I"), .customLong("Include")], help: ArgumentHelp("Extra folder to find abstractions in.", valueName: "DIR"))
    var include: String?
    @Option(name: [.customShort("r"), .customLong("read-path")], help: ArgumentHelp("Allow reading PATH (repeatable).", valueName: "PATH"))
    var readPath: [String] = []
    @Option(name: [.customShort("w"), .customLong("write-path")], help: ArgumentHelp("Allow writing PATH (repeatable).", valueName: "PATH"))
    var writePath: [String] = []
    @Option(name: [.customShort("n"), .long], help: ArgumentHelp("Descriptive name of the policy (not the profile name).", valueName: "NAME"))
    var name: String?
    @Option(name: .customLong("profile-name"), help: ArgumentHelp("AppArmor profile name.", valueName: "NAME"))
    var profileName: String?
    @Option(name: .customLong("template-var"), help: ArgumentHelp("Declare a variable, e.g. '@{APPNAME}=foo' (repeatable).", valueName: "@{VAR}=VALUE"))
    var templateVar: [String] = []
    @Option(help: ArgumentHelp("Comment line for the policy.", valueName: "TEXT"))
    var comment: String?
    @Option(help: ArgumentHelp("Author line for the policy.", valueName: "TEXT"))
    var author: String?
    @Option(help: ArgumentHelp("Copyright line for the policy.", valueName: "TEXT"))
    var copyright: String?
    @Flag(name: .customLong("list-templates"), help: "List the available templates.")
    var listTemplates = false
    @Flag(name: .customLong("show-template"), help: "Print the template given with -t.")
    var showTemplate = false
    @Flag(name: .customLong("list-policy-groups"), help: "List the available policy groups.")
    var listPolicyGroups = false
    @Flag(name: .customLong("show-policy-group"), help: "Print the policy groups given with -p.")
    var showPolicyGroup = false
    @Option(name: .customLong("policy-version"), help: ArgumentHelp("Use the templates of this version (with --policy-vendor).", valueName: "VERSION"))
    var policyVersion: String?
    @Option(name: .customLong("policy-vendor"), help: ArgumentHelp("Use the templates of this vendor (with --policy-version).", valueName: "VENDOR"))
    var policyVendor: String?
    @Option(name: [.customShort("c"), .customLong("config-file")], help: ArgumentHelp("easyprof.conf naming TEMPLATES_DIR and POLICYGROUPS_DIR.", valueName: "FILE"))
    var configFile: String?
    @Option(name: .customLong("output-format"), help: ArgumentHelp("text (a profile) or json (a manifest).", valueName: "FORMAT"))
    var outputFormat: String = "text"
    @Option(name: .customLong("output-directory"), help: ArgumentHelp("Write profiles into DIR instead of printing them; never overwrites.", valueName: "DIR"))
    var outputDirectory: String?

    @Flag(name: .customLong("dry-run"), help: "With --output-directory: print the files it would write, as a unified diff, and write nothing.")
    var dryRun = false
    @Option(name: [.customShort("m"), .long], help: ArgumentHelp("Read the profiles to generate from a JSON manifest.", valueName: "FILE"))
    var manifest: String?
    @Flag(name: .customLong("verify-manifest"), help: "Refuse manifest entries that need review (paths, abstractions, globs).")
    var verifyManifest = false
    @Option(name: .customLong("parser"), help: ArgumentHelp("apparmor_parser to verify with.", valueName: "PATH"))
    var parser: String?
    @Flag(name: .customLong("no-verify"), help: "Do not check the result with apparmor_parser.")
    var noVerify = false
    @Flag(help: "Inspect the program and add the abstractions it needs (beyond aa-easyprof).")
    var auto = false
    @Flag(name: [.customShort("d"), .long], help: "Show debugging output.")
    var debug = false

    func validate() throws {
        guard EasyprofOutputFormat(rawValue: outputFormat) != nil else {
            throw ValidationError("--output-format must be 'text' or 'json', not '\(outputFormat)'")
        }
        if manifest != nil {
            let conflicts: [(String, Bool)] = [
                ("abstractions", abstractions != nil), ("read-path", !readPath.isEmpty),
                ("write-path", !writePath.isEmpty), ("policy-groups", policyGroups != nil),
                ("policy-version", policyVersion != nil), ("policy-vendor", policyVendor != nil),
                ("name", name != nil), ("profile-name", profileName != nil), ("comment", comment != nil),
                ("copyright", copyright != nil), ("author", author != nil), ("template-var", !templateVar.isEmpty),
            ]
            if let c = conflicts.first(where: \.1) {
                throw ValidationError("can't use --\(c.0) with --manifest argument")
            }
        }
    }

    func makeRequest() -> EasyprofRequest {
        var r = EasyprofRequest()
        if listTemplates { r.action = .listTemplates }
        else if showTemplate { r.action = .showTemplate }
        else if listPolicyGroups { r.action = .listPolicyGroups }
        else if showPolicyGroup { r.action = .showPolicyGroup }
        var p = EasyprofProfileOptions()
        p.binary = program
        p.template = template ?? "default"
        p.abstractions = abstractions
        p.policyGroups = policyGroups
        p.readPaths = readPath
        p.writePaths = writePath
        p.name = name
        p.profileName = profileName
        p.templateVariables = templateVar
        p.comment = comment
        p.author = author
        p.copyright = copyright
        p.policyVersion = policyVersion.map { .string($0) }
        p.policyVendor = policyVendor
        r.profile = p
        var s = EasyprofSearchOptions()
        s.templatesDir = templatesDir
        s.includeTemplatesDir = includeTemplatesDir
        s.policyGroupsDir = policyGroupsDir
        s.includePolicyGroupsDir = includePolicyGroupsDir
        s.configFile = configFile
        s.systemConfigFile = EasyprofSearchOptions.standardConfigFile
        s.parserBase = base
        s.parserInclude = include
        if let env = ProcessEnvironment.value("AASWIFT_EASYPROF_DIR") {
            // A folder of defaults named for this run wins over the system's easyprof.conf.
            s.installedDefaultsDir = env
            s.systemConfigFile = nil
        }
        r.search = s
        r.outputFormat = EasyprofOutputFormat(rawValue: outputFormat) ?? .text
        r.outputDirectory = outputDirectory
        r.dryRun = dryRun
        r.manifestPath = manifest
        r.verifyManifest = verifyManifest
        r.verify = !noVerify
        r.auto = auto
        return r
    }

    func run() throws {
        let session = EasyprofSession(verifiers: EasyprofVerifiers.standard(parserPath: parser))
        let result: EasyprofResult
        do {
            result = try session.run(makeRequest())
        } catch let e as EasyprofError {
            if let details = e.details { Self.stderr(details + "\n") }
            Self.stderr("aaswift easyprof: error: \(e.message)\n")
            throw ExitCode(1)
        }
        for (profile, choices) in result.autoChoices {
            for c in choices {
                let state = c.included ? "adding" : "not adding"
                let note = c.included || c.reason.contains("already included") ? "" : " (not installed)"
                Self.stderr("auto: \(profile): \(state) abstractions/\(c.abstraction)\(note): \(c.reason)\n")
            }
        }
        for (profile, rules) in result.autoRules {
            for r in rules { Self.stderr("auto: \(profile): adding rule '\(r.rule)': \(r.reason)\n") }
        }
        for w in result.warnings { Self.stderr("aaswift easyprof: warning: \(w.message)\n") }
        if debug {
            for v in result.verifications { Self.stderr("debug: verified by \(v.checker)\n") }
        }
        StandardStream.standardOutput.write(Data(result.output.utf8))
        for f in result.written { Self.stderr("wrote \(f)\n") }
    }

    static func stderr(_ s: String) {
        StandardStream.standardError.write(Data(s.utf8))
    }
}
