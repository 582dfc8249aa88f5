import AppArmorSyntax

extension EditedFile {
    /// Writes the edited bytes over the file with `AtomicWrite` (temp file, fsync, rename,
    /// mode and owner kept), after parsing them again: a result with parse errors the
    /// original did not have is refused (an `AtomicWrite.Failure` at the `.validate` step)
    /// and nothing is written. Returns the new bytes, or nil when nothing changes.
    @discardableResult
    public func write(to target: String? = nil, options: AtomicWrite.Options = AtomicWrite.Options()) throws -> [UInt8]? {
        guard hasChanges else { return nil }
        let bytes = try resultBytes()
        if bytes == original.source.bytes { return nil }
        let before = original
        var options = options
        if options.expected == nil, target == nil || target == path, !before.source.bytes.isEmpty {
            // Never overwrite what someone else wrote after the file was read.
            options.expected = .contents(before.source.bytes)
        }
        try AtomicWrite.write(bytes, to: target ?? path, options: options) { newBytes in
            try EditedFile.checkNoNewErrors(before: before, after: Parser.parse(path: before.source.path, bytes: newBytes))
        }
        return bytes
    }
}
