import AppArmorSyntax

/// The statements of a profile block as cleanprof sees them: those that hold whatever the
/// conditionals evaluate to, and those written inside a conditional.
enum BlockItems {
    /// The block's statements outside conditionals, qualifier blocks opened (`audit { ... }`)
    /// unless `openingQualifierBlocks` is false (a rule's text there lacks the block's
    /// qualifiers), child profiles and hats left out.
    static func unconditional(_ items: [SyntaxNode], openingQualifierBlocks: Bool = true) -> [SyntaxNode] {
        var out: [SyntaxNode] = []
        for item in items {
            switch item.kind {
            case .qualifierBlock:
                guard openingQualifierBlocks else { continue }
                for b in item.childNodes(.block) { out += unconditional(BlockSyntax.items(b)) }
            case .conditional, .elseClause, .profile, .hat:
                continue
            default:
                out.append(item)
            }
        }
        return out
    }

    /// The rule statements among `items`.
    static func rules(_ items: [SyntaxNode]) -> [SyntaxNode] {
        items.filter { $0.kind.isRule || $0.kind == .changeHatDecl }
    }

    /// Every statement written inside a conditional of the profile (not of its children).
    static func conditionalRules(_ profile: SyntaxNode) -> [SyntaxNode] {
        var out: [SyntaxNode] = []
        func all(_ node: SyntaxNode) {
            for c in node.childNodes where c.kind != .profile && c.kind != .hat {
                out.append(c)
                all(c)
            }
        }
        func walk(_ items: [SyntaxNode]) {
            for item in items {
                switch item.kind {
                case .conditional, .elseClause: all(item)
                case .qualifierBlock: for b in item.childNodes(.block) { walk(BlockSyntax.items(b)) }
                default: continue
                }
            }
        }
        walk(ProfileSyntax(profile)?.items ?? [])
        return out
    }
}
