// The time of a user's last login, for `notify --since-last`: from wtmp (utmp records of 384
// bytes on x86_64 and the other 64-bit Linux ABIs: type at 0, user at 44, seconds at 340), as
// upstream's aa-notify reads it; the last USER_PROCESS record of the user wins.

import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

public enum LastLogin {
    static let recordSize = 384
    static let userProcess: Int32 = 7

    /// The last login of `user` in wtmp bytes, in seconds since the epoch; nil when none.
    public static func find(user: String, wtmp: [UInt8]) -> Int? {
        var found: Int?
        var at = 0
        while at + recordSize <= wtmp.count {
            let type = Int32(bitPattern: le32(wtmp, at))
            if type == userProcess {
                let nameBytes = wtmp[(at + 44)..<(at + 76)].prefix { $0 != 0 }
                if String(decoding: nameBytes, as: UTF8.self) == user {
                    let t = Int(le32(wtmp, at + 340))
                    if t > 946_681_200 && t < 4_102_444_800 { found = t }
                }
            }
            at += recordSize
        }
        return found
    }

    public static func find(user: String, path: String = "/var/log/wtmp") -> Int? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return find(user: user, wtmp: [UInt8](data))
    }

    private static func le32(_ d: [UInt8], _ at: Int) -> UInt32 {
        UInt32(d[at]) | UInt32(d[at + 1]) << 8 | UInt32(d[at + 2]) << 16 | UInt32(d[at + 3]) << 24
    }
}
