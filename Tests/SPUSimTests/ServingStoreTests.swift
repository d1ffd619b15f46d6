import Foundation
import GRDB
import Testing
import SPUResults

/// The `serving` table and `spusim serve`'s handling of bad input at the command line.
@Suite struct ServingStoreTests {
    @Test func servingRowsAreStoredAndInfeasibleOnesCarryNoMetrics() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("s.sqlite").path
        let store = try ResultsStore(path: path)
        func row(feasible: Bool) -> ResultsStore.ServingRow {
            ResultsStore.ServingRow(design: "h100-sxm", decodeDesign: nil, model: "llama-3-8b", format: "bf16", tensorParallel: 1, replicas: 1,
                                    decodeTensorParallel: nil, decodeReplicas: nil, chips: 1, engine: "vllm-0.11", batching: "chunked",
                                    requestSource: "Poisson 5/s", offeredRatePerSecond: 5, sloTTFTSeconds: 1, sloTPOTSeconds: nil,
                                    feasible: feasible, reason: feasible ? nil : "no KV cache",
                                    metrics: ["ttft_p99_s": 0.25, "goodput_requests_per_s": 4.9, "tpot_p50_s": .nan])
        }
        let run = ResultsStore.RunInfo(command: "spusim serve", configHash: "h", startedAt: Date(), finishedAt: Date())
        try store.recordServing(run: run, row: row(feasible: true))
        try store.recordServing(run: run, row: row(feasible: false))
        let rows = try DatabaseQueue(path: path).read { db in
            try Row.fetchAll(db, sql: "SELECT feasible, reason, ttft_p99_s, goodput_requests_per_s, tpot_p50_s, slo_tpot_s FROM serving ORDER BY id")
        }
        #expect(rows.count == 2)
        #expect(rows[0]["ttft_p99_s"] as Double? == 0.25 && rows[0]["goodput_requests_per_s"] as Double? == 4.9)
        #expect(rows[0]["tpot_p50_s"] as Double? == nil)   // non-finite is NULL
        #expect(rows[0]["slo_tpot_s"] as Double? == nil)
        #expect(rows[1]["feasible"] as Bool? == false && rows[1]["reason"] as String? == "no KV cache")
        #expect(rows[1]["ttft_p99_s"] as Double? == nil && rows[1]["goodput_requests_per_s"] as Double? == nil)

        // Merged with the other tables, once (a second merge of the same input adds nothing).
        let merged = dir.appendingPathComponent("m.sqlite").path
        let first = try ResultsMerger.merge(into: merged, from: [path])
        #expect(first.serving.copied == 2)
        let again = try ResultsMerger.merge(into: merged, from: [path])
        #expect(again.serving.copied == 0 && again.serving.skipped == 2)
        let query = ResultsQuery(table: try ResultsTable.parse("serving"), columns: ["design", "goodput_requests_per_s"])
        #expect(try ResultsReader(path: merged).query(query).rows.count == 2)
    }

    /// Bad data (rates, lengths, traces, lengths beyond the context) exits 2 naming the rule; bad
    /// usage (no request source) exits 64.
    @Test func badServingInputExitsTwo() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let empty = dir.appendingPathComponent("empty.csv").path
        try "TIMESTAMP,ContextTokens,GeneratedTokens\n".write(toFile: empty, atomically: true, encoding: .utf8)
        let base = ["serve", "--arch", Repo.path("configs/gpus/h100-sxm.json"), "--model", Repo.path("workloads/models/llama-3-8b.json"),
                    "--engines", Repo.path("configs/serving/engines.json"), "--tech", Repo.path("configs/tech"), "--tco", Repo.path("configs/tco/default.json")]
        for (extra, message) in [(["--rate=-3", "--requests", "10"], "request rate"),
                                 (["--rate", "5", "--requests", "0"], "--requests"),
                                 (["--offline", "4", "--input-tokens", "9000"], "longer than the model's context"),
                                 (["--offline", "4", "--output-tokens", "uniform:5:2"], "uniform"),
                                 (["--trace", empty], "no requests"),
                                 (["--offline", "2", "--rate", "5", "--requests", "2", "--cv", "50"], "exactly one request source")] {
            let (status, stderr) = CLI.runCapturing(base + extra)
            #expect(status == (message == "exactly one request source" ? 64 : 2), "\(extra): \(stderr)")
            #expect(stderr.contains(message), "\(extra): \(stderr)")
        }
        let (status, stderr) = CLI.runCapturing(base + ["--offline", "2", "--engine", "vllm-9"])
        #expect(status == 64 && stderr.contains("vllm-0.11"))
    }
}
