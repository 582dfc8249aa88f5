import AppArmorPolicy
import Foundation
import XCTest

/// PathNames replaces Foundation's NSString path methods (the tools import FoundationEssentials
/// only): compared with NSString itself on the shapes of paths the tools meet.
final class PathNamesTests: XCTestCase {
    let paths = ["/etc/apparmor.d/usr.bin.foo", "/etc/apparmor.d/", "/etc", "/", "usr.bin.foo", "local/usr.bin.foo",
                 "/etc//apparmor.d", "a/b/", "./x", "../x/y", "/a/./b/../c", "/a/b/../../..", "a/../b", "/a/b/c.d"]

    func testLastComponentAndParentAgreeWithNSString() {
        for p in paths {
            XCTAssertEqual(PathNames.lastComponent(p), (p as NSString).lastPathComponent, p)
            XCTAssertEqual(PathNames.parent(p), (p as NSString).deletingLastPathComponent, p)
        }
    }

    func testAppendingAgreesWithNSString() {
        for dir in ["/etc/apparmor.d", "/etc/apparmor.d/", "/", "rel"] {
            for name in ["usr.bin.foo", "abi", "local/x"] {
                XCTAssertEqual(PathNames.appending(dir, name), (dir as NSString).appendingPathComponent(name), "\(dir) + \(name)")
            }
        }
        XCTAssertEqual(PathNames.appending("", "x"), "x")
    }

    func testStandardizedResolvesDotsLexically() {
        XCTAssertEqual(PathNames.standardized("/a/./b/../c"), "/a/c")
        XCTAssertEqual(PathNames.standardized("/a//b/"), "/a/b")
        XCTAssertEqual(PathNames.standardized("/../x"), "/x")
        XCTAssertEqual(PathNames.standardized("a/../../b"), "../b")
        XCTAssertEqual(PathNames.standardized("/"), "/")
    }
}
