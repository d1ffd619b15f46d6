import SPUCore
/// Every result metric of SPUSim, listed once. To add a metric, add an entry here: the
/// `results` column (added to existing databases when they are next opened for writing), the
/// `design_scores` column, the JSON key of `spusim run --json`, sweep objectives and
/// constraints, query validation and report labels all follow from it (`MetricCatalogueTests`).
///
/// Scope matters: a workload that runs tensor-parallel over N chips has one iteration latency,
/// one throughput and one energy for the group, while power, utilisation and memory are per chip.
/// Efficiency metrics divide group by group (`items_per_joule`), never group by chip.
public enum MetricCatalogue {
    public static let all: [Metric] = [
        Metric("latency_s", unit: "s", label: "latency per iteration", scope: .perGroup, direction: .lowerIsBetter,
               aggregate: .weightedMean,
               summary: "Time of one iteration of the trace on the group: one decode step, or the prefill of the batch (time to first token).",
               .performance { $0.latencySeconds }),
        Metric("items_per_s", unit: "items/s", label: "throughput", scope: .perGroup, direction: .higherIsBetter,
               aggregate: .weightedMean, formerNames: ["throughput_per_s"],
               summary: "Items (tokens, samples) the whole group produces per second: items per iteration / latency.",
               .performance { $0.throughputPerSecond }),
        Metric("items_per_s_per_chip", unit: "items/s", label: "throughput per chip", scope: .perChip, direction: .higherIsBetter,
               aggregate: .weightedMean,
               summary: "items_per_s divided by the chips in the group, so TP-1 and TP-8 workloads compare per chip.",
               .performance { $0.throughputPerSecond / Double($0.devices) }),
        Metric("mac_utilization", unit: "1", label: "MAC utilization", scope: .perChip, direction: .higherIsBetter,
               aggregate: .none,
               summary: "MACs performed over peak MACs of the dominant format during the iteration.",
               .performance { $0.macUtilization }),
        Metric("memory_required_bytes", unit: "bytes", label: "memory required", scope: .perChip, direction: .none,
               aggregate: .none, explainsInfeasibility: true,
               summary: "Weights, KV cache and the largest activation footprint one chip must hold.",
               .performance { $0.capacity.requiredBytes }),
        Metric("memory_available_bytes", unit: "bytes", label: "memory available", scope: .perChip, direction: .none,
               aggregate: .none, explainsInfeasibility: true,
               summary: "Off-chip memory capacity of one chip.",
               .performance { $0.capacity.availableBytes }),
        Metric("energy_j", unit: "J", label: "energy per iteration", scope: .perGroup, direction: .lowerIsBetter,
               aggregate: .none,
               summary: "Dynamic plus static energy of one iteration, all chips of the group.",
               .evaluation { $0.cost.energyJ }),
        Metric("avg_power_w", unit: "W", label: "average power", scope: .perChip, direction: .lowerIsBetter,
               aggregate: .maximum,
               summary: "Energy of one chip over the iteration divided by its latency, after the TDP policy.",
               .evaluation { $0.cost.averagePowerW }),
        Metric("throttle_factor", unit: "1", label: "clock scale", scope: .perChip, direction: .none,
               aggregate: .none,
               summary: "Clock scale the TDP policy applied (1 when the chip stays within its TDP at full clock).",
               .evaluation { $0.cost.throttleFactor }),
        Metric("clock_ghz", unit: "GHz", label: "operating clock", scope: .perChip, direction: .none,
               aggregate: .none,
               summary: "Clock one chip runs the iteration at: the nominal clock times throttle_factor.",
               .evaluation { $0.cost.operatingPoint.clockGHz }),
        Metric("voltage_v", unit: "V", label: "core supply", scope: .perChip, direction: .none,
               aggregate: .none,
               summary: "Core supply voltage at the operating clock, from the node's V–f curve (DVFS lowers it with the clock).",
               .evaluation { $0.cost.operatingPoint.voltageV }),
        Metric("static_power_w", unit: "W", label: "leakage power", scope: .perChip, direction: .lowerIsBetter,
               aggregate: .none,
               summary: "Leakage power of one chip at the operating voltage and the node's junction temperature (part of avg_power_w).",
               .evaluation { $0.cost.operatingPoint.staticPowerW }),
        Metric("area_mm2", unit: "mm2", label: "area", scope: .perDesign, direction: .lowerIsBetter,
               aggregate: .designValue,
               summary: "Silicon area of one chip, all dies: published when the design states it, modelled otherwise.",
               .design { $0.area.effectiveTotalMM2 }),
        Metric("modelled_area_mm2", unit: "mm2", label: "modelled area", scope: .perDesign, direction: .lowerIsBetter,
               aggregate: .none,
               summary: "Silicon area of one chip from the area model's parts (equals area_mm2 unless the design publishes its area).",
               .design { $0.area.totalMM2 }),
        Metric("per_die_area_mm2", unit: "mm2", label: "area per die", scope: .perDesign, direction: .lowerIsBetter,
               aggregate: .none,
               summary: "area_mm2 divided by the dies of the package (what the reticle limit applies to).",
               .design { $0.area.effectivePerDieMM2 }),
        Metric("interposer_area_mm2", unit: "mm2", label: "interposer area", scope: .perDesign, direction: .lowerIsBetter,
               aggregate: .none,
               summary: "Area the package carries: (dies + HBM stack footprints) × spacing; it decides the package class (PackagingModel).",
               .design { $0.silicon.packaging.interposerAreaMM2 }),
        Metric("package_cost_usd", unit: "usd", label: "package cost", scope: .perDesign, direction: .lowerIsBetter,
               aggregate: .none,
               summary: "Cost of the package of one chip by class, interposer area and HBM stacks (test excluded).",
               .design { $0.silicon.packaging.packageUSD }),
        Metric("die_cost_usd", unit: "usd", label: "die cost", scope: .perDesign, direction: .lowerIsBetter,
               aggregate: .designValue,
               summary: "Cost of the good dies of one chip: wafer cost over good dies per wafer (yield model).",
               .design { $0.silicon.dieCostUSD }),
        Metric("manufacturing_cost_usd", unit: "usd", label: "manufacturing cost", scope: .perDesign, direction: .lowerIsBetter,
               aggregate: .designValue,
               summary: "Dies, memory, packaging and test, and design NRE and masks per unit, for one chip.",
               .design { $0.silicon.manufacturingCostUSD }),
        Metric("price_usd", unit: "usd", label: "price", scope: .perDesign, direction: .lowerIsBetter,
               aggregate: .designValue,
               summary: "Price of one chip under the design's pricing policy: its published list price, or manufacturing cost times its cost-plus margin.",
               .design { $0.silicon.priceUSD }),
        Metric("tco_usd_per_hour", unit: "usd/h", label: "TCO", scope: .perDesign, direction: .lowerIsBetter,
               aggregate: .designValue,
               summary: "Total cost of ownership of one chip per hour: capital, electricity at TDP, facility and operations.",
               .design { $0.tco.totalUSDPerHour }),
        Metric("tco_usd_per_hour_per_price_usd", unit: "usd/h per usd", label: "TCO per price dollar", scope: .perDesign, direction: .none,
               aggregate: .designValue,
               summary: "What one more dollar of chip price adds to tco_usd_per_hour (capital and operations; TCO is affine in the price), so that stored results can be re-priced (--pricing equal-margin).",
               .design { $0.tco.usdPerHourPerPriceUSD }),
        Metric("embedding_cosine", unit: "1", label: "embedding cosine", scope: .perGroup, direction: .higherIsBetter,
               aggregate: .weightedMean, isOptional: true,
               summary: "Sweeps with an accuracy block: mean cosine similarity to fp32 of all-MiniLM-L6-v2 sentence embeddings with every matmul emulated in the workload's precision recipe on the design's accumulator register (docs/accuracy.md); NULL without one, for traces without a recipe, and for infeasible results.",
               .evaluation { $0.cost.accuracy?.embeddingCosine ?? .nan }),
        Metric("embedding_cosine_min", unit: "1", label: "worst embedding cosine", scope: .perGroup, direction: .higherIsBetter,
               aggregate: .weightedMean, isOptional: true,
               summary: "As embedding_cosine, the lowest over the sentence set.",
               .evaluation { $0.cost.accuracy?.embeddingCosineMin ?? .nan }),
        Metric("similarity_spearman", unit: "1", label: "similarity rank agreement", scope: .perGroup, direction: .higherIsBetter,
               aggregate: .weightedMean, isOptional: true,
               summary: "As embedding_cosine: Spearman correlation of all pairwise sentence similarities with fp32's (how well the recipe keeps a retrieval ranking).",
               .evaluation { $0.cost.accuracy?.similaritySpearman ?? .nan }),
        Metric("goodput_requests_per_s", unit: "requests/s", label: "goodput", scope: .perDesign, direction: .higherIsBetter,
               aggregate: .designValue, isOptional: true,
               summary: "Sweeps with a serving scenario: requests per second within both SLOs on the serving simulator (a max_rate scenario: the highest Poisson rate meeting them at its percentile), for the scenario's replicas of the design; NULL without a scenario or when the design cannot serve it.",
               .design { $0.serving?.goodputRequestsPerSecond ?? .nan }),
        Metric("ttft_p99_s", unit: "s", label: "TTFT p99", scope: .perDesign, direction: .lowerIsBetter,
               aggregate: .designValue, isOptional: true,
               summary: "Sweeps with a serving scenario: 99th-percentile time to first token on the serving simulator.",
               .design { $0.serving?.ttftP99Seconds ?? .nan }),
        Metric("tpot_p99_s", unit: "s", label: "TPOT p99", scope: .perDesign, direction: .lowerIsBetter,
               aggregate: .designValue, isOptional: true,
               summary: "Sweeps with a serving scenario: 99th-percentile time per output token on the serving simulator.",
               .design { $0.serving?.tpotP99Seconds ?? .nan }),
        Metric("serving_tokens_per_s", unit: "tokens/s", label: "serving throughput", scope: .perDesign, direction: .higherIsBetter,
               aggregate: .designValue, isOptional: true,
               summary: "Sweeps with a serving scenario: output tokens per second of the scenario's serving system on the serving simulator.",
               .design { $0.serving?.throughputTokensPerSecond ?? .nan }),
        Metric("energy_j_per_query", unit: "J", label: "energy per query", scope: .perDesign, direction: .lowerIsBetter,
               aggregate: .designValue, isOptional: true,
               summary: "Sweeps with a serving scenario: chip energy per served request on the serving simulator (iterations, engine time, idle leakage).",
               .design { $0.serving?.energyJPerQuery ?? .nan }),
        Metric("training_step_s", unit: "s", label: "training step time", scope: .perDesign, direction: .lowerIsBetter,
               aggregate: .designValue, isOptional: true,
               summary: "Sweeps with a training scenario: time of one training step of the scenario's global batch on its devices of the design's cluster (SPUTraining's step model, under the fixed layout or the best of the layout search); NULL without a scenario or when no layout fits the design.",
               .design { $0.training?.stepSeconds ?? .nan }),
        Metric("training_tokens_per_s", unit: "tokens/s", label: "training throughput", scope: .perDesign, direction: .higherIsBetter,
               aggregate: .designValue, isOptional: true,
               summary: "Sweeps with a training scenario: tokens of the global batch per step time, the whole cluster.",
               .design { $0.training?.tokensPerSecond ?? .nan }),
        Metric("training_mfu", unit: "1", label: "training MFU", scope: .perDesign, direction: .higherIsBetter,
               aggregate: .designValue, isOptional: true,
               summary: "Sweeps with a training scenario: model FLOPs utilisation of the step, model FLOPs / (devices × step time × peak dense FLOP/s of the recipe's format).",
               .design { $0.training?.mfu ?? .nan }),
        Metric("training_j_per_token", unit: "J", label: "training energy per token", scope: .perDesign, direction: .lowerIsBetter,
               aggregate: .designValue, isOptional: true,
               summary: "Sweeps with a training scenario: facility energy per trained token (accelerators, network, hosts, × PUE).",
               .design { $0.training?.facilityJoulesPerToken ?? .nan }),
        Metric("training_usd_per_million_tokens", unit: "usd/M tokens", label: "training cost", scope: .perDesign, direction: .lowerIsBetter,
               aggregate: .designValue, isOptional: true,
               summary: "Sweeps with a training scenario: cost of the cluster per million trained tokens (the TCO rule of configs/tco over accelerators, hosts, NICs and switches).",
               .design { $0.training?.usdPerMillionTokens ?? .nan }),
        Metric("usd_per_million_items", unit: "usd/M items", label: "TCO cost", scope: .perGroup, direction: .lowerIsBetter,
               aggregate: .weightedMean,
               summary: "TCO of the group's chips per million items it produces.",
               .evaluation { $0.cost.usdPerMillionItems }),
        Metric("items_per_joule", unit: "items/J", label: "energy efficiency", scope: .perGroup, direction: .higherIsBetter,
               aggregate: .weightedMean, formerNames: ["throughput_per_s_per_w", "items_per_s_per_w"],
               summary: "Items of one iteration over the group's energy for it; equals items per second per watt of all chips.",
               .evaluation { $0.cost.itemsPerJoule }),
    ]

    /// Every metric's value for one evaluation, by name (what adaptive searches rank on, and
    /// what a resumed search reads back from the `results` columns of the same names).
    public static func values(_ evaluation: CostedEvaluation) -> [String: Double] {
        Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0.value(evaluation)) })
    }

    /// The metric a user named: its catalogue name, or the name with the throughput unit
    /// spelled out (`tokens_per_joule` for `items_per_joule`). A former name throws an error
    /// naming today's; an unknown one lists the accepted names.
    public static func parse(_ name: String, accepted: [Metric] = all) throws(MetricNameError) -> Metric {
        if let metric = byName[name], accepted.contains(metric) { return metric }   // serving_tokens_per_s, training_… name tokens themselves
        let generic = name.replacingOccurrences(of: "tokens", with: "items").replacingOccurrences(of: "samples", with: "items")
        if let metric = byName[generic], accepted.contains(metric) { return metric }
        if let metric = byFormerName[generic] ?? byFormerName[name] {
            throw MetricNameError("\"\(name)\" is now called \"\(metric.name)\"")
        }
        throw MetricNameError("unknown metric \"\(name)\" (expected one of: \(accepted.map(\.name).joined(separator: ", ")))")
    }

    /// The metric called `name`, or nil.
    public static func metric(named name: String) -> Metric? { byName[name] }

    /// The metric that used to be called `name`, or nil.
    public static func renamed(from name: String) -> Metric? { byFormerName[name] }

    /// A design score column (`weighted_items_per_s`, `area_mm2`, …) and its metric, or nil.
    public static func metric(scoreColumn column: String) -> Metric? { byScoreColumn[column] }

    /// The `design_scores` columns that score a design, in catalogue order.
    public static var scoreColumns: [String] { all.compactMap(\.scoreColumn) }

    /// A hint for a name that is not a metric: its new name when it is a former one, a listing
    /// otherwise. `names` are the accepted names in the context (metric names or score columns).
    public static func unknownNameHint(_ name: String, accepted names: [String]) -> String {
        // Map a former metric name, or a score column built on one, to today's.
        for metric in all {
            for old in metric.formerNames {
                if name == old, names.contains(metric.name) { return "\"\(old)\" is now called \"\(metric.name)\"" }
                for prefix in ["weighted_", "max_"] where name == prefix + old {
                    if let column = metric.scoreColumn, names.contains(column) { return "\"\(name)\" is now called \"\(column)\"" }
                }
            }
        }
        return (Suggestion.closest(to: name, in: names).map { "did you mean \"\($0)\"? " } ?? "") + "expected one of: \(names.joined(separator: ", "))"
    }

    private static let byName = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
    private static let byFormerName = Dictionary(uniqueKeysWithValues: all.flatMap { m in m.formerNames.map { ($0, m) } })
    private static let byScoreColumn = Dictionary(uniqueKeysWithValues: all.compactMap { m in m.scoreColumn.map { ($0, m) } })
}
