import SPUCost
import SPUResults

extension ReportData {
    /// The run with every design re-priced under `pricing` (`PricingPolicy`): its `price_usd`,
    /// `tco_usd_per_hour` and every score of `usd_per_million_items` (which scales with the TCO)
    /// in `design_scores`. Rankings, Pareto fronts, sensitivity and the top table then read the
    /// re-priced scores. Throws when a design lacks the stored columns a re-pricing needs.
    public func priced(_ pricing: PricingPolicy) throws -> ReportData {
        guard pricing != .asConfigured else { return self }
        var data = self
        for index in data.designs.indices {
            let d = data.designs[index]
            guard let price = d.scores["price_usd"], let manufacturing = d.scores["manufacturing_cost_usd"],
                  let tco = d.scores["tco_usd_per_hour"], let slope = d.scores["tco_usd_per_hour_per_price_usd"] else {
                throw ResultsToolError("--pricing \(pricing.name): design \(d.name) of run \(run.id) has no stored manufacturing_cost_usd or tco_usd_per_hour_per_price_usd (written by an SPUSim before pricing policies); re-run the sweep to re-price it")
            }
            let r = pricing.repriced(PricingPolicy.StoredPricing(priceUSD: price, manufacturingCostUSD: manufacturing, tcoUSDPerHour: tco,
                                                                 tcoUSDPerHourPerPriceUSD: slope))
            var scores = d.scores
            for (column, value) in d.scores where MetricCatalogue.metric(scoreColumn: column)?.name == "usd_per_million_items" {
                scores[column] = value * r.costScale
            }
            scores["price_usd"] = r.priceUSD
            scores["tco_usd_per_hour"] = r.tcoUSDPerHour
            data.designs[index].scores = scores
        }
        data.pricing = pricing
        return data
    }
}
