// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "aaswift",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "aaswift", targets: ["aaswift"]),
        .library(name: "AppArmorSyntax", targets: ["AppArmorSyntax"]),
        .library(name: "AppArmorPolicy", targets: ["AppArmorPolicy"]),
        // For the fuzz targets (Fuzz/Package.swift, `make fuzz`).
        .library(name: "FuzzChecks", targets: ["FuzzChecks"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // Lexer, lossless concrete syntax tree, parser, diagnostics. No I/O beyond reading bytes.
        .target(name: "AppArmorSyntax"),
        // Typed rules, includes, variables, conditionals, AARE matching, validation.
        .target(name: "AppArmorPolicy", dependencies: ["AppArmorSyntax", "CGlibcExtras"]),
        // Text patches on original bytes, canonical printer, unified diff, atomic write.
        .target(name: "AppArmorEdit", dependencies: ["AppArmorSyntax", "AppArmorPolicy"]),
        // Audit record reader and parser (audit.log, syslog, dmesg, journald), events to rules.
        // Proposed rules are written through AppArmorSyntax's quoting and checked by the policy
        // model; live records come through libaudit (CAudit) and SystemAppArmor's subprocesses.
        .target(name: "AuditLog", dependencies: ["AppArmorSyntax", "AppArmorPolicy", "CAudit", "CGlibcExtras", "SystemAppArmor"]),
        // libaudit: the kernel's audit netlink socket, for live records.
        .systemLibrary(
            name: "CAudit",
            pkgConfig: "audit",
            providers: [.apt(["libaudit-dev"])]
        ),
        // glibc's GNU extensions (affinity, memmem) that Swift's Glibc module does not export.
        .target(name: "CGlibcExtras"),
        // The git commit and libapparmor version of the build (`aaswift --version`).
        .target(name: "CBuildInfo"),
        // libapparmor, for the kernel interface and as a test oracle.
        .systemLibrary(
            name: "CAppArmor",
            pkgConfig: "libapparmor",
            providers: [.apt(["libapparmor-dev"])]
        ),
        // The running system: securityfs, /proc attrs, apparmor_parser, behind protocols.
        .target(name: "SystemAppArmor", dependencies: ["CAppArmor"]),
        // What the tools share about a policy: does a rule cover another or a request (the typed
        // rules' coverage, and the index logprof asks per request). Lint, explain and diff
        // belong here too.
        .target(name: "PolicyAnalysis", dependencies: ["AppArmorSyntax", "AppArmorPolicy", "AuditLog"]),
        // easyprof, logprof/genprof/autodep engines, mode changes: no terminal I/O.
        .target(
            name: "ProfileTools",
            dependencies: ["AppArmorSyntax", "AppArmorPolicy", "AppArmorEdit", "AuditLog", "PolicyAnalysis", "SystemAppArmor", "CGlibcExtras"]
        ),
        .executableTarget(
            name: "aaswift",
            dependencies: [
                "AppArmorSyntax", "AppArmorPolicy", "AppArmorEdit", "AuditLog", "SystemAppArmor", "ProfileTools", "PolicyAnalysis", "CBuildInfo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The properties the fuzz targets check (Fuzz/, `make fuzz`); the regression tests replay
        // every input that once broke one.
        .target(
            name: "FuzzChecks",
            dependencies: ["AppArmorSyntax", "AppArmorPolicy", "AppArmorEdit", "AuditLog", "PolicyAnalysis", "ProfileTools"]
        ),
        // Shared helpers for the test targets: corpus locations, running the binary.
        .target(name: "AASwiftTestSupport", path: "Sources/AASwiftTestSupport"),
        .testTarget(name: "AppArmorSyntaxTests", dependencies: ["AppArmorSyntax", "AASwiftTestSupport"]),
        .testTarget(name: "AppArmorPolicyTests", dependencies: ["AppArmorPolicy", "PolicyAnalysis", "AASwiftTestSupport"]),
        .testTarget(name: "AppArmorEditTests", dependencies: ["AppArmorEdit", "AASwiftTestSupport"]),
        .testTarget(name: "AuditLogTests", dependencies: ["AuditLog", "AppArmorSyntax", "AppArmorPolicy", "CAppArmor", "AASwiftTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "SystemAppArmorTests", dependencies: ["SystemAppArmor", "AASwiftTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "PolicyAnalysisTests", dependencies: ["PolicyAnalysis", "AppArmorEdit", "AppArmorPolicy", "AppArmorSyntax", "AASwiftTestSupport"]),
        .testTarget(name: "ProfileToolsTests", dependencies: ["ProfileTools", "PolicyAnalysis", "AASwiftTestSupport"]),
        .testTarget(name: "FuzzRegressionTests", dependencies: ["FuzzChecks", "AASwiftTestSupport"], exclude: ["Inputs"]),
        .testTarget(name: "aaswiftTests", dependencies: ["aaswift", "AASwiftTestSupport"], exclude: ["run-upstream-status.sh", "Fixtures"]),
    ]
)
