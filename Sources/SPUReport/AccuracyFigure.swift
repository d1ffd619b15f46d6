import SPUCost
import SPUResults

extension ReportData {
    /// The accuracy × energy × area figures of a run whose workloads ran in several precision
    /// recipes with an accuracy block: for each workload entry with accuracy data (the recipe
    /// variants of one entry together), every feasible (design, recipe) result as a point, one
    /// colour per recipe — embedding cosine to fp32 against items per joule, and against modelled
    /// area. Empty when the run measured no accuracy.
    public func accuracyFigures() -> [(name: String, energy: ScatterChart, area: ScatterChart)] {
        let unit = throughputUnit
        let measuredResults = results.filter { $0.feasible && $0.embeddingCosine != nil && $0.recipe != nil }
        var groups: [String] = []
        for r in measuredResults where !groups.contains(r.recipeGroup ?? r.workloadHash) { groups.append(r.recipeGroup ?? r.workloadHash) }
        return groups.compactMap { group in
            let measured = measuredResults.filter { ($0.recipeGroup ?? $0.workloadHash) == group }
            guard let first = measured.first, let workload = workloads.first(where: { $0.hash == first.workloadHash }) else { return nil }
            // The entry's name: the variant's workload name without its recipe suffix.
            let suffix = "-" + (first.recipe ?? "")
            let name = workload.name.hasSuffix(suffix) ? String(workload.name.dropLast(suffix.count)) : workload.name
            let recipes = Array(Set(measured.compactMap(\.recipe))).sorted()
            func chart(x xLabel: String, _ x: (Result) -> Double?, title: String) -> ScatterChart {
                let series = recipes.enumerated().map { index, recipe in
                    ScatterChart.Series(name: recipe, color: Palette.color(index), marker: .circle, radius: 3.5, opacity: 0.8,
                                        points: measured.filter { $0.recipe == recipe }.compactMap { r -> ScatterChart.Point? in
                                            guard let xv = x(r), let y = r.embeddingCosine, xv.isFinite, y.isFinite else { return nil }
                                            let name = design(hash: r.designHash).map(describe) ?? r.designHash
                                            return ScatterChart.Point(x: xv, y: y, title: "\(name)\nrecipe \(recipe)\n\(xLabel) = \(TickLabel.value(xv))\nembedding cosine = \(TickLabel.value(y))")
                                        })
                }
                var c = ScatterChart(title: title, xLabel: xLabel, yLabel: "embedding cosine to fp32 ↑better", series: series)
                c.xLog = false
                c.yLog = false
                return c
            }
            let energy = chart(x: "\(unit) per joule", { $0.itemsPerJoule }, title: "\(name): accuracy vs energy efficiency")
            let area = chart(x: "area mm²", { $0.areaMM2 }, title: "\(name): accuracy vs area")
            return (name, energy, area)
        }
    }
}
