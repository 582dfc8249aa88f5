// aa-decode: hex-encoded values as the kernel logs names with spaces or odd bytes.

public enum HexDecode {
    /// The bytes of a hex string (either case, even length), or nil.
    public static func decode(_ hex: String) -> LogBytes? {
        let u = Array(hex.utf8)
        guard !u.isEmpty, u.count % 2 == 0 else { return nil }
        var out = LogBytes()
        out.reserveCapacity(u.count / 2)
        var k = 0
        while k < u.count {
            guard let hi = nibble(u[k]), let lo = nibble(u[k + 1]) else { return nil }
            out.append(hi << 4 | lo)
            k += 2
        }
        return out
    }

    static func nibble(_ c: UInt8) -> UInt8? {
        if let v = hexValue(c) { return v }
        if c >= 0x61 && c <= 0x66 { return c - 0x61 + 10 }
        return nil
    }

    /// The keys whose unquoted values are hex-encoded by the kernel and get rewritten.
    public static let encodedKeys: [String] = [
        "name", "profile", "proctitle", "comm", "label", "peer_label", "peer", "target", "name2",
        "exe", "execpath",
    ]

    /// One log line with every `key=HEX` of `encodedKeys` replaced by `key="decoded"`.
    /// proctitle's NUL separators between arguments become spaces.
    public static func rewrite(line: LogBytes) -> LogBytes {
        var out = LogBytes()
        out.reserveCapacity(line.count)
        var k = 0
        while k < line.count {
            // At the start of a word: look for key=HEX.
            let atWordStart = k == 0 || isSpace(line[k - 1]) || line[k - 1] == UInt8(ascii: "'")
            if atWordStart, let (key, valueStart) = encodedKey(line, k) {
                var e = valueStart
                while e < line.count, hexValue(line[e]) != nil { e += 1 }
                let n = e - valueStart
                if n > 0, n % 2 == 0, e == line.count || isSpace(line[e]) || line[e] == UInt8(ascii: "'") {
                    var value = LogBytes()
                    var j = valueStart
                    while j < e {
                        value.append(hexValue(line[j])! << 4 | hexValue(line[j + 1])!)
                        j += 2
                    }
                    if key == "proctitle" {
                        while value.last == 0 { value.removeLast() }
                        value = value.map { $0 == 0 ? 0x20 : $0 }
                    }
                    out.append(contentsOf: Array(key.utf8) + [UInt8(ascii: "="), UInt8(ascii: "\"")])
                    for b in value {
                        if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { out.append(UInt8(ascii: "\\")) }
                        out.append(b)
                    }
                    out.append(UInt8(ascii: "\""))
                    k = e
                    continue
                }
            }
            out.append(line[k])
            k += 1
        }
        return out
    }

    private static func encodedKey(_ line: LogBytes, _ k: Int) -> (String, Int)? {
        for key in encodedKeys {
            let kb = Array(key.utf8)
            let end = k + kb.count
            if end < line.count, line[end] == UInt8(ascii: "="), Array(line[k..<end]) == kb {
                return (key, end + 1)
            }
        }
        return nil
    }
}
