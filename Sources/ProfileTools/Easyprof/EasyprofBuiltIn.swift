/// The templates and policy groups built into the binary (the same text as
/// Resources/easyprof, which `make install` copies to /usr/share/aaswift/easyprof), so that
/// `aaswift easyprof` works from anywhere without installed files.
public enum EasyprofBuiltIn {
    public static func names(_ kind: EasyprofFileKind) -> [String] {
        EasyprofText.pythonSorted(table(kind).map(\.0))
    }

    public static func contents(_ kind: EasyprofFileKind, _ name: String) -> String? {
        // Each literal drops the file's final newline; put it back.
        table(kind).first { $0.0 == name }.map { $0.1 + "\n" }
    }

    static func table(_ kind: EasyprofFileKind) -> [(String, String)] {
        kind == .templates ? templates : policygroups
    }
}
