@testable import AppArmorSyntax
import XCTest

/// The node storage is the one place the tree touches memory directly (a node and its children
/// in one ManagedBuffer): children come back in order and at their count, however they were
/// gathered, and a node frees its children when it goes.
final class SyntaxNodeStorageTests: XCTestCase {
    private func token(_ i: Int) -> SyntaxElement {
        .token(Token(kind: .word, leadingStart: 2 * i, textStart: 2 * i, textEnd: 2 * i + 1, trailingEnd: 2 * i + 2))
    }

    func testChildrenComeBackInOrderAtTheirCount() {
        for count in [0, 1, 3, ChildList.chunkSize - 1, ChildList.chunkSize, ChildList.chunkSize + 1, 3 * ChildList.chunkSize + 17] {
            var list = ChildList()
            var array: [SyntaxElement] = []
            for i in 0..<count {
                list.append(token(i))
                array.append(token(i))
            }
            XCTAssertEqual(list.count, count)
            // A list longer than a chunk becomes a chunked node; `children` reads through it.
            let fromList = SyntaxNode.make(kind: .block, children: &list, at: 7)
            XCTAssertTrue(list.isEmpty, "the list is let go as the node is made")
            for node in [fromList, SyntaxNode.make(kind: .block, children: array, at: 7)] {
                XCTAssertEqual(node.children.count, count)
                XCTAssertEqual(node.kind, .block)
                XCTAssertEqual(node.fullRange, count == 0 ? 7..<7 : 0..<(2 * count))
                for (i, c) in node.children.enumerated() {
                    guard case .token(let t) = c else { return XCTFail("child \(i) is not a token") }
                    XCTAssertEqual(Int(t.textStart), 2 * i)
                }
                var seen = 0
                node.forEachToken { t in
                    XCTAssertEqual(Int(t.textStart), 2 * seen)
                    seen += 1
                }
                XCTAssertEqual(seen, count)
                XCTAssertEqual(node.lastToken.map { Int($0.textStart) }, count == 0 ? nil : 2 * (count - 1))
            }
        }
    }

    func testAChunkedNodeFreesItsChildren() {
        weak var child: AnyObject?
        weak var parent: AnyObject?
        do {
            let inner = SyntaxNode.make(kind: .operand, children: [token(0)], at: 0)
            var list = ChildList(.node(inner))
            for i in 1...(2 * ChildList.chunkSize + 5) { list.append(token(i)) }
            let outer = SyntaxNode.make(kind: .block, children: &list, at: 0)
            child = inner.storageObject
            parent = outer.storageObject
            guard case .node(let back) = outer.children[0] else { return XCTFail("not a node") }
            XCTAssertEqual(back, inner)
            XCTAssertEqual(outer.children.count, 2 * ChildList.chunkSize + 6)
            XCTAssertEqual(outer.childNodes, [inner])
        }
        XCTAssertNil(parent)
        XCTAssertNil(child)
    }

    func testANodeFreesItsChildren() {
        weak var child: AnyObject?
        weak var parent: AnyObject?
        do {
            let inner = SyntaxNode.make(kind: .operand, children: [token(0)], at: 0)
            let outer = SyntaxNode.make(kind: .block, children: [.node(inner), token(1)], at: 0)
            child = inner.storageObject
            parent = outer.storageObject
            XCTAssertNotNil(child)
            guard case .node(let back) = outer.children[0] else { return XCTFail("not a node") }
            XCTAssertEqual(back, inner)
            XCTAssertNotEqual(back, outer)
        }
        XCTAssertNil(parent)
        XCTAssertNil(child)
    }
}
