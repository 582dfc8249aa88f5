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
        .target(name: "AppArmorPolicy", dependencies: ["AppArmorSyntax"]),
        // Text patches on original bytes, canonical printer, unified diff, atomic write.
        .target(name: "AppArmorEdit", dependencies: ["AppArmorSyntax", "AppArmorPolicy"]),
        // Audit record reader and parser (audit.log, syslog, dmesg, journald), events to rules.
        .target(name: "AuditLog"),
        // libapparmor, for the kernel interface and as a test oracle.
        .systemLibrary(
            name: "CAppArmor",
            pkgConfig: "libapparmor",
            providers: [.apt(["libapparmor-dev"])]
        ),
        // The running system: securityfs, /proc attrs, apparmor_parser, behind protocols.
        .target(name: "SystemAppArmor", dependencies: ["CAppArmor"]),
        // easyprof, logprof/genprof/autodep engines, mode changes: no terminal I/O.
        .target(
            name: "ProfileTools",
            dependencies: ["AppArmorSyntax", "AppArmorPolicy", "AppArmorEdit", "AuditLog", "SystemAppArmor"]
        ),
        .executableTarget(
            name: "aaswift",
            dependencies: [
                "AppArmorSyntax", "AppArmorPolicy", "AppArmorEdit", "AuditLog", "SystemAppArmor", "ProfileTools",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The properties the fuzz targets check (Fuzz/, `make fuzz`); the regression tests replay
        // every input that once broke one.
        .target(
            name: "FuzzChecks",
            dependencies: ["AppArmorSyntax", "AppArmorPolicy", "AuditLog", "ProfileTools"]
        ),
        // Shared helpers for the test targets: corpus locations, running the binary.
        .target(name: "AASwiftTestSupport", path: "Sources/AASwiftTestSupport"),
        .testTarget(name: "AppArmorSyntaxTests", dependencies: ["AppArmorSyntax", "AASwiftTestSupport"]),
        .testTarget(name: "AppArmorPolicyTests", dependencies: ["AppArmorPolicy", "AASwiftTestSupport"]),
        .testTarget(name: "AppArmorEditTests", dependencies: ["AppArmorEdit", "AASwiftTestSupport"]),
        .testTarget(name: "AuditLogTests", dependencies: ["AuditLog", "CAppArmor", "AASwiftTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "SystemAppArmorTests", dependencies: ["SystemAppArmor", "AASwiftTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "ProfileToolsTests", dependencies: ["ProfileTools", "AASwiftTestSupport"]),
        .testTarget(name: "FuzzRegressionTests", dependencies: ["FuzzChecks", "AASwiftTestSupport"], exclude: ["Inputs"]),
        .testTarget(name: "aaswiftTests", dependencies: ["aaswift", "AASwiftTestSupport"], exclude: ["run-upstream-status.sh", "Fixtures"]),
    ]
)
