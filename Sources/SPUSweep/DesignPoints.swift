import SPUCore
import SPUFormats
import SPUHardware

/// A design point: one value index per axis.
public struct DesignPoint: Sendable, Hashable {
    public var index: Int
    public var choice: [Int]
}

extension SweepSpec {
    /// The design JSON of a choice vector, named `<base>-<first 8 hex digits of its content hash>`
    /// so the same design gets the same name and hash in every sweep.
    public func designJSON(_ choice: [Int]) -> JSONValue {
        var design = baseDesign
        for (axis, index) in zip(axes, choice) {
            for parameter in axis.parameters { design = parameter.path.setting(parameter.values[index], in: design) }
        }
        let unnamed = JSONPathSetName.set("", in: design)
        let suffix = SHA256.hex(JSONWriter.canonical(unnamed)).prefix(8)
        return JSONPathSetName.set("\(baseDesignName)-\(suffix)", in: design)
    }

    /// Points of the non-adaptive strategies, in a fixed order (duplicates removed).
    public func points() -> [DesignPoint] {
        let counts = axes.map(\.count)
        var choices: [[Int]] = []
        switch strategy {
        case .grid:
            let total = counts.reduce(1, *)
            choices.reserveCapacity(total)
            for flat in 0..<total {
                var rest = flat
                var choice = [Int](repeating: 0, count: counts.count)
                for axis in stride(from: counts.count - 1, through: 0, by: -1) {
                    choice[axis] = rest % counts[axis]
                    rest /= counts[axis]
                }
                choices.append(choice)
            }
        case let .random(n, seed):
            var rng = SplitMix64(seed: seed)
            var seen = Set<[Int]>()
            let total = counts.reduce(1.0) { $0 * Double($1) }
            var attempts = 0
            while choices.count < n, Double(choices.count) < total, attempts < 50 * n {
                attempts += 1
                let choice = counts.map { Int(rng.next() % UInt64($0)) }
                if seen.insert(choice).inserted { choices.append(choice) }
            }
        case let .latinHypercube(n, seed):
            var rng = SplitMix64(seed: seed)
            var columns: [[Int]] = []
            for count in counts {
                var strata = Array(0..<n)
                for i in stride(from: n - 1, to: 0, by: -1) { strata.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
                columns.append(strata.map { s in min(count - 1, Int((Double(s) + rng.nextUnit()) / Double(n) * Double(count))) })
            }
            var seen = Set<[Int]>()
            for i in 0..<n {
                let choice = columns.map { $0[i] }
                if seen.insert(choice).inserted { choices.append(choice) }
            }
        case .nsga2:
            return []
        }
        return choices.enumerated().map { DesignPoint(index: $0.offset, choice: $0.element) }
    }
}

enum JSONPathSetName {
    static func set(_ name: String, in design: JSONValue) -> JSONValue {
        guard case let .object(pairs) = design else { return design }
        return .object(pairs.map { $0.key == "name" ? ("name", .string(name)) : $0 })
    }
}
