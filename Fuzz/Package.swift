// swift-tools-version:6.0
// The fuzz targets, a package of their own so that a plain `swift build` of the project never
// builds them: `make fuzz` builds them with -sanitize=fuzzer (FuzzDriver starts libFuzzer) and
// runs each for a bounded time. The properties they check are FuzzChecks, in the project.
import PackageDescription

let package = Package(
    name: "AASwiftFuzz",
    dependencies: [.package(name: "aaswift", path: "..")],
    targets: [
        // Hands the command line to libFuzzer's driver (each executable has its own main).
        .target(name: "FuzzDriver"),
        .executableTarget(name: "FuzzParser", dependencies: ["FuzzDriver", .product(name: "FuzzChecks", package: "aaswift")]),
        .executableTarget(name: "FuzzLog", dependencies: ["FuzzDriver", .product(name: "FuzzChecks", package: "aaswift")]),
        .executableTarget(name: "FuzzPlan", dependencies: ["FuzzDriver", .product(name: "FuzzChecks", package: "aaswift")]),
    ]
)
