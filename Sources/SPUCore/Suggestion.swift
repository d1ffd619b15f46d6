/// "Did you mean …?" for a mistyped name: the closest accepted name by edit distance.
public enum Suggestion {
    /// Edits (insert, delete, substitute, swap of neighbours) a name may be away from an accepted
    /// one to be suggested: two catches a dropped, doubled or swapped letter without suggesting
    /// unrelated short names.
    public static let maximumDistance = 2

    /// The accepted name closest to `name`: within `maximumDistance` edits (case-insensitive), or
    /// the only accepted name that starts with `name` (at least 3 characters) or that `name`
    /// starts with; nil when none is close or the closest is ambiguous.
    public static func closest(to name: String, in candidates: [String]) -> String? {
        let lowered = name.lowercased()
        guard !lowered.isEmpty, !candidates.contains(name) else { return nil }
        var best: [String] = []
        var bestDistance = Int.max
        for candidate in candidates {
            let d = distance(lowered, candidate.lowercased())
            if d < bestDistance { best = [candidate]; bestDistance = d } else if d == bestDistance, !best.contains(candidate) { best.append(candidate) }
        }
        // Short names allow one edit: two edits of a three-letter word ("foo" → "moe") is a
        // different word, not a typo.
        let allowed = lowered.count <= 4 ? 1 : maximumDistance
        if bestDistance <= allowed, best.count == 1 { return best[0] }
        let prefixed = Set(candidates.filter { c in
            let l = c.lowercased()
            return (lowered.count >= 3 && l.hasPrefix(lowered)) || (l.count >= 3 && lowered.hasPrefix(l))
        })
        return prefixed.count == 1 ? prefixed.first : nil
    }

    /// ` (did you mean "X"?)`, or the empty string when nothing is close.
    public static func hint(for name: String, in candidates: [String]) -> String {
        closest(to: name, in: candidates).map { " (did you mean \"\($0)\"?)" } ?? ""
    }

    /// Optimal-string-alignment distance (Levenshtein plus transposition of neighbours).
    public static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[a.count][b.count]
    }
}
