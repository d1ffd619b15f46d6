import Foundation
import SPUAccuracy
import SPUCore
import SPUFormats
import SPUCost
import SPUHardware
import SPUServing
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
        /// The precision recipe the workload was generated in (nil for traces and for generators
        /// given a plain `format`).
        public var recipe: PrecisionRecipe? = nil
        /// The workload entry a recipe variant stands for when the sweep selects each design's
        /// best recipe (`recipes.select = "best"`): variants of one group are alternatives, and a
        /// design's score counts only its best one. Nil otherwise.
        public var recipeGroup: String? = nil
    }

    /// Precision recipes as a sweep axis (`recipes` block): every transformer generator runs in
    /// each candidate recipe, as its own workload (`all`), or as alternatives of which each design
    /// is scored on its best (`best`: the feasible variant, meeting every constraint, with the best
    /// value of `objective`). Every variant's result is stored either way.
    public struct RecipeAxis: Sendable {
        public enum Selection: Sendable, Equatable {
            case all
            case best(Objective)
        }
        public var candidates: [PrecisionRecipe]
        public var selection: Selection
    }

    /// A bound on a catalogue metric (`MetricCatalogue`), or the requirement that the workload
    /// fits in memory. Metrics known before evaluation (area, cost) prune designs before any
    /// workload runs; the others mark the results that violate them.
    public struct Constraint: Sendable, Equatable {
        public enum Subject: Sendable, Equatable {
            case metric(Metric)
            case memoryFits
        }
        public var subject: Subject
        public var min: Double?
        public var max: Double?

        public init(subject: Subject, min: Double? = nil, max: Double? = nil) {
            self.subject = subject
            self.min = min
            self.max = max
        }

        /// The name sweep configs use for `memory_fits`.
        public static let memoryFitsName = "memory_fits"

        /// Parses a constraint's `metric`: a catalogue metric or `memory_fits`.
        public static func subject(named name: String) throws(MetricNameError) -> Subject {
            name == memoryFitsName ? .memoryFits : .metric(try MetricCatalogue.parse(name))
        }

        /// Whether the constraint is decided before any workload runs.
        public var isPreEvaluation: Bool {
            if case let .metric(metric) = subject { return metric.isDesignLevel }
            return false
        }

        public func allows(_ value: Double) -> Bool {
            guard value.isFinite else { return false }
            if let min, value < min { return false }
            if let max, value > max { return false }
            return true
        }

        public var description: String {
            guard case let .metric(metric) = subject else { return Self.memoryFitsName }
            return [min.map { "\(metric.name) ≥ \(JSONWriter.formatNumber($0))" }, max.map { "\(metric.name) ≤ \(JSONWriter.formatNumber($0))" }]
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

    /// An optimisation objective over a design's score: a catalogue metric that has a
    /// `design_scores` column, aggregated over the workloads as that column is (weighted mean,
    /// maximum, or the design's own value), so the optimiser and `design_scores` agree.
    public struct Objective: Sendable, Equatable, CustomStringConvertible {
        public var maximize: Bool
        public var metric: Metric
        public var description: String { "\(maximize ? "max" : "min"):\(metric.name)" }

        /// The metrics an objective may name: those with a design score.
        public static var scoredMetrics: [Metric] { MetricCatalogue.all.filter { $0.scoreColumn != nil } }

        /// Parses `max:METRIC` or `min:METRIC`; METRIC is a catalogue name (or its
        /// `design_scores` column, or the name with the throughput unit spelled out).
        public init(parsing text: String) throws(SweepError) {
            let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, parts[0] == "max" || parts[0] == "min" else {
                throw .message("objective \"\(text)\" must look like max:METRIC or min:METRIC")
            }
            let name = parts[1]
            if let scored = MetricCatalogue.metric(scoreColumn: name) {
                metric = scored
            } else {
                do { metric = try MetricCatalogue.parse(name, accepted: Self.scoredMetrics) } catch { throw .message("objective: \(error.description)") }
            }
            maximize = parts[0] == "max"
        }

        /// The design's score over its workloads' values (NaN where a value is missing).
        public func score(_ values: [Double], weights: [Double]) -> Double {
            switch metric.aggregate {
            case .maximum: return values.contains(where: \.isNaN) ? .nan : (values.max() ?? .nan)
            case .designValue: return values.first ?? .nan
            case .weightedMean, .none:
                var sum = 0.0, total = 0.0
                for (value, weight) in zip(values, weights) {
                    sum += weight * value
                    total += weight
                }
                return sum / total
            }
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
    /// A serving scenario run on every design (`serving` block): its metrics are design-level
    /// (`goodput_requests_per_s`, `ttft_p99_s`, …), known before the workloads run.
    public var serving: ServingScenario? = nil
    /// A training scenario run on every design (`training` block) with each design's cluster: its
    /// metrics are design-level (`training_tokens_per_s`, `training_mfu`, …), known before the workloads run.
    public var training: Training? = nil
    /// The precision recipes generated workloads run in (`recipes` block); nil when absent.
    public var recipes: RecipeAxis? = nil
    /// Measures each recipe workload's accuracy on each design's accumulator (`accuracy` block):
    /// the `embedding_cosine`, `embedding_cosine_min` and `similarity_spearman` metrics. Nil when absent.
    public var accuracy: AccuracyOracle? = nil
    /// Canonical JSON of the whole specification with every referenced file's content inlined,
    /// so its hash changes whenever any input changes.
    public var canonicalJSON: String
    public var contentHash: String { SHA256.hex(canonicalJSON) }

    /// Number of design points the strategy will evaluate (before constraint pruning).
    public var gridSize: Int { SweepLimits.saturatingProduct(axes.map(\.count)) }
}
