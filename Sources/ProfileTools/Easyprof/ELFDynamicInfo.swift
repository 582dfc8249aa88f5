import FoundationEssentials

/// What `--auto` needs from an ELF file: its program interpreter (`PT_INTERP`) and the
/// libraries it names in `DT_NEEDED`. Reads 32/64-bit, little/big-endian files.
public struct ELFDynamicInfo: Sendable, Equatable {
    public var interpreter: String?
    public var needed: [String]
    /// No `PT_INTERP` and no `PT_DYNAMIC`: a static executable.
    public var isStatic: Bool { interpreter == nil && needed.isEmpty && !hasDynamicSegment }
    public var hasDynamicSegment: Bool
    /// Functions the program imports (undefined symbols of `.dynsym`).
    public var importedSymbols: [String] = []

    /// nil when `data` is not an ELF file; throws when it is one but is damaged.
    public static func parse(_ data: Data) throws -> ELFDynamicInfo? {
        let bytes = [UInt8](data)
        guard bytes.count >= 16, bytes[0] == 0x7F, bytes[1] == 0x45, bytes[2] == 0x4C, bytes[3] == 0x46 else {
            return nil
        }
        let r = Reader(bytes: bytes, is64: bytes[4] == 2, little: bytes[5] != 2)
        guard bytes[4] == 1 || bytes[4] == 2 else { throw EasyprofError("unknown ELF class \(bytes[4])") }

        let phoff = try r.word(at: r.is64 ? 0x20 : 0x1C)
        let phentsize = try r.u16(at: r.is64 ? 0x36 : 0x2A)
        let phnum = try r.u16(at: r.is64 ? 0x38 : 0x2C)

        struct Segment { var type: UInt32; var offset: UInt64; var vaddr: UInt64; var filesz: UInt64 }
        var segments: [Segment] = []
        for i in 0..<UInt64(phnum) {
            let at = phoff + i * UInt64(phentsize)
            let type = try r.u32(at: at)
            if r.is64 {
                segments.append(
                    Segment(type: type, offset: try r.u64(at: at + 8), vaddr: try r.u64(at: at + 16), filesz: try r.u64(at: at + 32)))
            } else {
                segments.append(
                    Segment(
                        type: type, offset: UInt64(try r.u32(at: at + 4)), vaddr: UInt64(try r.u32(at: at + 8)),
                        filesz: UInt64(try r.u32(at: at + 16))))
            }
        }

        var info = ELFDynamicInfo(interpreter: nil, needed: [], hasDynamicSegment: false)
        if let interp = segments.first(where: { $0.type == 3 }) {
            info.interpreter = try r.cString(at: interp.offset, limit: interp.filesz)
        }
        info.importedSymbols = (try? importedSymbols(r)) ?? []
        guard let dynamic = segments.first(where: { $0.type == 2 }) else { return info }
        info.hasDynamicSegment = true

        let entrySize: UInt64 = r.is64 ? 16 : 8
        var neededOffsets: [UInt64] = []
        var strtab: UInt64?
        var strsz: UInt64 = .max
        var at = dynamic.offset
        while at + entrySize <= dynamic.offset + dynamic.filesz {
            let tag = try r.word(at: at)
            let val = try r.word(at: at + entrySize / 2)
            if tag == 0 { break }
            switch tag {
            case 1: neededOffsets.append(val)
            case 5: strtab = val
            case 10: strsz = val
            default: break
            }
            at += entrySize
        }
        guard let strtab else { return info }
        // DT_STRTAB is an address; find the loadable segment that maps it.
        guard
            let load = segments.first(where: { $0.type == 1 && $0.vaddr <= strtab && strtab < $0.vaddr + $0.filesz })
        else { throw EasyprofError("ELF string table is outside every loaded segment") }
        let strOffset = load.offset + (strtab - load.vaddr)
        for off in neededOffsets {
            info.needed.append(try r.cString(at: strOffset + off, limit: strsz == .max ? 4096 : strsz - min(off, strsz)))
        }
        return info
    }

    /// Undefined symbols of the `SHT_DYNSYM` section, named through its linked string table.
    private static func importedSymbols(_ r: Reader) throws -> [String] {
        let shoff = try r.word(at: r.is64 ? 0x28 : 0x20)
        let shentsize = UInt64(try r.u16(at: r.is64 ? 0x3A : 0x2E))
        let shnum = UInt64(try r.u16(at: r.is64 ? 0x3C : 0x30))
        guard shoff != 0, shnum > 0, shnum < 65_536 else { return [] }
        func header(_ i: UInt64) throws -> (type: UInt32, offset: UInt64, size: UInt64, link: UInt32, entsize: UInt64) {
            let at = shoff + i * shentsize
            if r.is64 {
                return (try r.u32(at: at + 4), try r.u64(at: at + 24), try r.u64(at: at + 32), try r.u32(at: at + 40),
                        try r.u64(at: at + 56))
            }
            return (try r.u32(at: at + 4), UInt64(try r.u32(at: at + 16)), UInt64(try r.u32(at: at + 20)),
                    try r.u32(at: at + 24), UInt64(try r.u32(at: at + 36)))
        }
        for i in 0..<shnum {
            let sh = try header(i)
            guard sh.type == 11, sh.entsize > 0, UInt64(sh.link) < shnum else { continue }  // SHT_DYNSYM
            let strings = try header(UInt64(sh.link))
            var names: [String] = []
            for k in 0..<(sh.size / sh.entsize) {
                let at = sh.offset + k * sh.entsize
                let nameOffset = UInt64(try r.u32(at: at))
                let shndx = try r.u16(at: at + (r.is64 ? 6 : 14))
                guard shndx == 0, nameOffset != 0, nameOffset < strings.size else { continue }
                names.append(try r.cString(at: strings.offset + nameOffset, limit: strings.size - nameOffset))
            }
            return names
        }
        return []
    }

    private struct Reader {
        let bytes: [UInt8]
        let is64: Bool
        let little: Bool

        func check(_ at: UInt64, _ n: UInt64) throws -> Int {
            guard at <= UInt64(bytes.count), n <= UInt64(bytes.count) - at else {
                throw EasyprofError("truncated ELF file")
            }
            return Int(at)
        }

        func uint(at: UInt64, size: Int) throws -> UInt64 {
            let start = try check(at, UInt64(size))
            var v: UInt64 = 0
            for k in 0..<size {
                let b = UInt64(bytes[start + (little ? size - 1 - k : k)])
                v = (v << 8) | b
            }
            return v
        }

        func u16(at: UInt64) throws -> UInt16 { UInt16(try uint(at: at, size: 2)) }
        func u32(at: UInt64) throws -> UInt32 { UInt32(try uint(at: at, size: 4)) }
        func u64(at: UInt64) throws -> UInt64 { try uint(at: at, size: 8) }
        func word(at: UInt64) throws -> UInt64 { try uint(at: at, size: is64 ? 8 : 4) }

        func cString(at: UInt64, limit: UInt64) throws -> String {
            let start = try check(at, 0)
            var end = start
            let stop = min(bytes.count, start + Int(min(limit, UInt64(bytes.count))))
            while end < stop, bytes[end] != 0 { end += 1 }
            return String(decoding: bytes[start..<end], as: UTF8.self)
        }
    }
}
