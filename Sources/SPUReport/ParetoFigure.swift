import SPUCost
import SPUResults

extension ReportData {
    /// Numeric `design_scores` columns every design has (the objectives a figure may use).
    public var scoreColumns: [String] {
        Array(Set(designs.flatMap { $0.scores.keys })).sorted()
    }

    /// Checks that an objective names a score column, naming `option` otherwise.
    public func check(_ objective: ParetoObjective, option: String) throws {
        let available = MetricCatalogue.scoreColumns
        guard available.contains(objective.column) else {
            throw ResultsToolError("\(option): unknown column \"\(objective.column)\" in design_scores (\(MetricCatalogue.unknownNameHint(objective.column, accepted: available)))")
        }
    }

    /// The Pareto figure: every candidate design (feasible, meeting the constraints, not a
    /// baseline) in grey, the non-dominated ones (`ParetoFront.nonDominated`) joined in blue, and
    /// the baselines as labelled diamonds. Hover text names each design and its axis values. The
    /// grey cloud is thinned to one marker per 2.5-pixel square (`Series.thinned`): the same
    /// picture at any number of designs; the front and the baselines are always drawn in full.
    public func paretoFigure(_ pair: ReportOptions.ParetoPair) -> ScatterChart {
        let unit = throughputUnit
        let xLabel = MetricLabels.label(pair.x.column, unit: unit), yLabel = MetricLabels.label(pair.y.column, unit: unit)
        func point(_ d: Design, label: String? = nil) -> ScatterChart.Point? {
            guard let x = d.scores[pair.x.column], let y = d.scores[pair.y.column], x.isFinite, y.isFinite else { return nil }
            let title = describe(d) + "\n\(xLabel) = \(TickLabel.value(x))\n\(yLabel) = \(TickLabel.value(y))"
            return ScatterChart.Point(x: x, y: y, title: title, label: label)
        }
        let candidates = designs.filter(\.isCandidate)
        let located = candidates.compactMap { d in point(d).map { (d, $0) } }
        let front = Set(ParetoFront.nonDominated(located.map { d, _ in
            [pair.x.sense == .max ? d.scores[pair.x.column]! : -d.scores[pair.x.column]!,
             pair.y.sense == .max ? d.scores[pair.y.column]! : -d.scores[pair.y.column]!]
        }))
        let others = located.indices.filter { !front.contains($0) }.map { located[$0].1 }
        let frontPoints = front.sorted().map { located[$0].1 }
        let baselines = designs.filter(\.isBaseline).compactMap { point($0, label: $0.name) }
        let excluded = designs.filter { !$0.isBaseline && !$0.isCandidate }.count
        var chart = ScatterChart(
            title: "\(yLabel) vs \(xLabel)",
            xLabel: xLabel + (pair.x.sense == .max ? " →better" : " ←better"),
            yLabel: yLabel + (pair.y.sense == .max ? " ↑better" : " ↓better"),
            series: [
                .init(name: "designs (\(others.count))", color: Palette.muted, radius: 2.5, opacity: 0.6, points: others, cssClass: "point",
                      thinned: true),
                .init(name: "Pareto front (\(frontPoints.count))", color: "#1f5fa8", radius: 4.5, points: frontPoints, connect: true,
                      cssClass: "point pareto"),
                .init(name: "GPU baselines", color: "#d62728", marker: .diamond, radius: 5.5, points: baselines, cssClass: "point baseline"),
            ])
        chart.legendHeading = excluded > 0 ? "\(excluded) infeasible hidden" : nil
        return chart
    }
}
