import Foundation
import GRDB
import SPUCore
import SPUCost

/// The best designs of a run against a baseline design, workload by workload.
///
/// For each workload of the run on which the baseline was evaluated, the baseline row (design
/// name = the baseline name, same workload hash; a row flagged `is_baseline` first) is set
/// against the top N other designs by `items_per_s` among the feasible rows that meet the
/// constraints (rows flagged `is_baseline` and rows of the baseline design itself are not
/// candidates). Ratios read "design relative to baseline", so > 1 is better except for area and
/// energy, where < 1 is smaller. Prices, TCO and $ per million items are as stored, or re-priced
/// from stored columns under `PricingPolicy.equalMargin` (every design at cost × one margin).
public struct BaselineComparison: Sendable {
    /// The stored metrics of one result row.
    public struct Metrics: Sendable, Equatable {
        public var resultID: Int64
        public var designName: String
        public var designHash: String
        public var feasible: Bool
        public var itemsPerS: Double?
        public var latencyS: Double?
        public var itemsPerJoule: Double?
        public var usdPerMillionItems: Double?
        public var areaMM2: Double?
        public var energyJ: Double?
        public var avgPowerW: Double?
        /// Price, manufacturing cost and TCO of one chip, and the TCO's slope in the price: what
        /// `PricingPolicy` re-prices a stored result from.
        public var priceUSD: Double?
        public var manufacturingCostUSD: Double?
        public var tcoUSDPerHour: Double?
        public var tcoUSDPerHourPerPriceUSD: Double?

        public init(resultID: Int64 = 0, designName: String, designHash: String = "", feasible: Bool = true, itemsPerS: Double?,
                    latencyS: Double?, itemsPerJoule: Double?, usdPerMillionItems: Double?, areaMM2: Double?, energyJ: Double?,
                    avgPowerW: Double? = nil, priceUSD: Double? = nil, manufacturingCostUSD: Double? = nil, tcoUSDPerHour: Double? = nil,
                    tcoUSDPerHourPerPriceUSD: Double? = nil) {
            self.resultID = resultID
            self.designName = designName
            self.designHash = designHash
            self.feasible = feasible
            self.itemsPerS = itemsPerS
            self.latencyS = latencyS
            self.itemsPerJoule = itemsPerJoule
            self.usdPerMillionItems = usdPerMillionItems
            self.areaMM2 = areaMM2
            self.energyJ = energyJ
            self.avgPowerW = avgPowerW
            self.priceUSD = priceUSD
            self.manufacturingCostUSD = manufacturingCostUSD
            self.tcoUSDPerHour = tcoUSDPerHour
            self.tcoUSDPerHourPerPriceUSD = tcoUSDPerHourPerPriceUSD
        }

        init(row: Row) {
            self.init(resultID: row["id"], designName: row["design_name"], designHash: row["design_hash"], feasible: row["feasible"],
                      itemsPerS: row["items_per_s"], latencyS: row["latency_s"], itemsPerJoule: row["items_per_joule"],
                      usdPerMillionItems: row["usd_per_million_items"], areaMM2: row["area_mm2"], energyJ: row["energy_j"],
                      avgPowerW: row["avg_power_w"], priceUSD: row["price_usd"], manufacturingCostUSD: row["manufacturing_cost_usd"],
                      tcoUSDPerHour: row["tco_usd_per_hour"], tcoUSDPerHourPerPriceUSD: row["tco_usd_per_hour_per_price_usd"])
        }

        static let columns = """
            id, design_name, design_hash, feasible, items_per_s, latency_s, items_per_joule, usd_per_million_items, area_mm2, energy_j, \
            avg_power_w, price_usd, manufacturing_cost_usd, tco_usd_per_hour, tco_usd_per_hour_per_price_usd
            """

        /// These metrics under `pricing`: price, TCO/h and $ per million items re-priced
        /// (`PricingPolicy`); everything else unchanged. Throws when the row lacks the columns a
        /// re-pricing needs (a row stored before they were recorded).
        public func priced(_ pricing: PricingPolicy) throws -> Metrics {
            guard pricing != .asConfigured else { return self }
            guard let priceUSD, let manufacturingCostUSD, let tcoUSDPerHour, let tcoUSDPerHourPerPriceUSD else {
                throw ResultsToolError("--pricing \(pricing.name): result \(resultID) (\(designName)) has no stored manufacturing_cost_usd or tco_usd_per_hour_per_price_usd (written by an SPUSim before pricing policies); re-run it to re-price it")
            }
            let r = pricing.repriced(PricingPolicy.StoredPricing(priceUSD: priceUSD, manufacturingCostUSD: manufacturingCostUSD,
                                                                 tcoUSDPerHour: tcoUSDPerHour, tcoUSDPerHourPerPriceUSD: tcoUSDPerHourPerPriceUSD))
            var m = self
            m.priceUSD = r.priceUSD
            m.tcoUSDPerHour = r.tcoUSDPerHour
            m.usdPerMillionItems = usdPerMillionItems.map { $0 * r.costScale }
            return m
        }

        var jsonValue: JSONValue {
            .object([
                ("result_id", .number(Double(resultID))), ("design_name", .string(designName)), ("design_hash", .string(designHash)),
                ("feasible", .bool(feasible)), ("items_per_s", json(itemsPerS)), ("latency_s", json(latencyS)),
                ("items_per_joule", json(itemsPerJoule)), ("usd_per_million_items", json(usdPerMillionItems)),
                ("area_mm2", json(areaMM2)), ("energy_j", json(energyJ)), ("avg_power_w", json(avgPowerW)),
                ("price_usd", json(priceUSD)), ("manufacturing_cost_usd", json(manufacturingCostUSD)), ("tco_usd_per_hour", json(tcoUSDPerHour)),
            ])
        }
    }

    /// A design's metrics relative to the baseline's; nil where either value is missing or the
    /// denominator is zero.
    public struct Ratios: Sendable, Equatable {
        /// design / baseline `items_per_s`.
        public var throughput: Double?
        /// baseline / design `latency_s`: > 1 means the design is faster.
        public var speedup: Double?
        /// design / baseline `items_per_joule` (throughput per watt).
        public var itemsPerJoule: Double?
        /// baseline / design `usd_per_million_items`: throughput per TCO dollar.
        public var throughputPerTCODollar: Double?
        /// design / baseline `area_mm2`.
        public var area: Double?
        /// design / baseline `energy_j` (energy of one iteration).
        public var energy: Double?

        public init(design d: Metrics, baseline b: Metrics) {
            throughput = ratio(d.itemsPerS, b.itemsPerS)
            speedup = ratio(b.latencyS, d.latencyS)
            itemsPerJoule = ratio(d.itemsPerJoule, b.itemsPerJoule)
            throughputPerTCODollar = ratio(b.usdPerMillionItems, d.usdPerMillionItems)
            area = ratio(d.areaMM2, b.areaMM2)
            energy = ratio(d.energyJ, b.energyJ)
        }

        var jsonValue: JSONValue {
            .object([("throughput", json(throughput)), ("speedup", json(speedup)), ("items_per_joule", json(itemsPerJoule)),
                     ("throughput_per_tco_dollar", json(throughputPerTCODollar)), ("area", json(area)), ("energy", json(energy))])
        }
    }

    /// One compared design on one workload.
    public struct Entry: Sendable, Equatable {
        public var design: Metrics
        public var ratios: Ratios
    }

    /// The baseline and the top designs on one workload.
    public struct WorkloadComparison: Sendable, Equatable {
        public var workloadName: String
        public var workloadHash: String
        public var throughputUnit: String
        public var baseline: Metrics
        public var designs: [Entry]
    }

    public var runID: Int64
    public var baselineName: String
    public var top: Int
    /// How prices, TCO and $ per million items are stated (stored results re-priced by it).
    public var pricing: PricingPolicy = .asConfigured
    public var workloads: [WorkloadComparison]

    /// Compares the top `top` designs of run `runID` (default: the latest run in which a row of
    /// `baseline` is flagged `is_baseline`, else the latest run holding a row of that design)
    /// with the design named `baseline`.
    /// Prices, TCO and $ per million items are re-priced under `pricing` (`PricingPolicy`); the
    /// ranking (by throughput) does not depend on it.
    public static func compute(reader: ResultsReader, baseline: String, runID: Int64? = nil, top: Int = 5,
                               pricing: PricingPolicy = .asConfigured) throws -> BaselineComparison {
        guard top >= 1 else { throw ResultsToolError("--top must be at least 1 (got \(top))") }
        return try reader.read { db in
            let run: Int64
            if let runID {
                try ResultsReader.checkRun(runID, in: db, path: reader.path)
                guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM results WHERE run_id = ? AND design_name = ?)",
                                        arguments: [runID, baseline]) == true else {
                    let names = try String.fetchAll(db, sql: "SELECT DISTINCT design_name FROM results WHERE run_id = ? ORDER BY design_name",
                                                    arguments: [runID])
                    throw missingBaseline(baseline, scope: "run \(runID)", names: names)
                }
                run = runID
            } else {
                guard let found = try Int64.fetchOne(db, sql: """
                    SELECT run_id FROM results WHERE design_name = ? ORDER BY is_baseline DESC, run_id DESC LIMIT 1
                    """, arguments: [baseline]) else {
                    let names = try String.fetchAll(db, sql: "SELECT DISTINCT design_name FROM results ORDER BY design_name")
                    throw missingBaseline(baseline, scope: reader.path, names: names)
                }
                run = found
            }
            var comparisons: [WorkloadComparison] = []
            var seen = Set<String>()
            let baselineRows = try Row.fetchAll(db, sql: """
                SELECT \(Metrics.columns), workload_hash, workload_name, throughput_unit FROM results
                WHERE run_id = ? AND design_name = ? ORDER BY workload_name, workload_hash, is_baseline DESC, id
                """, arguments: [run, baseline])
            for row in baselineRows {
                let workloadHash: String = row["workload_hash"]
                guard seen.insert(workloadHash).inserted else { continue }
                let base = try Metrics(row: row).priced(pricing)
                let candidates = try Row.fetchAll(db, sql: """
                    SELECT \(Metrics.columns) FROM results
                    WHERE run_id = ? AND workload_hash = ? AND feasible = 1 AND meets_constraints = 1 AND is_baseline = 0
                      AND design_name != ? AND design_hash != ? AND items_per_s IS NOT NULL
                    ORDER BY items_per_s DESC, id LIMIT ?
                    """, arguments: [run, workloadHash, baseline, base.designHash, top])
                let entries = try candidates.map { row -> Entry in
                    let metrics = try Metrics(row: row).priced(pricing)
                    return Entry(design: metrics, ratios: Ratios(design: metrics, baseline: base))
                }
                comparisons.append(WorkloadComparison(workloadName: row["workload_name"], workloadHash: workloadHash,
                                                      throughputUnit: row["throughput_unit"], baseline: base, designs: entries))
            }
            return BaselineComparison(runID: run, baselineName: baseline, top: top, pricing: pricing, workloads: comparisons)
        }
    }

    static func missingBaseline(_ name: String, scope: String, names: [String]) -> ResultsToolError {
        // Names that contain what was typed (or the other way round) first: `h100` → `h100-sxm`.
        let typed = name.lowercased()
        let close = names.filter { $0.lowercased().contains(typed) || typed.contains($0.lowercased()) }
        if !close.isEmpty {
            return ResultsToolError("--baseline: no results of design \"\(name)\" in \(scope); did you mean \(close.prefix(5).map { "\"\($0)\"" }.joined(separator: " or "))?")
        }
        let shown = names.count > 40 ? names.prefix(40).joined(separator: ", ") + ", … (\(names.count) in all)" : names.joined(separator: ", ")
        return ResultsToolError("--baseline: no results of design \"\(name)\" in \(scope) (designs: \(names.isEmpty ? "none" : shown))")
    }

    /// `{run_id, baseline, top, workloads: [{workload_name, …, baseline: {…}, designs: [{…, ratios: {…}}]}]}`.
    public var jsonValue: JSONValue {
        .object([
            ("run_id", .number(Double(runID))), ("baseline", .string(baselineName)), ("top", .number(Double(top))),
            ("pricing", pricing.jsonValue),
            ("workloads", .array(workloads.map { w in
                .object([
                    ("workload_name", .string(w.workloadName)), ("workload_hash", .string(w.workloadHash)),
                    ("throughput_unit", .string(w.throughputUnit)), ("baseline", w.baseline.jsonValue),
                    ("designs", .array(w.designs.map { e in
                        guard case let .object(pairs) = e.design.jsonValue else { return e.design.jsonValue }
                        return .object(pairs + [(key: "ratios", value: e.ratios.jsonValue)])
                    })),
                ])
            })),
        ])
    }
}

private func ratio(_ numerator: Double?, _ denominator: Double?) -> Double? {
    guard let numerator, let denominator, numerator.isFinite, denominator.isFinite, denominator != 0 else { return nil }
    return numerator / denominator
}

private func json(_ x: Double?) -> JSONValue {
    guard let x, x.isFinite else { return .null }
    return .number(x)
}
