import SPUHardware

/// The search of the mapper: walks the budgeted mapping space, prices candidates with the cost
/// function and keeps the best under its objective.
///
/// - latency: lowest latency; within 1e-12 (relative) the mapping that moves fewer bytes wins.
///   A candidate whose compute time alone exceeds the best latency so far is skipped before its
///   tiling is chosen (compute time bounds latency from below).
/// - energy: lowest energy as the pricer reports it; ties (1e-12) go to lower latency, then to
///   fewer bytes moved. No pruning: compute time says nothing about energy.
/// - edp: lowest energy × latency, with the same tie-breaks as energy.
///
/// Every objective considers the same candidates, the first `budget` of the space, and reports
/// that count as candidates evaluated.
struct MappingSearch {
    let objective: MappingObjective
    let budget: Int
    /// Required for the energy and EDP objectives.
    let pricer: (any ActivityEnergyPricer)?

    struct Choice {
        var mapping: Mapping
        var cost: MappingCost
        var candidatesEvaluated: Int
    }

    func best(in space: MatmulMappingSpace, costModel: MatmulCostModel) -> Choice {
        let candidates = space.budgeted(budget)
        switch objective {
        case .latency: return lowestLatency(candidates, space, costModel)
        case .energy, .edp:
            guard let pricer else {
                preconditionFailure("the \(objective.rawValue) mapping objective needs an energy pricer (DesignEvaluator supplies one)")
            }
            return lowestScore(candidates, space, costModel, pricer)
        }
    }

    private func lowestLatency(_ candidates: ArraySlice<SpatialSplit>, _ space: MatmulMappingSpace, _ costModel: MatmulCostModel) -> Choice {
        var best: Choice?
        for split in candidates {
            let cycles = costModel.computeCycles(split)
            if let best, costModel.computeSeconds(cycles: cycles) > best.cost.times.latencySeconds { continue }
            let mapping = space.mapping(split)
            let cost = costModel.cost(of: mapping, computeCycles: cycles)
            if let current = best {
                let latency = cost.times.latencySeconds, currentLatency = current.cost.times.latencySeconds
                guard latency < currentLatency * (1 - 1e-12)
                    || (latency <= currentLatency * (1 + 1e-12) && cost.bytesMoved < current.cost.bytesMoved) else { continue }
            }
            best = Choice(mapping: mapping, cost: cost, candidatesEvaluated: 0)
        }
        best!.candidatesEvaluated = candidates.count
        return best!
    }

    private func lowestScore(_ candidates: ArraySlice<SpatialSplit>, _ space: MatmulMappingSpace, _ costModel: MatmulCostModel,
                             _ pricer: any ActivityEnergyPricer) -> Choice {
        var best: Choice?
        var bestScore = Double.infinity
        for split in candidates {
            let mapping = space.mapping(split)
            let cost = costModel.cost(of: mapping)
            let latency = cost.times.latencySeconds
            let joules = pricer.joules(cost.activity, seconds: latency)
            let score = objective == .edp ? joules * latency : joules
            if let current = best {
                let currentLatency = current.cost.times.latencySeconds
                let better = score < bestScore * (1 - 1e-12)
                    || (score <= bestScore * (1 + 1e-12)
                        && (latency < currentLatency * (1 - 1e-12)
                            || (latency <= currentLatency * (1 + 1e-12) && cost.bytesMoved < current.cost.bytesMoved)))
                guard better else { continue }
            }
            best = Choice(mapping: mapping, cost: cost, candidatesEvaluated: 0)
            bestScore = score
        }
        best!.candidatesEvaluated = candidates.count
        return best!
    }
}
