import Foundation
import GRDB
import Testing
@testable import SPUResults
@testable import SPUSweep
import SPUServing

/// Sweeps with a serving scenario: every design's serving metrics are simulated once, stored with
/// its results, constrain (before any workload runs) and rank like area or price.
@Suite(.serialized) struct SweepServingTests {
    static func config(_ dir: URL, serving: String, constraints: String = "[]", strategy: String = #"{"type": "grid"}"#) throws -> String {
        let text = """
        {"name": "serving-test", "base_design": "\(Repo.path("configs/gpus/h100-sxm.json"))",
         "axes": [{"path": "$.memory.offchip.stacks", "values": [2, 5]}, {"path": "$.clock_ghz", "values": [1.2, 1.98]}],
         "workloads": [{"generate": {"model": "\(Repo.path("workloads/models/llama-3-8b.json"))", "phase": "decode", "batch": 8, "context": 512}}],
         "serving": \(serving),
         "constraints": \(constraints), "strategy": \(strategy),
         "tech": "\(Repo.path("configs/tech"))", "tco": "\(Repo.path("configs/tco/default.json"))"}
        """
        let path = dir.appendingPathComponent("s.json").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let poisson = """
    {"model": "\(Repo.path("workloads/models/llama-3-8b.json"))", "engine": "vllm-0.11", "engines": "\(Repo.path("configs/serving/engines.json"))",
     "input_tokens": "256", "output_tokens": "32", "requests": 60, "poisson": {"rate_per_s": 6}, "slo_ttft_ms": 500, "slo_tpot_ms": 40}
    """

    /// Each result's serving metrics by column name, in point order.
    static func rows(_ db: String) throws -> [[String: Double]] {
        try ResultsStore(path: db).read { db in
            try Row.fetchAll(db, sql: "SELECT goodput_requests_per_s, ttft_p99_s, tpot_p99_s, serving_tokens_per_s, energy_j_per_query FROM results ORDER BY point_index")
                .map { row in
                    var values: [String: Double] = [:]
                    for column in row.columnNames { if let v: Double = row[column] { values[column] = v } }
                    return values
                }
        }
    }

    @Test func servingMetricsAreStoredPerDesignAndFollowTheClock() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("s.sqlite").path
        let summary = try SweepTests.run(try Self.config(dir, serving: Self.poisson), db: db)
        #expect(summary.evaluatedPairs == 4)
        let rows = try Self.rows(db)
        #expect(rows.count == 4)
        for row in rows {
            let tpot = row["tpot_p99_s"]
            let goodput = row["goodput_requests_per_s"]
            #expect(tpot.map { $0 > 0 && $0 < 1 } == true)
            #expect(goodput.map { $0 > 0 && $0 <= 6.5 } == true)   // at most the offered rate (makespan includes the drain)
        }
        // A faster clock does not slow decode (points 0/1 differ in the clock only).
        let slow = try #require(rows[0]["tpot_p99_s"]), fast = try #require(rows[1]["tpot_p99_s"])
        #expect(fast <= slow * 1.001)
        // The same design gets the same metrics in design_scores.
        let scored = try ResultsStore(path: db).read { db in try Double.fetchAll(db, sql: "SELECT goodput_requests_per_s FROM design_scores") }
        #expect(scored.count == 4 && scored.allSatisfy { $0 > 0 })
    }

    /// The scenario serves in a precision recipe; a design whose MAC array cannot run it has no
    /// serving metrics (NULL), like any design that cannot serve the model.
    @Test func servingScenarioTakesARecipeAndDesignsWithoutItHaveNoMetrics() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fp8 = Self.poisson.replacingOccurrences(of: #""engine": "vllm-0.11""#, with: #""engine": "vllm-0.11", "recipe": "fp8""#)
        let spec = try SweepSpec.load(path: try Self.config(dir, serving: fp8))
        #expect(spec.serving?.recipe.name == "fp8")
        #expect(spec.serving?.recipe.kvCache == .fp8E4M3)
        let pal = Self.poisson.replacingOccurrences(of: #""engine": "vllm-0.11""#, with: #""engine": "vllm-0.11", "recipe": "pal8""#)
        let db = dir.appendingPathComponent("p.sqlite").path
        _ = try SweepTests.run(try Self.config(dir, serving: pal), db: db)
        let rows = try Self.rows(db)
        #expect(rows.count == 4 && rows.allSatisfy(\.isEmpty))   // the H100 has no PAL datapath
    }

    /// A constraint on a serving metric prunes designs before their workloads run.
    @Test func servingConstraintsPruneBeforeEvaluation() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("s.sqlite").path
        _ = try SweepTests.run(try Self.config(dir, serving: Self.poisson), db: db)
        let tpots = try Self.rows(db).compactMap { $0["tpot_p99_s"] }.sorted()
        let limit = (tpots[1] + tpots[2]) / 2
        let db2 = dir.appendingPathComponent("t.sqlite").path
        let summary = try SweepTests.run(try Self.config(dir, serving: Self.poisson, constraints: #"[{"metric": "tpot_p99_s", "max": \#(limit)}]"#), db: db2)
        #expect(summary.prunedBeforeEvaluation == 2)
        #expect(try Self.rows(db2).allSatisfy { ($0["tpot_p99_s"] ?? .infinity) <= limit })
    }

    /// A sweep's serving block and a validation case read their requests with one decoder
    /// (`ServingRequests`): every kind, with the same keys, ranges and defaults.
    @Test func servingBlocksTakeEveryKindOfRequests() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = "\"model\": \"\(Repo.path("workloads/models/llama-3-8b.json"))\", \"engines\": \"\(Repo.path("configs/serving/engines.json"))\""
        let expected: [(String, ServingRequests)] = [
            (#""offline": {}"#, .offline),
            (#""poisson": {"rate_per_s": 2.5}"#, .poisson(ratePerSecond: 2.5)),
            (#""closed_loop": {"concurrency": 8}"#, .closedLoop(concurrency: 8)),
            (#""max_rate": {"slo_tpot_ms": 50}"#, .maxRate(slo: ServingSLO(ttftSeconds: nil, tpotSeconds: 0.05), percentile: 99, relativeTolerance: 0.01)),
            (#""max_rate": {"slo_ttft_ms": 2000, "percentile": 90, "relative_tolerance": 0.05}"#,
             .maxRate(slo: ServingSLO(ttftSeconds: 2, tpotSeconds: nil), percentile: 90, relativeTolerance: 0.05)),
        ]
        for (kind, requests) in expected {
            let spec = try SweepSpec.load(path: try Self.config(dir, serving: "{\(model), \(kind)}"))
            #expect(spec.serving?.requests == requests, "\(kind)")
        }
        let zero = try Self.config(dir, serving: #"{\#(model), "closed_loop": {"concurrency": 0}}"#)
        do {
            _ = try SweepSpec.load(path: zero)
            Issue.record("accepted concurrency 0")
        } catch {
            #expect(error.description.contains("$.serving.closed_loop.concurrency"), "\(error.description)")
        }
    }

    @Test(arguments: [
        (#"{"model": "M", "offline": {}, "poisson": {"rate_per_s": 1}}"#, "needs exactly one of"),
        (#"{"model": "M", "offline": {}, "requests": 3}"#, "requests"),
        (#"{"model": "M", "max_rate": {"percentile": 99}}"#, "needs slo_ttft_ms and/or slo_tpot_ms"),
        (#"{"model": "M", "offline": {}, "engine": "vllm-9"}"#, "unknown engine"),
        (#"{"model": "M", "offline": {}, "input_tokens": "9000"}"#, "more than the model's context"),
        (#"{"model": "M", "offline": {}, "tensor_paralel": 2}"#, "tensor_paralel"),
        (#"{"model": "M", "offline": {}, "recipe": "fp9"}"#, "unknown recipe"),
        (#"{"model": "M", "offline": {}, "recipe": "fp8", "format": "bf16"}"#, "not both"),
    ])
    func badServingBlocksAreClearErrors(block: String, message: String) throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let serving = block.replacingOccurrences(of: #""M""#, with: "\"\(Repo.path("workloads/models/llama-3-8b.json"))\", \"engines\": \"\(Repo.path("configs/serving/engines.json"))\"")
        let config = try Self.config(dir, serving: serving)
        do {
            _ = try SweepSpec.load(path: config)
            Issue.record("accepted \(block)")
        } catch {
            #expect(error.description.contains(message), "\(error.description)")
            #expect(error.description.contains("$.serving"), "\(error.description)")
        }
    }
}
