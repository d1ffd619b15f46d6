import SPUHardware

/// The search of the mapper: walks the budgeted mapping space, prices candidates with the cost
/// function and keeps the best under its objective.
///
/// - latency: lowest latency; within 1e-12 (relative) the mapping that moves fewer bytes wins.
///   A candidate whose compute time alone exceeds the best latency so far is skipped before its
///   tiling is chosen (compute time bounds latency from below). So is one whose latency lower
///   bound (`MatmulCostModel.latencyLowerBound`: overhead plus the larger of compute and
///   off-chip time at the least traffic any tiling has) exceeds the best latency by more than the
///   tie tolerance: it would lose to the best whatever its bytes, so skipping it changes nothing.
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
        switch objective {
        case .latency: return lowestLatency(space, costModel)
        case .energy, .edp:
            guard let pricer else {
                preconditionFailure("the \(objective.rawValue) mapping objective needs an energy pricer (DesignEvaluator supplies one)")
            }
            return lowestScore(space, costModel, pricer)
        }
    }

    /// The latency search. It visits the candidates in order and keeps the best as the plain
    /// loop would (`best(in:costModel:)`), but skips runs of candidates that loop would skip,
    /// without pricing each: within one run of N factors (batch, M and K split fixed), one unit's
    /// share of N, hence the compute cycles, never grows as the N split grows. So the candidates
    /// whose compute time exceeds the best latency (or the tie limit less the least overhead any
    /// mapping pays) form a prefix of the run, counted as its cycles are tabulated, and the whole
    /// run when its last candidate is among them; and with a shared SRAM (off-chip time the same for every mapping) the latency lower bound
    /// never falls along the run once compute time is within the off-chip time (the overhead
    /// grows with the columns a mapping occupies): past the first candidate it rules out, it rules
    /// out the rest of the run. Skipped candidates still count as evaluated, and the budget still
    /// ends the walk at the same candidate.
    private func lowestLatency(_ space: MatmulMappingSpace, _ costModel: MatmulCostModel) -> Choice {
        space.withTables(rows: costModel.rows, cols: costModel.cols, dataflow: costModel.dataflow) { t in
            // The best so far as its factor indices and scalars (no aggregate carried through the
            // loops); its mapping and cost are priced again at the end: the cost function is pure,
            // so that is the cost the search compared.
            var best = (ib: 0, im: 0, iN: 0, ik: 0)   // factor 1 everywhere: always the first candidate
            let first = t.candidate(0, 0, 0, 0)
            var (bestLatency, bestBytes) = costModel.latencyAndBytes(of: space.mapping(first.split, unit: first.unit),
                                                                     computeCycles: first.computeCycles, candidate: first,
                                                                     rejectingAbove: .infinity) ?? (.nan, .nan)
            // Compute time is cycles / perSecond; a candidate with more cycles than `skipCycles`
            // has compute time above the best latency for certain (a margin far beyond rounding),
            // so it is skipped without the division. Others are decided by the exact comparison.
            let perSecond = costModel.geometry.clockHz * costModel.computeFraction
            // Where latency is bounded (`bounded`), every candidate's latency lower bound is at
            // least `overheadFloor` + its compute time (rounded down as `computeBelow`), so one
            // whose compute time exceeds the tie limit less that floor (by a margin of 1e-9 of the
            // limit, far beyond rounding) is ruled out by the lower bound for certain. Its compute
            // time then also exceeds the off-chip time (the best latency is at least the floor plus
            // the off-chip time), so the bound would not have ruled out the rest of its run either:
            // the loop below would reject it and move on, as skipping it does.
            let overheadFloor = costModel.overlapExponent == nil ? costModel.overheadFloor : -Double.infinity
            func skipThreshold(_ latency: Double) -> Double {
                let byCompute = latency * perSecond * (1 + 1e-9)
                let limit = latency * (1 + 1e-12)
                guard overheadFloor >= 0, limit > 0, limit < .infinity else { return byCompute }
                let byBound = ((limit - overheadFloor) + 1e-9 * limit) * perSecond * (1 + 1e-9)
                return byBound < byCompute ? byBound : byCompute
            }
            var skipCycles = skipThreshold(bestLatency)
            // Below `keepCycles`, compute time is certainly within the best latency: no division.
            var keepCycles = bestLatency * perSecond * (1 - 1e-9)
            // Compute time from cycles by a multiplication, nudged down (up) by far more than its
            // rounding, never above (below) the exact quotient: for lower bounds (and the test
            // that the rest of a run is ruled out).
            let inverse = 1 / perSecond
            // Lower bounds are only used where latency is overhead + the slowest resource; a grouped
            // GEMM's unoverlapped time is not bounded by them.
            let bounded = costModel.overlapExponent == nil
            let sharedOffchip = bounded ? costModel.sharedOffchipSeconds : nil
            let u = t.units, dataflow = t.dataflow, budget = budget
            // The run's first N factor: 1 in the first run (its first candidate is priced above), then 0.
            var firstIndex = 1
            let (kT, bT, mT, nT) = (t.k, t.batch, t.m, t.n)
            var visited = 1
            // How many N factors fit the units left, at the first batch and M factor of the
            // current K factor and at the first M factor of the current batch factor: the products
            // of the factors only grow along each loop, so these only shrink.
            var endK = nT.count
            // The compute cycles of the current run's candidates.
            let runCycles = UnsafeMutablePointer<Double>.allocate(capacity: max(1, nT.count))
            defer { runCycles.deallocate() }
            search: for ik in 0..<kT.count {
                let pk = kT.factors[ik]
                while endK > 0, bT.factors[0] &* pk &* mT.factors[0] &* nT.factors[endK &- 1] > u { endK &-= 1 }
                var endB = endK
                // Only the fold tables the dataflow reads are filled in (`withTables`).
                let kRow = dataflow == .outputStationary ? 0 : kT.rowFolds[ik]
                let kStream = dataflow == .outputStationary ? kT.cyclesPerFold[ik] : 0
                for ib in 0..<bT.count {
                    let pbk = bT.factors[ib] &* pk
                    if pbk > u { break }
                    let batchShare = Double(bT.shares[ib])
                    while endB > 0, pbk &* mT.factors[0] &* nT.factors[endB &- 1] > u { endB &-= 1 }
                    var end = endB   // the run: N factors that fit the units left (fewer as the M split grows)
                    for im in 0..<mT.count {
                        let pbkm = pbk &* mT.factors[im]
                        if pbkm > u { break }
                        while end > 0, pbkm &* nT.factors[end &- 1] > u { end &-= 1 }
                        // The array's row folds and, unless N sets them, column folds and cycles per fold.
                        let rowFolds: Double, mCol: Double, mStream: Double
                        switch dataflow {
                        case .outputStationary: (rowFolds, mCol, mStream) = (mT.rowFolds[im], 0, 0)
                        case .weightStationary: (rowFolds, mCol, mStream) = (kRow, 0, mT.cyclesPerFold[im])
                        case .inputStationary: (rowFolds, mCol, mStream) = (kRow, mT.colFolds[im], 0)
                        }
                        var j = firstIndex
                        firstIndex = 0
                        if j >= end { continue }
                        // `Candidate.computeCycles` of N factor `i`, by the same arithmetic; never
                        // grows with `i`.
                        func cycles(_ i: Int) -> Double {
                            let colFolds: Double, perFold: Double
                            switch dataflow {
                            case .outputStationary: (colFolds, perFold) = (nT.colFolds[i], kStream)
                            case .weightStationary: (colFolds, perFold) = (nT.colFolds[i], mStream)
                            case .inputStationary: (colFolds, perFold) = (mCol, nT.cyclesPerFold[i])
                            }
                            return batchShare * (rowFolds * colFolds * perFold - 1)
                        }
                        // The whole run above `skipCycles` (its last candidate has the fewest
                        // cycles): skipped at once, as the loop below would skip it.
                        if cycles(end &- 1) > skipCycles {
                            if end &- j >= budget &- visited { visited = budget; break search }
                            visited &+= end &- j
                            continue
                        }
                        // The cycles of every N factor of the run, with the dataflow decided
                        // once per run, and how many exceed `skipCycles`: as cycles never grow
                        // along the run, those are the prefix 0..<above (until `skipCycles` changes).
                        var above = 0
                        switch dataflow {
                        case .outputStationary:
                            for i in 0..<end {
                                let c = batchShare * (rowFolds * nT.colFolds[i] * kStream - 1)
                                runCycles[i] = c
                                above &+= c > skipCycles ? 1 : 0
                            }
                        case .weightStationary:
                            for i in 0..<end {
                                let c = batchShare * (rowFolds * nT.colFolds[i] * mStream - 1)
                                runCycles[i] = c
                                above &+= c > skipCycles ? 1 : 0
                            }
                        case .inputStationary:
                            for i in 0..<end {
                                let c = batchShare * (rowFolds * mCol * nT.cyclesPerFold[i] - 1)
                                runCycles[i] = c
                                above &+= c > skipCycles ? 1 : 0
                            }
                        }
                        var aboveValid = true
                        while j < end {
                            // Skip the prefix whose cycles exceed `skipCycles`: the first index at
                            // or after `j` with cycles ≤ skipCycles (`end` if none; cycles never
                            // grow along the run, so the skipped ones are a prefix).
                            if runCycles[j] > skipCycles {
                                // `above` while `skipCycles` is the one it was counted with; else
                                // a linear scan, not a bisection: runs are short (a dimension has
                                // few factors) and its one unpredictable branch is the exit.
                                var hi = above
                                if !aboveValid {
                                    hi = j &+ 1
                                    while hi < end, runCycles[hi] > skipCycles { hi &+= 1 }
                                }
                                if hi &- j >= budget &- visited { visited = budget; break search }
                                visited &+= hi &- j
                                j = hi
                                if j == end { break }
                            }
                            if visited == budget { break search }
                            visited &+= 1
                            let c = runCycles[j]
                            if !(c < keepCycles), c / perSecond > bestLatency { j &+= 1; continue }
                            let computeBelow = c * inverse * (1 - 1e-12)
                            let limit = bestLatency * (1 + 1e-12)
                            // Cannot come within the tie tolerance of the best, so cannot win;
                            // with a shared SRAM, neither can the rest of the run once compute time
                            // is within the off-chip time.
                            if let sharedOffchip {
                                let bound = costModel.sharedLatencyLowerBound(unitsUsed: pbkm &* nT.factors[j], computeSeconds: computeBelow,
                                                                              offchipSeconds: sharedOffchip)
                                if bound > limit {
                                    if c * inverse * (1 + 1e-12) <= sharedOffchip {
                                        if end &- (j &+ 1) >= budget &- visited { visited = budget; break search }
                                        visited &+= end &- (j &+ 1)
                                        break
                                    }
                                    j &+= 1
                                    continue
                                }
                            }
                            let candidate = t.candidate(ib, im, j, ik)
                            j &+= 1
                            if bounded, sharedOffchip == nil,
                               costModel.latencyLowerBound(candidate, computeSeconds: computeBelow) > limit {
                                continue
                            }
                            let mapping: Mapping
                            if space.fitsWhole(candidate.unit) {
                                mapping = space.wholeMapping(candidate.split, unit: candidate.unit)   // what `TileReuse.best` returns
                            } else {
                                // The share as one tile moves the least any tiling can, and the cost
                                // grows with traffic in every term: a lower bound on latency and on
                                // bytes moved. If even its latency's lower bound before the NoC is
                                // priced is above the limit, the tiling's is too and it cannot win:
                                // skipped before it is tiled. (What else the one tile's full price
                                // would rule out, the tiling's price below rules out as well.)
                                if bounded, costModel.latencyLowerBoundBeforeNoC(of: space.wholeMapping(candidate.split, unit: candidate.unit),
                                                                                 computeCycles: c, candidate: candidate) > limit {
                                    continue
                                }
                                mapping = space.mapping(candidate.split, unit: candidate.unit)
                            }
                            guard let (latency, bytes) = costModel.latencyAndBytes(of: mapping, computeCycles: c, candidate: candidate,
                                                                                   rejectingAbove: bounded ? limit : .infinity),
                                  latency < bestLatency * (1 - 1e-12) || (latency <= limit && bytes < bestBytes) else { continue }
                            best = (ib, im, j &- 1, ik)
                            (bestLatency, bestBytes) = (latency, bytes)
                            skipCycles = skipThreshold(bestLatency)
                            aboveValid = false
                            keepCycles = bestLatency * perSecond * (1 - 1e-9)
                        }
                    }
                }
            }
            let winner = t.candidate(best.ib, best.im, best.iN, best.ik)
            let mapping = space.mapping(winner.split, unit: winner.unit)
            let cost = costModel.cost(of: mapping, computeCycles: winner.computeCycles, candidate: winner)
            return Choice(mapping: mapping, cost: cost, candidatesEvaluated: visited)
        }
    }

    private func lowestScore(_ space: MatmulMappingSpace, _ costModel: MatmulCostModel, _ pricer: any ActivityEnergyPricer) -> Choice {
        var best: Choice?
        var bestScore = Double.infinity
        let visited = space.withTables(rows: costModel.rows, cols: costModel.cols, dataflow: costModel.dataflow) { t in
            MatmulMappingSpace.forEachCandidate(t, budget: budget) { candidate in
                let mapping = space.mapping(candidate.split, unit: candidate.unit)
                let cost = costModel.cost(of: mapping, computeCycles: candidate.computeCycles, candidate: candidate)
                let latency = cost.times.latencySeconds
                let joules = pricer.joules(cost.activity, seconds: latency)
                let score = objective == .edp ? joules * latency : joules
                if let current = best {
                    let currentLatency = current.cost.times.latencySeconds
                    let better = score < bestScore * (1 - 1e-12)
                        || (score <= bestScore * (1 + 1e-12)
                            && (latency < currentLatency * (1 - 1e-12)
                                || (latency <= currentLatency * (1 + 1e-12) && cost.bytesMoved < current.cost.bytesMoved)))
                    guard better else { return }
                }
                best = Choice(mapping: mapping, cost: cost, candidatesEvaluated: 0)
                bestScore = score
            }
        }
        best!.candidatesEvaluated = visited
        return best!
    }
}
