/// The tokens below a node, in source order, read one at a time: for walks that compare or
/// filter a file's tokens without a list of them all (a file may hold millions). The iterator
/// keeps one position per level of the tree, which the parser bounds (`Parser.maxNesting`).
public struct TokenSequence: Sequence {
    let root: SyntaxNode

    public func makeIterator() -> Iterator { Iterator(root) }

    public struct Iterator: IteratorProtocol {
        /// The nodes being read, outermost first, each with the index of its next child.
        private var stack: [(children: SyntaxChildren, next: Int)]

        init(_ root: SyntaxNode) {
            stack = [(root.children, 0)]
        }

        public mutating func next() -> Token? {
            while let top = stack.last {
                guard top.next < top.children.count else {
                    stack.removeLast()
                    continue
                }
                stack[stack.count - 1].next += 1
                switch top.children[top.next] {
                case .token(let t): return t
                case .node(let n): stack.append((n.children, 0))
                }
            }
            return nil
        }
    }
}

extension SyntaxNode {
    /// Every token below this node, in order, as they are read (`tokens` lists them all).
    public var tokenSequence: TokenSequence { TokenSequence(root: self) }
}
