import Foundation

/// One objective of a Pareto front: a column to maximise or minimise.
public struct ParetoObjective: Sendable, Equatable, CustomStringConvertible {
    public enum Sense: String, Sendable { case max, min }

    public var sense: Sense
    public var column: String

    public init(_ sense: Sense, _ column: String) {
        self.sense = sense
        self.column = column
    }

    /// Parses `max:COL` or `min:COL` strictly (no other prefixes, no empty column).
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let sense = Sense(rawValue: String(parts[0])),
              !parts[1].isEmpty, !parts[1].contains(where: { $0.isWhitespace }) else {
            throw ResultsToolError("--objectives: expected max:COLUMN or min:COLUMN, got \"\(trimmed)\"")
        }
        self.init(sense, String(parts[1]))
    }

    /// Parses a comma-separated list (`max:a,min:b`); at least one objective, no column twice.
    public static func parseList(_ text: String) throws -> [ParetoObjective] {
        let objectives = try text.split(separator: ",", omittingEmptySubsequences: false).map { try ParetoObjective(parsing: String($0)) }
        guard !objectives.isEmpty else { throw ResultsToolError("--objectives: give at least one max:COLUMN or min:COLUMN") }
        var seen = Set<String>()
        for objective in objectives where !seen.insert(objective.column).inserted {
            throw ResultsToolError("--objectives: column \"\(objective.column)\" appears twice")
        }
        return objectives
    }

    public var description: String { "\(sense.rawValue):\(column)" }
}

/// Pareto fronts: the rows that no other row dominates. Row a dominates row b when a is no worse
/// than b on every objective and strictly better on at least one; identical rows do not dominate
/// each other, so all copies of a non-dominated point are kept.
public enum ParetoFront {
    /// The non-dominated rows of `rows`, in their original order. Rows with NULL in any objective
    /// column are left out; an objective column that is missing or holds text is an error.
    public static func compute(rows: QueryResult, objectives: [ParetoObjective]) throws -> QueryResult {
        guard !objectives.isEmpty else { throw ResultsToolError("--objectives: give at least one max:COLUMN or min:COLUMN") }
        let indices = try objectives.map { objective -> Int in
            guard let index = rows.index(of: objective.column) else {
                throw ResultsToolError.unknownColumn(objective.column, option: "--objectives", available: rows.columns)
            }
            return index
        }
        var candidates: [Int] = []
        var points: [[Double]] = []
        for (r, row) in rows.rows.enumerated() {
            var point: [Double] = []
            point.reserveCapacity(indices.count)
            for (objective, index) in zip(objectives, indices) {
                let value = row[index]
                if value.isNull { break }
                guard let number = value.number else {
                    throw ResultsToolError("--objectives: column \"\(objective.column)\" is not numeric (row \(r + 1) holds \(value.plainText))")
                }
                if number.isNaN { break }
                point.append(objective.sense == .max ? number : -number)
            }
            guard point.count == indices.count else { continue }
            candidates.append(r)
            points.append(point)
        }
        let kept = nonDominated(points)
        return QueryResult(columns: rows.columns, rows: kept.map { rows.rows[candidates[$0]] })
    }

    /// Parses the objective strings (`max:COL`, `min:COL`) and computes the front.
    public static func compute(rows: QueryResult, objectives: [String]) throws -> QueryResult {
        try compute(rows: rows, objectives: objectives.map { try ParetoObjective(parsing: $0) })
    }

    /// Indices (ascending) of the non-dominated points, every coordinate to be maximised. All
    /// points must have the same dimension and no NaN.
    ///
    /// Two objectives: sort and sweep, O(n log n). More: points are visited in lexicographically
    /// descending order, so a point can only be dominated by one visited before it, and each is
    /// compared with the front found so far (dominance is transitive, so a dominated point is
    /// dominated by a front member): O(n · front size).
    public static func nonDominated(_ points: [[Double]]) -> [Int] {
        guard let dimension = points.first?.count else { return [] }
        if dimension == 1 {
            let best = points.map { $0[0] }.max() ?? 0
            return points.indices.filter { points[$0][0] == best }
        }
        let order = points.indices.sorted { a, b in
            let pa = points[a], pb = points[b]
            for d in 0..<dimension where pa[d] != pb[d] { return pa[d] > pb[d] }
            return a < b
        }
        var kept: [Int] = []
        if dimension == 2 {
            // Groups of equal first coordinate, second coordinate descending within a group. A
            // point survives if it has its group's best second coordinate and that beats every
            // earlier (strictly larger first coordinate) group.
            var bestBefore: Double? = nil
            var start = 0
            while start < order.count {
                let x = points[order[start]][0]
                var end = start
                while end < order.count, points[order[end]][0] == x { end += 1 }
                let groupBest = points[order[start]][1]
                if bestBefore.map({ groupBest > $0 }) ?? true {
                    for i in start..<end where points[order[i]][1] == groupBest { kept.append(order[i]) }
                }
                bestBefore = max(bestBefore ?? groupBest, groupBest)
                start = end
            }
        } else {
            for candidate in order {
                let p = points[candidate]
                if !kept.contains(where: { dominates(points[$0], p) }) { kept.append(candidate) }
            }
        }
        return kept.sorted()
    }

    /// True when `a` is no worse than `b` everywhere and better somewhere (maximising).
    public static func dominates(_ a: [Double], _ b: [Double]) -> Bool {
        var strictly = false
        for (x, y) in zip(a, b) {
            if x < y { return false }
            if x > y { strictly = true }
        }
        return strictly
    }
}
