import Foundation
import GRDB
import SPUCore
import SPUCost
import SPUResults

/// Everything a report reads from the results database for one run: provenance, the designs
/// with their workload-weighted scores (`design_scores`) and swept-axis values, the per-workload
/// results with their breakdown columns, and the workloads.
public struct ReportData: Sendable {
    /// The `runs` row.
    public struct Run: Sendable {
        public var id: Int64
        public var kind: String
        public var name: String?
        public var command: String
        public var configHash: String
        public var toolVersion: String
        public var startedAt: String
        public var finishedAt: String?
        public var durationS: Double?
        public var status: String
        public var shard: String?
        public var configJSON: String?
    }

    /// One swept axis: a parameter path (zipped parameters move together and share an axis).
    public struct Axis: Sendable {
        public var paths: [JSONPath]
        /// Short name: the last two keys of the first path, e.g. `mesh.rows`.
        public var label: String
    }

    /// One design of the run.
    public struct Design: Sendable {
        public var hash: String
        public var name: String
        public var isBaseline: Bool
        public var feasible: Bool
        public var meetsConstraints: Bool
        public var pointIndex: Int?
        /// Numeric `design_scores` columns.
        public var scores: [String: Double]
        /// The design's value on each axis of `ReportData.axes` (nil where the path is absent: baselines).
        public var axisValues: [String?]

        /// Feasible, meets the constraints, and not a baseline: a candidate for fronts and rankings.
        public var isCandidate: Bool { feasible && meetsConstraints && !isBaseline }
    }

    /// One design on one workload (a `results` row).
    public struct Result: Sendable {
        public var designHash: String
        public var workloadHash: String
        public var feasible: Bool
        public var latencyS: Double?
        public var throttleFactor: Double?
        public var energyJ: Double?
        public var areaMM2: Double?
        /// `time_<bound>_s` in `ReportData.boundColumns` order.
        public var timeByBound: [Double]
        /// v6 energy columns (nil when not recorded).
        public var energyParts: [Double]?
        /// v6 area columns (nil when not recorded).
        public var areaParts: [Double]?
        /// The precision recipe of the workload (v10), its accuracy (`embedding_cosine`) and the
        /// result's items per joule; nil where not recorded.
        public var recipe: String? = nil
        /// The workload entry this recipe variant belongs to (v10 `recipe_group`); nil otherwise.
        public var recipeGroup: String? = nil
        public var embeddingCosine: Double? = nil
        public var itemsPerJoule: Double? = nil
    }

    public struct Workload: Sendable {
        public var hash: String
        public var name: String
        public var phase: String
        public var throughputUnit: String
        public var weight: Double
        public var json: String
    }

    public var databasePath: String
    public var run: Run
    public var axes: [Axis]
    public var designs: [Design]
    public var results: [Result]
    public var workloads: [Workload]
    /// Number of `op_results` rows of the run.
    public var opResultCount: Int
    /// How prices, TCO and costs per item are stated (`priced(_:)`); as stored by default.
    public var pricing: PricingPolicy = .asConfigured

    public static let bounds = Bound.allCases.map(\.rawValue)
    static var boundColumns: [String] { ResultsSchema.boundColumns }
    /// Energy bar labels, in `ResultsSchema.energyBreakdownColumns` order.
    public static let energyComponents = EnergyComponent.allCases.map(\.label) + [EnergyComponent.staticEnergyName]
    /// Area bar labels, in `ResultsSchema.areaBreakdownColumns` order.
    public static let areaComponents = AreaComponent.allCases.map(\.label)

    /// The throughput unit shared by the run's workloads ("items" when they differ).
    public var throughputUnit: String {
        let units = Set(workloads.map(\.throughputUnit))
        return units.count == 1 ? units.first! : "items"
    }

    public func design(hash: String) -> Design? { designs.first { $0.hash == hash } }

    /// The stored JSON (canonical text) of one design of the run, read from the database when
    /// asked: the report needs it for a few designs (rooflines), not for every design of a run.
    public func designJSON(hash: String) throws -> String {
        let texts = try ResultsReader(path: databasePath).read { db in try StoredDesign.json(db, hashes: [hash]) }
        guard let text = texts[hash] else { throw ResultsToolError("design \(hash) is not in \(databasePath)") }
        return text
    }

    /// Loads run `runID` (default: the latest sweep, else the latest run) from the database at
    /// `path`. Throws `ResultsToolError` naming the option at fault for a missing file or run.
    public static func load(path: String, runID: Int64?) throws -> ReportData {
        let reader = try ResultsReader(path: path)
        return try reader.read { db in try load(db, path: path, runID: runID) }
    }

    static func load(_ db: Database, path: String, runID requested: Int64?) throws -> ReportData {
        let runID: Int64
        if let requested {
            try ResultsReader.checkRun(requested, in: db, path: path)
            runID = requested
        } else {
            guard let latest = try ResultsReader.latestRunID(in: db) else {
                throw ResultsToolError("\(path): the database has no runs; run 'spusim sweep' first")
            }
            runID = latest
        }
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [runID]) else {
            throw ResultsToolError("--run \(runID): no run with that id in \(path)")
        }
        let run = Run(id: runID, kind: row["kind"], name: row["name"], command: row["command"], configHash: row["config_hash"],
                      toolVersion: row["tool_version"], startedAt: row["started_at"], finishedAt: row["finished_at"],
                      durationS: row["duration_s"], status: row["status"], shard: row["shard"], configJSON: row["config_json"])
        let config = run.configJSON.flatMap { try? JSONParser.parse($0) }
        let axes = Self.axes(in: config)

        // Designs: scores from the view, JSON from designs.
        let hashes = try String.fetchAll(db, sql: "SELECT DISTINCT design_hash FROM results WHERE run_id = ?", arguments: [runID])
        // Each design's axis values, read from its JSON tree (a point's base design with its
        // overrides applied) one design at a time: a run of a million designs holds no design JSON.
        let axisValuesByHash: [String: [String?]] = axes.isEmpty ? [:] : try StoredDesign.map(db, hashes: hashes) { tree in
            axes.map { axis in axis.paths.first?.value(in: tree).map(Self.text) }
        }
        var designs: [Design] = []
        let scoreRows = try Row.fetchAll(db, sql: "SELECT * FROM design_scores WHERE run_id = ? ORDER BY point_index IS NULL, point_index, design_name",
                                         arguments: [runID])
        for r in scoreRows {
            var scores: [String: Double] = [:]
            for (column, value) in r where !["run_id", "point_index", "is_baseline", "feasible", "meets_constraints", "workloads"].contains(column) {
                switch value.storage {
                case let .double(d): scores[column] = d
                case let .int64(i): scores[column] = Double(i)
                default: break
                }
            }
            let hash: String = r["design_hash"]
            let values = axisValuesByHash[hash] ?? axes.map { _ in nil }
            designs.append(Design(hash: hash, name: r["design_name"], isBaseline: r["is_baseline"], feasible: r["feasible"],
                                  meetsConstraints: r["meets_constraints"], pointIndex: r["point_index"], scores: scores,
                                  axisValues: values))
        }

        let columns = Set(try db.columns(in: "results").map(\.name))
        let hasBreakdowns = ResultsSchema.energyBreakdownColumns.allSatisfy(columns.contains)
        let breakdownSelect = hasBreakdowns ? ", " + (ResultsSchema.energyBreakdownColumns + ResultsSchema.areaBreakdownColumns).joined(separator: ", ") : ""
        let accuracyColumns = ["recipe", "recipe_group", "embedding_cosine", "items_per_joule"]
        let hasAccuracy = accuracyColumns.allSatisfy(columns.contains)
        let accuracySelect = hasAccuracy ? ", " + accuracyColumns.joined(separator: ", ") : ""
        var results: [Result] = []
        var weights: [String: Double] = [:]
        let cursor = try Row.fetchCursor(db, sql: """
            SELECT design_hash, workload_hash, feasible, latency_s, throttle_factor, energy_j, area_mm2, workload_weight,
                   \(boundColumns.joined(separator: ", "))\(breakdownSelect)\(accuracySelect)
            FROM results WHERE run_id = ? ORDER BY id
            """, arguments: [runID])
        while let r = try cursor.next() {
            let energy: [Double?] = hasBreakdowns ? ResultsSchema.energyBreakdownColumns.map { r[$0] } : []
            let area: [Double?] = hasBreakdowns ? ResultsSchema.areaBreakdownColumns.map { r[$0] } : []
            let workloadHash: String = r["workload_hash"]
            weights[workloadHash] = r["workload_weight"]
            results.append(Result(designHash: r["design_hash"], workloadHash: workloadHash, feasible: r["feasible"], latencyS: r["latency_s"],
                                  throttleFactor: r["throttle_factor"], energyJ: r["energy_j"], areaMM2: r["area_mm2"],
                                  timeByBound: boundColumns.map { (r[$0] as Double?) ?? 0 },
                                  energyParts: energy.contains(where: { $0 == nil }) || energy.isEmpty ? nil : energy.map { $0! },
                                  areaParts: area.contains(where: { $0 == nil }) || area.isEmpty ? nil : area.map { $0! },
                                  recipe: hasAccuracy ? r["recipe"] : nil, recipeGroup: hasAccuracy ? r["recipe_group"] : nil, embeddingCosine: hasAccuracy ? r["embedding_cosine"] : nil,
                                  itemsPerJoule: hasAccuracy ? r["items_per_joule"] : nil))
        }
        let workloads = try Row.fetchAll(db, sql: """
            SELECT hash, name, phase, throughput_unit, json FROM workloads WHERE hash IN (SELECT workload_hash FROM results WHERE run_id = ?)
            ORDER BY name
            """, arguments: [runID]).map { r in
            Workload(hash: r["hash"], name: r["name"], phase: r["phase"], throughputUnit: r["throughput_unit"],
                     weight: weights[r["hash"]] ?? 1, json: r["json"])
        }
        let opCount = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM op_results WHERE result_id IN (SELECT id FROM results WHERE run_id = ?)",
                                       arguments: [runID]) ?? 0
        return ReportData(databasePath: path, run: run, axes: axes, designs: designs, results: results, workloads: workloads,
                          opResultCount: opCount)
    }

    /// The swept axes listed in a sweep's configuration JSON (`axes`, each a `path` or a `zip`).
    static func axes(in config: JSONValue?) -> [Axis] {
        guard case let .array(items)? = config?["axes"] else { return [] }
        return items.compactMap { item -> Axis? in
            var texts: [String] = []
            if case let .array(zipped)? = item["zip"] {
                texts = zipped.compactMap { if case let .string(p)? = $0["path"] { return p } else { return nil } }
            } else if case let .string(p)? = item["path"] {
                texts = [p]
            }
            let paths = texts.compactMap { try? JSONPath(parsing: $0) }
            guard let first = paths.first else { return nil }
            var label = first.keys.suffix(2).joined(separator: ".")
            if paths.count > 1 { label += " (+\(paths.count - 1) zipped)" }
            return Axis(paths: paths, label: label)
        }
    }

    /// A JSON scalar as short text (numbers without a trailing ".0").
    static func text(_ value: JSONValue) -> String {
        switch value {
        case let .number(n): return JSONWriter.formatNumber(n)
        case let .string(s): return s
        default: return value.briefDescription
        }
    }

    /// "name (#point): axis=value, …" for hover titles.
    public func describe(_ design: Design) -> String {
        var text = design.name
        if let point = design.pointIndex { text += " (point \(point))" }
        if design.isBaseline { text += " — baseline" }
        let pairs = zip(axes, design.axisValues).compactMap { axis, value in value.map { "\(axis.label)=\($0)" } }
        if !pairs.isEmpty { text += "\n" + pairs.joined(separator: ", ") }
        return text
    }
}
