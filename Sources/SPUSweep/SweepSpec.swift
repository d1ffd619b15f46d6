import Foundation
import SPUCore
import SPUHardware
import SPUWorkload

/// A sweep: a base design, axes over its fields, workloads with weights, constraints, a search
/// strategy and GPU baselines. Decoded strictly from JSON (`docs/sweeps.md`).
public struct SweepSpec: Sendable {
    /// One swept parameter: a JSON path into the design and its candidate values.
    public struct Parameter: Sendable, Equatable {
        public var path: JSONPath
        public var values: [JSONValue]
    }

    /// An axis: one parameter, or several that vary together (zip), all with the same count.
    public struct Axis: Sendable, Equatable {
        public var parameters: [Parameter]
        public var count: Int { parameters[0].values.count }
        public var label: String { parameters.map(\.path.description).joined(separator: "+") }
    }

    public struct WorkloadEntry: Sendable {
        public var workload: Workload
        public var weight: Double
        /// Content hash, computed once.
        public var hash: String
    }

    public struct Constraint: Sendable, Equatable {
        public enum Metric: String, CaseIterable, Sendable {
            // Known before evaluating a workload (prune before evaluation).
            case areaMM2 = "area_mm2", perDieAreaMM2 = "per_die_area_mm2", dieCostUSD = "die_cost_usd"
            case priceUSD = "price_usd", tcoUSDPerHour = "tco_usd_per_hour"
            // Known after evaluation (mark points that violate them).
            case avgPowerW = "avg_power_w", latencyS = "latency_s", throughputPerS = "throughput_per_s"
            case energyJ = "energy_j", itemsPerJoule = "items_per_joule", usdPerMillionItems = "usd_per_million_items"
            case memoryFits = "memory_fits"

            public var isPreEvaluation: Bool {
                switch self {
                case .areaMM2, .perDieAreaMM2, .dieCostUSD, .priceUSD, .tcoUSDPerHour: return true
                default: return false
                }
            }
        }
        public var metric: Metric
        public var min: Double?
        public var max: Double?

        public func allows(_ value: Double) -> Bool {
            guard value.isFinite else { return false }
            if let min, value < min { return false }
            if let max, value > max { return false }
            return true
        }

        public var description: String {
            if metric == .memoryFits { return "memory_fits" }
            return [min.map { "\(metric.rawValue) ≥ \(JSONWriter.formatNumber($0))" }, max.map { "\(metric.rawValue) ≤ \(JSONWriter.formatNumber($0))" }]
                .compactMap { $0 }.joined(separator: " and ")
        }
    }

    public enum Strategy: Sendable, Equatable {
        case grid
        case random(count: Int, seed: UInt64)
        case latinHypercube(count: Int, seed: UInt64)
        case nsga2(objectives: [Objective], population: Int, generations: Int, seed: UInt64)

        public var name: String {
            switch self {
            case .grid: return "grid"
            case .random: return "random"
            case .latinHypercube: return "latin-hypercube"
            case .nsga2: return "nsga2"
            }
        }
    }

    /// An optimisation objective over a design's weighted scores.
    public struct Objective: Sendable, Equatable, CustomStringConvertible {
        public enum Metric: String, CaseIterable, Sendable {
            case throughputPerS = "throughput_per_s", latencyS = "latency_s", itemsPerJoule = "items_per_joule"
            case throughputPerSPerW = "throughput_per_s_per_w", usdPerMillionItems = "usd_per_million_items"
            case areaMM2 = "area_mm2", dieCostUSD = "die_cost_usd", tcoUSDPerHour = "tco_usd_per_hour", avgPowerW = "avg_power_w"
        }
        public var maximize: Bool
        public var metric: Metric
        public var description: String { "\(maximize ? "max" : "min"):\(metric.rawValue)" }

        public init(parsing text: String) throws(SweepError) {
            let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, parts[0] == "max" || parts[0] == "min" else {
                throw .message("objective \"\(text)\" must look like max:METRIC or min:METRIC")
            }
            // Aliases with the unit spelled out.
            let name = parts[1].replacingOccurrences(of: "tokens", with: "items").replacingOccurrences(of: "samples", with: "items")
            let metric = name == "items_per_s_per_w" ? Metric.throughputPerSPerW : (name == "items_per_s" ? Metric.throughputPerS : Metric(rawValue: name))
            guard let metric else {
                throw .message("unknown objective metric \"\(parts[1])\" (expected one of: \(Metric.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            self.maximize = parts[0] == "max"
            self.metric = metric
        }
    }

    public var name: String
    public var description: String?
    public var file: String
    public var baseDesign: JSONValue
    public var baseDesignName: String
    public var axes: [Axis]
    public var workloads: [WorkloadEntry]
    public var constraints: [Constraint]
    public var strategy: Strategy
    public var baselines: [DeviceSpec]
    public var techDirectory: String
    public var tcoFile: String
    /// Whether per-op rows go to `op_results` (off by default: a sweep's per-op rows can outnumber
    /// its results 20 to 1; re-run a point with `spusim run` for its breakdown).
    public var storeOpResults: Bool
    /// `mapping_objective`: what the mapper minimises for every design of the sweep (overrides the
    /// designs' `mapping.objective`); nil leaves it to each design (default latency).
    public var mappingObjective: MappingObjective? = nil
    /// Canonical JSON of the whole specification with every referenced file's content inlined,
    /// so its hash changes whenever any input changes.
    public var canonicalJSON: String
    public var contentHash: String { SHA256.hex(canonicalJSON) }

    /// Number of design points the strategy will evaluate (before constraint pruning).
    public var gridSize: Int { axes.reduce(1) { $0.multipliedReportingOverflow(by: $1.count).overflow ? Int.max : $0 * $1.count } }
}
