import SPUCore
import SPUTraining

/// The readable output of `spusim train`.
enum TrainingSummary {
    static func step(_ r: TrainingStepResult) -> String {
        var lines: [String] = []
        lines.append("\(r.model) on \(r.devices) × \(r.design) (\(r.nodes) nodes, \(r.cluster)): \(r.layout)")
        lines.append("batch      \(r.globalBatch) sequences × \(r.sequenceLength) tokens, \(r.microBatches) micro-batches per pipeline")
        let m = r.memoryPerDevice
        lines.append("memory     \(Formatting.bytes(m.totalBytes)) per device of \(Formatting.bytes(r.capacityBytesPerDevice)) (weights \(Formatting.bytes(m.weightBytes)), gradients \(Formatting.bytes(m.gradientBytes)), optimizer \(Formatting.bytes(m.optimizerStateBytes)), activations \(Formatting.bytes(m.activationBytes)))")
        guard r.feasible, let t = r.time, let e = r.energy, let c = r.cost else {
            lines.append("infeasible: \(r.reason ?? "unknown")")
            return lines.joined(separator: "\n")
        }
        lines.append("step       \(Formatting.seconds(t.stepSeconds)), \(Formatting.si(t.tokensPerSecond)) tokens/s, MFU \(Formatting.percent(t.mfu)), \(Formatting.si(t.modelFLOPsPerSecondPerDevice, "FLOP/s")) model per device\(t.clockScale < 1 ? ", clock throttled to \(Formatting.percent(t.clockScale))" : "")")
        let parts: [(String, Double)] = [("compute", t.computeSeconds), ("tensor-parallel comm", t.tensorParallelSeconds),
                                         ("expert all-to-all", t.expertParallelSeconds), ("pipeline sends", t.pipelineSendSeconds),
                                         ("bubble", t.bubbleSeconds), ("data-parallel exposed", t.dataParallelExposedSeconds),
                                         ("optimizer", t.optimizerSeconds)]
        lines.append("time       " + parts.filter { $0.1 > 0 }.map { "\($0.0) \(Formatting.seconds($0.1)) (\(Formatting.percent($0.1 / t.stepSeconds)))" }.joined(separator: ", "))
        if t.dataParallelSeconds > 0 {
            lines.append("           data-parallel communication \(Formatting.seconds(t.dataParallelSeconds)), \(Formatting.seconds(t.dataParallelExposedSeconds)) exposed")
        }
        lines.append("energy     \(Formatting.si(e.facilityJoules, "J")) per step at the facility (devices \(Formatting.si(e.deviceJoules, "J")), network \(Formatting.si(e.networkJoules, "J")), hosts/NICs/switches \(Formatting.si(e.infrastructureJoules, "J")); × PUE), \(Formatting.si(e.facilityJoulesPerToken, "J")) per token")
        lines.append("power      \(Formatting.si(e.averageITPowerW, "W")) IT average, \(Formatting.si(e.provisionedITPowerW, "W")) provisioned")
        lines.append("cost       capex $\(Formatting.si(c.capexUSD)), $\(Formatting.fixed(c.usdPerHour, 0))/hour, $\(Formatting.fixed(c.usdPerStep, 2)) per step, $\(Formatting.fixed(c.usdPerMillionTokens, 3)) per million tokens")
        return lines.joined(separator: "\n")
    }

    static func search(_ outcome: ParallelLayoutSearch.Outcome, devices: Int, objective: ParallelLayoutSearch.Objective, seconds: Double) -> String {
        var lines = ["\(outcome.layoutsEvaluated) layouts over \(devices) devices (\(outcome.profilesEvaluated) micro-batch profiles) in \(Formatting.seconds(seconds)); best by \(objective.rawValue):"]
        let rows: [[String]] = outcome.ranked.enumerated().map { i, r in
            let t = r.time!, e = r.energy!, c = r.cost!
            return ["\(i + 1)", r.layout.description, Formatting.seconds(t.stepSeconds), Formatting.si(t.tokensPerSecond), Formatting.percent(t.mfu),
                    Formatting.bytes(r.memoryPerDevice.totalBytes), Formatting.percent(t.bubbleSeconds / t.stepSeconds),
                    Formatting.si(e.facilityJoulesPerToken, "J"), Formatting.fixed(c.usdPerMillionTokens, 3)]
        }
        lines.append(Formatting.table(header: ["#", "layout", "step", "tokens/s", "MFU", "memory", "bubble", "J/token", "$/M tokens"], rows: rows,
                                      rightAligned: [0, 2, 3, 4, 5, 6, 7, 8]))
        if outcome.ranked.isEmpty { lines.append("no layout is feasible") }
        for (reason, count) in outcome.infeasibleReasons.prefix(3) { lines.append("infeasible: \(count) layouts: \(reason)") }
        return lines.joined(separator: "\n")
    }
}
