import SPUCore
import SPUPerformance

extension EvaluationResult {
    /// The result as JSON with stable snake_case keys and units in the names
    /// (`spusim run --json`). Non-finite numbers become null.
    public func jsonValue(designHash: String? = nil, workloadHash: String? = nil) -> JSONValue {
        func number(_ x: Double) -> JSONValue { x.isFinite ? .number(x) : .null }
        func times(_ t: (Bound) -> Double) -> JSONValue { .object(Bound.allCases.map { ($0.rawValue, number(t($0))) }) }
        var root: [(key: String, value: JSONValue)] = [
            ("design", .string(designName)),
            ("workload", .string(workloadName)),
        ]
        if let designHash { root.append(("design_hash", .string(designHash))) }
        if let workloadHash { root.append(("workload_hash", .string(workloadHash))) }
        root += [
            ("feasible", .bool(feasible)),
            ("reason", reason.map(JSONValue.string) ?? .null),
            ("latency_s", number(latencySeconds)),
            ("throughput_per_s", number(throughputPerSecond)),
            ("throughput_unit", .string(throughputUnit)),
            ("bound", .string(bound.rawValue)),
            ("time_by_bound_s", times { timeByBound[$0] ?? 0 }),
            ("mac_utilization", number(macUtilization)),
            ("devices", .number(Double(devices))),
            ("memory", .object([
                ("weight_bytes", number(capacity.weightBytes)),
                ("kv_cache_bytes", number(capacity.kvCacheBytes)),
                ("activation_bytes", number(capacity.activationBytes)),
                ("required_bytes", number(capacity.requiredBytes)),
                ("available_bytes", number(capacity.availableBytes)),
            ])),
            ("activity", activity.jsonValue),
            ("ops", .array(ops.map { op in
                .object([
                    ("name", .string(op.name)),
                    ("kind", .string(op.kind.rawValue)),
                    ("einsum", .string(op.einsum)),
                    ("repeat", .number(Double(op.repeatCount))),
                    ("compute_cycles", number(op.computeCycles)),
                    ("latency_s", number(op.latencySeconds)),
                    ("bound", .string(op.bound.rawValue)),
                    ("time_s", times { op.times[$0] }),
                    ("flops", number(op.flops)),
                    ("mapping", op.mapping.map { .string($0.description) } ?? .null),
                    ("activity", op.activity.jsonValue),
                ])
            })),
        ]
        return .object(root)
    }
}

extension ActivityCounts {
    public var jsonValue: JSONValue {
        .object([
            ("macs_by_format", .object(macsByFormat.sorted { $0.key.rawValue < $1.key.rawValue }.map { ($0.key.rawValue, .number($0.value)) })),
            ("vector_ops", .number(vectorOps)),
            ("local_sram_read_bytes", .number(localSRAMReadBytes)),
            ("local_sram_write_bytes", .number(localSRAMWriteBytes)),
            ("shared_sram_read_bytes", .number(sharedSRAMReadBytes)),
            ("shared_sram_write_bytes", .number(sharedSRAMWriteBytes)),
            ("offchip_read_bytes", .number(offchipReadBytes)),
            ("offchip_write_bytes", .number(offchipWriteBytes)),
            ("noc_byte_hops", .number(nocByteHops)),
            ("chip_link_bytes", .number(chipLinkBytes)),
        ])
    }
}
