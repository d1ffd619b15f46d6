import SPUCore
import SPUCost
import SPUPerformance

extension EvaluationResult {
    /// The result as JSON with stable snake_case keys and units in the names
    /// (`spusim run --json` without cost inputs). The scalar metrics are the catalogue's
    /// performance metrics (`MetricCatalogue`), under their catalogue names. Non-finite numbers
    /// become null.
    public func jsonValue(designHash: String? = nil, workloadHash: String? = nil) -> JSONValue {
        let metrics = MetricCatalogue.all.compactMap { metric in metric.value(self).map { (metric.name, $0) } }
        return jsonValue(designHash: designHash, workloadHash: workloadHash, metrics: metrics, extra: [], opEnergyJ: nil)
    }

    /// The shared layout of the performance and the costed JSON: identity, `metrics` (name,
    /// value), time by bound, memory, activity, `extra` (costed: breakdowns), then the ops (with
    /// their energy when `opEnergyJ` is given).
    func jsonValue(designHash: String?, workloadHash: String?, metrics: [(String, Double)],
                   extra: [(key: String, value: JSONValue)], opEnergyJ: [Double]?) -> JSONValue {
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
            ("throughput_unit", .string(throughputUnit)),
            ("bound", bound.map { .string($0.rawValue) } ?? .null),
            ("devices", .number(Double(devices))),
        ]
        root += metrics.map { ($0.0, number($0.1)) }
        root += [
            // A design not run (it cannot be built) has no times or activity: null.
            ("time_by_bound_s", wasRun ? times { timeByBound[$0] ?? 0 } : .null),
            ("memory", .object([
                ("weight_bytes", number(capacity.weightBytes)),
                ("kv_cache_bytes", number(capacity.kvCacheBytes)),
                ("activation_bytes", number(capacity.activationBytes)),
            ] + (capacity.gradientBytes + capacity.optimizerStateBytes > 0 ? [   // training traces only
                ("gradient_bytes", number(capacity.gradientBytes)),
                ("optimizer_state_bytes", number(capacity.optimizerStateBytes)),
            ] : []) + [
                ("required_bytes", number(capacity.requiredBytes)),
                ("available_bytes", number(capacity.availableBytes)),
            ])),
            ("activity", wasRun ? activity.jsonValue : .null),
        ]
        root += extra
        root.append(("ops", .array(ops.enumerated().map { index, op in
            var fields: [(key: String, value: JSONValue)] = [
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
            ]
            if let opEnergyJ { fields.append(("energy_j", number(opEnergyJ[index]))) }
            return .object(fields)
        })))
        return .object(root)
    }
}

extension ActivityCounts {
    /// MACs by format, then every `ActivityQuantity` but the format-blind MAC total.
    public var jsonValue: JSONValue {
        .object([("macs_by_format", .object(macsByFormat.sorted { $0.key.rawValue < $1.key.rawValue }.map { ($0.key.rawValue, .number($0.value)) }))]
                + ActivityQuantity.allCases.filter { $0 != .macs }.map { ($0.rawValue, .number(self[$0])) })
    }
}
