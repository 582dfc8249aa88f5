import AppArmorPolicy
import AppArmorSyntax
import AuditLog
import PolicyAnalysis

/// What a request's question takes from the request and its profile alone, worked out on a
/// thread of its own while the review asks (`WorkAhead`, a chunk of requests at a time):
/// - the checked rule the request becomes (`RuleText.outcomes`, one batch per profile);
/// - for a file request, the spellings of its path: quoted, the config's globs of it, and their
///   tunable variants;
/// - for the other kinds, the typed rule the request asks for (one batch per chunk);
/// - the abstractions that allow it, best first (`AbstractionRanking`, which only this thread
///   uses then).
/// What depends on the answers so far (coverage, the user's own globs, which abstractions a
/// profile is offered) stays with the session on its thread. The worker gets values only: each
/// profile's rule target and tunable folders are read from the policy before it starts.
struct PreparedRequest: Sendable {
    /// The typed rule a request other than files, exec and hats asks for (`CoverageSet.request`).
    var request: PolicyRule?
    /// The checked rule; nil when the folder lacks the profile (nothing is asked).
    var outcome: RuleText.Outcome?
    /// A file request's path as profile text (`QuotedString.literal`), and its spellings: that,
    /// the globs and the variants (empty for the other kinds).
    var rawPath = ""
    var paths: Set<String>
    /// The abstractions (indices) that allow the request, best first.
    var abstractions: [Int] = []
}

/// The inputs of `PreparedRequest`s, as values.
struct QuestionPrep: Sendable {
    let items: [LogprofItem]
    /// The rule target of each profile of the folder the items name.
    let targets: [String: RuleTarget]
    /// Their tunable folders (empty when tunable variants are not offered).
    let folders: [String: TunableSubstitution.Folders]
    let globs: LogprofGlobs
    /// nil when no abstraction is offered (`--no-abstraction`).
    let ranking: AbstractionRanking?

    func prepare(_ range: Range<Int>) -> [PreparedRequest] {
        var out = [PreparedRequest](repeating: PreparedRequest(outcome: nil, paths: []), count: range.count)
        // The chunk's typed requests, read in one batch by a reader of the chunk's own (what it
        // read goes once the review has passed the chunk).
        let reader = RuleTextReader()
        let asked = range.filter { targets[items[$0].profile] != nil }
        reader.prefetch(asked.compactMap { i in
            LogprofSession.needsProposal(items[i].kind) ? RuleText.unchecked(for: items[i].kind)?.line : nil
        })
        // The kinds of each profile in the chunk, checked in one batch.
        var kindsByProfile: [String: [EventKind: [Int]]] = [:]
        for i in asked {
            let item = items[i]
            kindsByProfile[item.profile, default: [:]][item.kind, default: []].append(i - range.lowerBound)
            if case .file(let f) = item.kind {
                let raw = QuotedString.literal(f.path)
                out[i - range.lowerBound].rawPath = raw
                out[i - range.lowerBound].paths = paths(of: raw, profile: item.profile)
            }
            let request = CoverageSet.request(item.kind, reader: reader)
            out[i - range.lowerBound].request = request
            out[i - range.lowerBound].abstractions = ranking?.ranked(item.kind, request: request).map(\.index) ?? []
        }
        for (profile, byKind) in kindsByProfile {
            let kinds = Array(byKind.keys)
            for (k, o) in zip(kinds, RuleText.outcomes(for: kinds, target: targets[profile]!)) {
                for j in byKind[k]! { out[j].outcome = o }
            }
        }
        return out
    }

    /// The quoted path, the config's globs of it, and (when offered) their tunable variants.
    func paths(of raw: String, profile: String) -> Set<String> {
        var paths = Set([raw]).union(globs.common(raw))
        if let f = folders[profile] { paths.formUnion(paths.flatMap { TunableSubstitution.variants($0, folders: f) }) }
        return paths
    }
}
