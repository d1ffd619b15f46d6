import SPUCost

extension SweepSpec {
    /// Whether a design meets the pre-evaluation constraints (area, cost), known before any
    /// workload runs.
    func passesPreEvaluationConstraints(_ e: DesignEvaluator) -> Bool {
        for c in constraints where c.metric.isPreEvaluation {
            let value: Double
            switch c.metric {
            case .areaMM2: value = e.area.effectiveTotalMM2
            case .perDieAreaMM2: value = e.area.effectivePerDieMM2
            case .dieCostUSD: value = e.silicon.dieCostUSD
            case .priceUSD: value = e.silicon.priceUSD
            case .tcoUSDPerHour: value = e.tco.totalUSDPerHour
            default: continue
            }
            if !c.allows(value) { return false }
        }
        return true
    }

    /// Whether one evaluation meets the post-evaluation constraints.
    func meetsPostEvaluationConstraints(_ e: CostedEvaluation) -> Bool {
        for c in constraints where !c.metric.isPreEvaluation {
            let value: Double
            switch c.metric {
            case .avgPowerW: value = e.cost.averagePowerW
            case .latencyS: value = e.performance.latencySeconds
            case .throughputPerS: value = e.performance.throughputPerSecond
            case .energyJ: value = e.cost.energyJ
            case .itemsPerJoule: value = e.cost.itemsPerJoule
            case .usdPerMillionItems: value = e.cost.usdPerMillionItems
            case .memoryFits: if !e.performance.capacity.fits { return false }; continue
            default: continue
            }
            if !c.allows(value) { return false }
        }
        return true
    }
}
