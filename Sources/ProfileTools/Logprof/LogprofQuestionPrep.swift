import AppArmorPolicy
import AppArmorSyntax
import AuditLog
import PolicyAnalysis

/// What a request's question takes from the request and its profile alone, worked out on a
/// thread of its own while the review asks (`WorkAhead`, a chunk of requests at a time):
/// - the checked rule the request becomes, and the typed rules it loads to
///   (`RuleText.checkedOutcomes`, one batch per profile);
/// - for a file request, its path quoted;
/// - for the other kinds, the typed rule the request asks for (from that batch, or read in
///   one batch per chunk);
/// - the abstractions that allow it, best first (`AbstractionRanking`, which only this thread
///   uses then).
/// What depends on the answers so far (coverage, the user's own globs, which abstractions a
/// profile is offered) stays with the session on its thread, and so do the path's other
/// spellings (the two threads' shares are then about even on a busy log). The worker gets
/// values only: each profile's rule target is read from the policy before it starts.
struct PreparedRequest: Sendable {
    /// The typed rule a request other than files, exec and hats asks for (`CoverageSet.request`).
    var request: PolicyRule?
    /// The checked rule; nil when the folder lacks the profile (nothing is asked).
    var outcome: RuleText.Outcome?
    /// The typed rules the checked rule's text loads to, when the check read it in its batch
    /// (the coverage an answer adds, without reading the text again).
    var outcomeRules: [PolicyRule] = []
    /// A file request's path as profile text (`QuotedString.literal`); empty for the other
    /// kinds. Its other spellings (globs, tunable variants) are worked out by the asking thread,
    /// which has the lighter share of the work.
    var rawPath = ""
    /// The abstractions (indices) that allow the request, best first.
    var abstractions: [Int] = []
}

/// The inputs of `PreparedRequest`s, as values.
struct QuestionPrep: Sendable {
    let items: [LogprofItem]
    /// The rule target of each profile of the folder the items name.
    let targets: [String: RuleTarget]
    /// nil when no abstraction is offered (`--no-abstraction`).
    let ranking: AbstractionRanking?

    func prepare(_ range: Range<Int>) -> [PreparedRequest] {
        var out = [PreparedRequest](repeating: PreparedRequest(outcome: nil), count: range.count)
        let asked = range.filter { targets[items[$0].profile] != nil }
        // The kinds of each profile in the chunk, checked in one batch.
        var kindsByProfile: [String: [EventKind: [Int]]] = [:]
        for i in asked {
            kindsByProfile[items[i].profile, default: [:]][items[i].kind, default: []].append(i - range.lowerBound)
        }
        for (profile, byKind) in kindsByProfile {
            let kinds = Array(byKind.keys)
            for (k, o) in zip(kinds, RuleText.checkedOutcomes(for: kinds, target: targets[profile]!)) {
                for j in byKind[k]! { (out[j].outcome, out[j].outcomeRules) = o }
            }
        }
        // The typed request is the finest form's first rule: taken from the check when the
        // checked rule is that form, else read (one batch for the chunk, by a reader of the
        // chunk's own: what it read goes once the review has passed the chunk).
        let reader = RuleTextReader()
        var toRead = Set<Int>()
        var lines: [String] = []
        for i in asked where LogprofSession.needsProposal(items[i].kind) {
            let j = i - range.lowerBound
            let line = RuleText.unchecked(for: items[i].kind)?.line
            if let line, case .rule(let p) = out[j].outcome, p.line == line, let first = out[j].outcomeRules.first {
                out[j].request = first
            } else {
                toRead.insert(j)
                if let line { lines.append(line) }
            }
        }
        reader.prefetch(lines)
        for i in asked {
            let item = items[i]
            let j = i - range.lowerBound
            if case .file(let f) = item.kind {
                out[j].rawPath = QuotedString.literal(f.path)
            } else if toRead.contains(j) {
                out[j].request = CoverageSet.request(item.kind, reader: reader)
            }
            out[j].abstractions = ranking?.ranked(item.kind, request: out[j].request).map(\.index) ?? []
        }
        return out
    }
}
