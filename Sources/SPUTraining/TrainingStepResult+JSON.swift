import SPUCore

extension TrainingStepResult {
    /// The result as JSON (`spusim train --json`); units in the key names, per device or per step
    /// as named. `time`, `energy` and `cost` are null when the step is infeasible.
    public var jsonValue: JSONValue {
        func n(_ x: Double) -> JSONValue { x.isFinite ? .number(x) : .null }
        let m = memoryPerDevice
        var pairs: [(key: String, value: JSONValue)] = [
            ("design", .string(design)), ("cluster", .string(cluster)), ("model", .string(model)),
            ("layout", layout.jsonValue), ("devices", .number(Double(devices))), ("nodes", .number(Double(nodes))),
            ("global_batch", .number(Double(globalBatch))), ("sequence_length", .number(Double(sequenceLength))),
            ("micro_batches", .number(Double(microBatches))), ("feasible", .bool(feasible)), ("reason", reason.map(JSONValue.string) ?? .null),
            ("memory_per_device", .object([
                ("weight_bytes", n(m.weightBytes)), ("gradient_bytes", n(m.gradientBytes)), ("optimizer_state_bytes", n(m.optimizerStateBytes)),
                ("activation_bytes", n(m.activationBytes)), ("total_bytes", n(m.totalBytes)), ("capacity_bytes", n(capacityBytesPerDevice)),
            ])),
        ]
        pairs.append(("time", time.map { t in .object([
            ("step_s", n(t.stepSeconds)), ("compute_s", n(t.computeSeconds)), ("tensor_parallel_s", n(t.tensorParallelSeconds)),
            ("expert_parallel_s", n(t.expertParallelSeconds)), ("pipeline_send_s", n(t.pipelineSendSeconds)), ("bubble_s", n(t.bubbleSeconds)),
            ("data_parallel_exposed_s", n(t.dataParallelExposedSeconds)), ("data_parallel_s", n(t.dataParallelSeconds)),
            ("optimizer_s", n(t.optimizerSeconds)), ("tokens_per_s", n(t.tokensPerSecond)), ("model_flops_per_step", n(t.modelFLOPsPerStep)),
            ("mfu", n(t.mfu)), ("model_flops_per_s_per_device", n(t.modelFLOPsPerSecondPerDevice)), ("clock_scale", n(t.clockScale)),
        ]) } ?? .null))
        pairs.append(("energy", energy.map { e in .object([
            ("device_j_per_step", n(e.deviceJoules)), ("network_j_per_step", n(e.networkJoules)),
            ("infrastructure_j_per_step", n(e.infrastructureJoules)), ("it_j_per_step", n(e.itJoules)), ("facility_j_per_step", n(e.facilityJoules)),
            ("average_it_power_w", n(e.averageITPowerW)), ("provisioned_it_power_w", n(e.provisionedITPowerW)),
            ("facility_j_per_token", n(e.facilityJoulesPerToken)),
        ]) } ?? .null))
        pairs.append(("cost", cost.map { c in .object([
            ("capex_usd", n(c.capexUSD)), ("usd_per_hour", n(c.usdPerHour)), ("usd_per_step", n(c.usdPerStep)),
            ("usd_per_million_tokens", n(c.usdPerMillionTokens)),
        ]) } ?? .null))
        return .object(pairs)
    }
}

extension ParallelLayout {
    public var jsonValue: JSONValue {
        .object([
            ("tensor", .number(Double(tensor))), ("pipeline", .number(Double(pipeline))), ("data", .number(Double(data))),
            ("expert", .number(Double(expert))), ("micro_batch", .number(Double(microBatch))), ("interleave", .number(Double(interleave))),
            ("zero", .number(Double(zero.rawValue))), ("recompute", .string(recompute.rawValue)),
            ("sequence_parallel", .bool(sequenceParallel)), ("overlap_data_parallel", .bool(overlapDataParallel)),
        ])
    }
}

extension ClusterSizing.Plan {
    public var jsonValue: JSONValue {
        .object([
            ("basis", .string(basis)), ("utilization", .number(utilization)), ("devices", .number(Double(devices))),
            ("nodes", .number(Double(nodes))), ("provisioned_it_power_w", .number(provisionedITPowerW)),
            ("facility_power_w", .number(facilityPowerW)), ("capex_usd", .number(capexUSD)), ("usd_per_hour", .number(usdPerHour)),
            ("sustained_ops_per_s", .number(sustainedOpsPerSecond)),
        ])
    }
}
