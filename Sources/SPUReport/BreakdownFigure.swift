import SPUResults

/// Which stacked-bar breakdown to draw.
public enum BreakdownKind: String, Sendable, CaseIterable {
    /// Latency of one iteration by bound (`time_<bound>_s`), per workload.
    case latency
    /// Energy of one iteration (all chips) by component (`energy_<component>_j`), per workload.
    case energy
    /// Modelled silicon area by component (`area_<component>_mm2`).
    case area
}

extension ReportData {
    /// The designs a report details: the top `count` candidates by `objective`, then the baselines.
    public func featured(objective: ParetoObjective, count: Int) -> [Design] {
        ranked(objective).prefix(count) + designs.filter(\.isBaseline)
    }

    /// The designs named (each must be in the run), or the best `count` candidates by `objective`
    /// (a `max:COLUMN` / `min:COLUMN` string) when no name is given. Errors name the option.
    public func select(names: [String], objective: String, count: Int) throws -> [Design] {
        if names.isEmpty {
            let parsed = try ReportOptions.objective(objective, option: "--objective")
            try check(parsed, option: "--objective")
            return Array(ranked(parsed).prefix(count))
        }
        return try names.map { name in
            guard let design = designs.first(where: { $0.name == name }) else {
                let examples = designs.filter(\.isBaseline).map(\.name) + designs.prefix(3).map(\.name)
                throw ResultsToolError("--design \(name): no design of that name in run \(run.id) (e.g. \(examples.joined(separator: ", ")))")
            }
            return design
        }
    }

    /// The workload named by `--workload`, or nil (the first workload) when none is given.
    public func workloadHash(named name: String?) throws -> String? {
        guard let name else { return nil }
        guard let match = workloads.first(where: { $0.name == name }) else {
            throw ResultsToolError("--workload \(name): not in run \(run.id) (workloads: \(workloads.map(\.name).joined(separator: ", ")))")
        }
        return match.hash
    }

    /// Candidates (feasible, meeting the constraints, not baselines) best first by `objective`.
    public func ranked(_ objective: ParetoObjective) -> [Design] {
        designs.filter { $0.isCandidate && ($0.scores[objective.column]?.isFinite ?? false) }.sorted { a, b in
            let x = a.scores[objective.column]!, y = b.scores[objective.column]!
            return objective.sense == .max ? x > y : x < y
        }
    }

    /// Stacked bars of `kind` for `designs`; `workloadHash` picks the workload (latency, energy).
    /// Returns nil when the breakdown is not recorded (energy and area need migration v6 rows).
    public func breakdown(_ kind: BreakdownKind, designs chosen: [Design], workloadHash: String?) -> StackedBarChart? {
        let workload = workloads.first { $0.hash == workloadHash } ?? workloads.first
        func row(_ design: Design) -> Result? {
            results.first { $0.designHash == design.hash && (kind == .area || $0.workloadHash == workload?.hash) }
        }
        var bars: [StackedBarChart.Bar] = []
        for design in chosen {
            guard let result = row(design) else { continue }
            let values: [Double]?
            var note: String? = nil
            switch kind {
            case .latency: values = result.timeByBound
            case .energy: values = result.energyParts
            case .area:
                values = result.areaParts
                if let parts = values, let stated = result.areaMM2, abs(parts.reduce(0, +) - stated) > 0.01 * stated {
                    note = "published area \(TickLabel.value(stated)) mm² (bars show the modelled parts)"
                }
            }
            guard let values else { continue }
            let label = design.isBaseline ? design.name : (design.pointIndex.map { "#\($0) " } ?? "") + design.name
            bars.append(.init(label: label, values: values, note: note, highlight: design.isBaseline))
        }
        guard !bars.isEmpty || kind == .latency else { return nil }
        let name = workload.map { "\($0.name)" } ?? ""
        switch kind {
        case .latency:
            return StackedBarChart(title: "Latency by bound — \(name)", valueLabel: "latency of one iteration (s)",
                                   components: Self.bounds, bars: bars)
        case .energy:
            return StackedBarChart(title: "Energy by component — \(name)", valueLabel: "energy of one iteration, all chips (J)",
                                   components: Self.energyComponents, bars: bars)
        case .area:
            return StackedBarChart(title: "Area by component", valueLabel: "modelled silicon area (mm²)", components: Self.areaComponents,
                                   bars: bars)
        }
    }
}
