import Foundation
import SPUCore
import SPUResults
import SPUServing

/// What `spusim serve` prints and stores: the system, then the report's metrics (or, for a design
/// that cannot serve the model, the reason and no metrics).
struct ServingSummary {
    var designs: [String]
    var model: String
    var system: ServingSystem
    var outcome: Result<ServingReport, ServingError>
    var slo: ServingSLO
    var wallSeconds: Double

    var report: ServingReport? { if case let .success(r) = outcome { return r } else { return nil } }
    var reason: String? { if case let .failure(e) = outcome { return e.description } else { return nil } }

    /// The metrics by their stored and JSON names.
    var metrics: [(String, Double)] {
        guard let r = report else { return [] }
        let met = r.requestsMeeting(slo)
        return [
            ("requests", Double(r.requests)), ("rejected_requests", Double(r.rejectedRequests)), ("makespan_s", r.makespanSeconds),
            ("ttft_mean_s", r.ttft.mean), ("ttft_p50_s", r.ttft.p50), ("ttft_p90_s", r.ttft.p90), ("ttft_p99_s", r.ttft.p99),
            ("tpot_mean_s", r.tpot.mean), ("tpot_p50_s", r.tpot.p50), ("tpot_p90_s", r.tpot.p90), ("tpot_p99_s", r.tpot.p99),
            ("e2e_mean_s", r.endToEnd.mean), ("e2e_p50_s", r.endToEnd.p50), ("e2e_p90_s", r.endToEnd.p90), ("e2e_p99_s", r.endToEnd.p99),
            ("throughput_tokens_per_s", r.throughputTokensPerSecond), ("requests_per_s", r.requestsPerSecond),
            ("goodput_requests_per_s", r.goodputRequestsPerSecond(slo)), ("slo_attainment", Double(met) / Double(r.requests + r.rejectedRequests)),
            ("energy_j_per_query", r.energyJPerQuery), ("energy_j_per_output_token", r.energyJPerOutputToken),
            ("avg_power_w_per_chip", r.averagePowerWPerChip),
            ("kv_occupancy_mean", r.kvOccupancyMean), ("kv_occupancy_max", r.kvOccupancyMax), ("queue_mean", r.queueMean),
            ("queue_max", Double(r.queueMax)), ("preemptions", Double(r.preemptions)), ("iterations", Double(r.iterations)),
        ]
    }

    var poolDescription: String {
        let p = system.prefill
        var text = "\(designs[0]): \(p.replicas) replica\(p.replicas == 1 ? "" : "s") × tp \(p.tensorParallel)"
        if let d = system.decode {
            text = "prefill " + text + "; decode \(designs[1]): \(d.replicas) replica\(d.replicas == 1 ? "" : "s") × tp \(d.tensorParallel)"
        }
        return text + " (\(system.chips) chips)"
    }

    var row: ResultsStore.ServingRow {
        ResultsStore.ServingRow(
            design: designs[0], decodeDesign: designs.count > 1 ? designs[1] : nil, model: model, format: system.recipe.name,
            tensorParallel: system.prefill.tensorParallel, replicas: system.prefill.replicas,
            decodeTensorParallel: system.decode?.tensorParallel, decodeReplicas: system.decode?.replicas, chips: system.chips,
            engine: system.engine.identifier, batching: system.scheduler.batching.rawValue, requestSource: requestSourceDescription,
            offeredRatePerSecond: offeredRate, sloTTFTSeconds: slo.ttftSeconds, sloTPOTSeconds: slo.tpotSeconds,
            feasible: report != nil, reason: reason, metrics: Dictionary(uniqueKeysWithValues: metrics))
    }

    var requestSourceDescription = ""
    var offeredRate: Double?
    /// The highest rate meeting the SLOs (`serve --max-rate`).
    var capacityRate: Double?
    /// The most any rate can sustain (`serve --max-rate`): requests per second completed under overload.
    var rateCeiling: Double?

    var json: JSONValue {
        func n(_ x: Double?) -> JSONValue { x.map { $0.isFinite ? .number($0) : .null } ?? .null }
        var pairs: [(String, JSONValue)] = [
            ("designs", .array(designs.map(JSONValue.string))), ("model", .string(model)), ("format", .string(system.recipe.name)),
            ("tensor_parallel", .number(Double(system.prefill.tensorParallel))), ("replicas", .number(Double(system.prefill.replicas))),
            ("decode_tensor_parallel", system.decode.map { .number(Double($0.tensorParallel)) } ?? .null),
            ("decode_replicas", system.decode.map { .number(Double($0.replicas)) } ?? .null),
            ("chips", .number(Double(system.chips))), ("engine", .string(system.engine.identifier)),
            ("batching", .string(system.scheduler.batching.rawValue)), ("requests_source", .string(requestSourceDescription)),
            ("slo_ttft_s", n(slo.ttftSeconds)), ("slo_tpot_s", n(slo.tpotSeconds)),
            ("feasible", .bool(report != nil)), ("reason", reason.map(JSONValue.string) ?? .null),
            ("offered_rate_per_s", n(offeredRate)), ("max_rate_per_s", n(capacityRate)), ("rate_ceiling_per_s", n(rateCeiling)),
            ("saturated_throughput_tokens_per_s", n(report?.saturatedThroughputTokensPerSecond)),
            ("saturated_window_s", report?.saturatedWindow.map { .array([n($0.lowerBound), n($0.upperBound)]) } ?? .null),
        ]
        if report != nil {
            pairs += metrics.map { ($0.0, n($0.1)) }
        } else {
            pairs += ResultsStore.servingMetricColumns.map { ($0, .null) }
        }
        pairs.append(("series", .array((report?.series ?? []).map {
            .object([("time_s", n($0.timeSeconds)), ("kv_occupancy", n($0.kvOccupancy)), ("queued_requests", n($0.queuedRequests))])
        })))
        pairs.append(("evaluated_shapes", report.map { .number(Double($0.evaluatedShapes)) } ?? .null))
        pairs.append(("simulation_wall_s", .number(wallSeconds)))
        return .object(pairs)
    }

    var text: String {
        let s = system.scheduler
        var lines = ["serving \(model) (\(system.recipe.name)) on \(poolDescription)",
                     "engine \(system.engine.identifier), batching \(s.batching.rawValue) (≤ \(s.maxSequences) sequences, ≤ \(s.tokenBudget) tokens per iteration), preemption \(s.preemption.rawValue)" + (s.maxQueuedRequests.map { ", ≤ \($0) queued per replica" } ?? ""),
                     "requests: \(requestSourceDescription)"
                     + (slo.ttftSeconds.map { "; SLO TTFT ≤ \(Formatting.seconds($0))" } ?? "") + (slo.tpotSeconds.map { ", TPOT ≤ \(Formatting.seconds($0))" } ?? "")]
        guard let r = report else {
            lines.append("infeasible: \(reason ?? "")")
            return lines.joined(separator: "\n")
        }
        lines.append("")
        func row(_ name: String, _ l: LatencySummary) -> [String] { [name] + [l.mean, l.p50, l.p90, l.p99].map(Formatting.seconds) }
        lines.append(Formatting.table(header: ["latency", "mean", "p50", "p90", "p99"],
                                      rows: [row("TTFT", r.ttft), row("TPOT", r.tpot), row("end-to-end", r.endToEnd)], rightAligned: [1, 2, 3, 4]))
        let met = r.requestsMeeting(slo)
        lines.append("")
        let facts: [[String]] = [
            ["throughput", "\(Formatting.si(r.throughputTokensPerSecond)) output tokens/s, \(Formatting.fixed(r.requestsPerSecond, 2)) requests/s over \(Formatting.seconds(r.makespanSeconds))"],
            ["goodput", "\(Formatting.fixed(r.goodputRequestsPerSecond(slo), 2)) requests/s (\(Formatting.percent(Double(met) / Double(r.requests + r.rejectedRequests))) within SLO)"
                + (r.rejectedRequests > 0 ? "; \(r.rejectedRequests) rejected at the door" : "")],
            ["energy", "\(Formatting.fixed(r.energyJPerQuery, 1)) J/query, \(Formatting.fixed(r.energyJPerOutputToken, 3)) J/output token, \(Formatting.fixed(r.averagePowerWPerChip, 0)) W per chip (model)"],
            ["KV cache", "occupancy mean \(Formatting.percent(r.kvOccupancyMean)), max \(Formatting.percent(r.kvOccupancyMax)); \(r.preemptions) preemptions"],
            ["queue", "mean \(Formatting.fixed(r.queueMean, 1)), max \(r.queueMax) requests waiting"],
            ["simulation", "\(r.iterations) iterations, \(r.evaluatedShapes) shapes evaluated, \(Formatting.fixed(wallSeconds, 2)) s"],
        ]
        let width = facts.map { $0[0].count }.max() ?? 0
        lines += facts.map { $0[0].padding(toLength: width + 2, withPad: " ", startingAt: 0) + $0[1] }
        return lines.joined(separator: "\n")
    }
}
