import ArgumentParser
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif
import SystemAppArmor

struct ExecCommand: ParsableCommand, UpstreamUsageStatus {
    static let configuration = CommandConfiguration(
        commandName: "exec",
        abstract: "Run a command confined by a profile (aa-exec).",
        discussion: """
            Asks the kernel to move this process to PROFILE when it executes COMMAND \
            (aa_change_onexec), or at once with --immediate (aa_change_profile), then \
            executes COMMAND in its place. A PROFILE written '&name' is stacked on the \
            current confinement instead (aa_stack_onexec / aa_stack_profile). With \
            --namespace the name becomes ':NS://PROFILE'. Without -p and -n the command just \
            runs. Messages are aa-exec's ('[PID] aa-exec: ERROR: ...' when run as aa-exec): \
            errors say whether the profile is not loaded, the change is not allowed, or \
            AppArmor is not available, and the exit status is then 1, as for a usage error.

            Examples:
              aaswift exec -p usr.bin.foo -- /usr/bin/foo --flag
              aaswift exec -p '&sandbox' -- sh -c 'cat /proc/self/attr/current'
            """
    )

    // Repeatable only to refuse a second one as aa-exec does ("Multiple -p/--profile
    // parameters given"), rather than let the last win.
    @Option(name: [.customShort("p"), .customLong("profile")], help: ArgumentHelp("The profile to confine COMMAND with ('&name' stacks it).", valueName: "profile"))
    var profiles: [String] = []

    @Option(name: [.customShort("n"), .customLong("namespace")], help: ArgumentHelp("The policy namespace of the profile.", valueName: "namespace"))
    var namespaces: [String] = []

    var profile: String? { profiles.last }
    var namespace: String? { namespaces.last }

    @Flag(name: [.short, .long], help: "Change profile now, before executing COMMAND (it may then fail to start).")
    var immediate = false

    @Flag(name: [.short, .long], help: "Print what is done on standard error.")
    var verbose = false

    @Flag(name: [.short, .long], help: "Print the libapparmor calls and their results on standard error.")
    var debug = false

    @Argument(parsing: .captureForPassthrough, help: "The command and its arguments (after --).")
    var command: [String] = []

    func run() throws {
        var argv = command
        // The command is taken as it comes (`aaswift exec -p x ls -l` as aa-exec takes it), so
        // help is asked for as its first word.
        if argv.first == "-h" || argv.first == "--help" {
            print(AASwift.helpMessage(for: ExecCommand.self))
            return
        }
        if argv.first == "--" { argv.removeFirst() }
        guard let program = argv.first else { throw ValidationError("give the command to run, after --") }
        let pid = getpid()
        let me = UpstreamNames.programName(for: "exec")
        // aa-exec's three kinds of message: -v, -d, and errors (which end the run, exit 1).
        func say(_ s: String) { StandardStream.standardError.write(Data("[\(pid)] \(s)\n".utf8)) }
        func fail(_ s: String) -> ExitCode {
            say("\(me): ERROR: \(s)")
            return ExitCode(1)
        }
        if profiles.count > 1 { throw fail("Multiple -p/--profile parameters given") }
        if namespaces.count > 1 { throw fail("Multiple -n/--namespace parameters given") }
        if profile != nil || namespace != nil {
            var name = profile ?? ""
            let stack = name.hasPrefix("&")
            if stack { name.removeFirst() }
            if let namespace { name = ":\(namespace)://" + name }
            let transition: LibAppArmor.Transition = stack ? (immediate ? .stackNow : .stackOnExec) : (immediate ? .changeNow : .changeOnExec)
            let call = switch transition {
            case .changeOnExec: "aa_change_onexec"
            case .changeNow: "aa_change_profile"
            case .stackOnExec: "aa_stack_onexec"
            case .stackNow: "aa_stack_profile"
            }
            if verbose { say("\(call)(\"\(name)\")") }
            let failure = LibAppArmor.transition(transition, to: name)
            if debug { say("\(me): DEBUG: \(failure == nil ? 0 : -1) = \(call)(\"\(name)\")") }
            if let failure {
                let what = profile != nil ? "profile" : "namespace"
                switch failure.code {
                case ENOENT: throw fail("\(what) '\(name)' does not exist (is it loaded? see aaswift status)")
                case EACCES: throw fail("insufficient permissions to change to the \(what) '\(name)'")
                case EINVAL: throw fail("AppArmor interface not available")
                default: throw fail("\(failure)")
                }
            }
        }
        if verbose { say("exec " + argv.joined(separator: " ")) }
        let cArgs = argv.map { strdup($0) } + [nil]
        execvp(program, cArgs)
        throw fail("Failed to execute \"\(program)\": \(SystemErrno(errno))")
    }
}
