import AppArmorPolicy
import AppArmorSyntax
import Foundation

/// Checks profile text in memory; returns the error IDs found.
func errorIDs(_ text: String, searchPath: IncludeSearchPath = IncludeSearchPath(base: "/nonexistent")) -> [String] {
    let checker = PolicyChecker(options: CheckOptions(searchPath: searchPath))
    return checker.check(path: "test.profile", bytes: Array(text.utf8)).errors.map(\.diagnostic.id.rawValue)
}

/// Wraps rules in a profile.
func profile(_ rules: String...) -> String {
    "profile test /usr/bin/test {\n" + rules.map { "  \($0)\n" }.joined() + "}\n"
}

/// A scratch folder, removed by the caller.
func makeTree(_ files: [String: String]) throws -> URL {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("aaswift-policy-\(UUID().uuidString)")
    for (rel, text) in files {
        let url = root.appendingPathComponent(rel)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }
    return root
}
