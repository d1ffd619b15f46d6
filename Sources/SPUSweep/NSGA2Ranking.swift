import SPUFormats

extension NSGA2Search {
    /// A scored choice vector.
    struct Individual {
        var choice: [Int]
        var objectives: [Double]   // all minimised (maximised objectives negated)
        var feasible: Bool
        var rank = 0
        var crowding = 0.0
    }

    /// Binary tournament: the lower rank wins, then the larger crowding distance.
    static func tournament(_ population: [Individual], _ rng: inout SplitMix64) -> Individual {
        let a = population[Int(rng.next() % UInt64(population.count))]
        let b = population[Int(rng.next() % UInt64(population.count))]
        if a.rank != b.rank { return a.rank < b.rank ? a : b }
        return a.crowding >= b.crowding ? a : b
    }

    /// Fast non-dominated sorting and crowding distance (feasible individuals dominate infeasible ones).
    static func assignRanks(_ population: inout [Individual]) {
        func dominates(_ a: Individual, _ b: Individual) -> Bool {
            if a.feasible != b.feasible { return a.feasible }
            var strictly = false
            for (x, y) in zip(a.objectives, b.objectives) {
                if x > y { return false }
                if x < y { strictly = true }
            }
            return strictly
        }
        var remaining = Array(population.indices)
        var rank = 0
        while !remaining.isEmpty {
            let front = remaining.filter { i in !remaining.contains { j in j != i && dominates(population[j], population[i]) } }
            for i in front { population[i].rank = rank; population[i].crowding = 0 }
            for k in 0..<(population.first?.objectives.count ?? 0) {
                let sorted = front.sorted { population[$0].objectives[k] < population[$1].objectives[k] }
                guard let first = sorted.first, let last = sorted.last else { continue }
                population[first].crowding = .infinity
                population[last].crowding = .infinity
                let span = population[last].objectives[k] - population[first].objectives[k]
                guard span > 0, span.isFinite, sorted.count > 2 else { continue }
                for m in 1..<(sorted.count - 1) {
                    population[sorted[m]].crowding += (population[sorted[m + 1]].objectives[k] - population[sorted[m - 1]].objectives[k]) / span
                }
            }
            remaining.removeAll { front.contains($0) }
            rank += 1
        }
    }
}
