import SPUCore
import SPUHardware
import SPUWorkload

/// The analytical performance model: evaluates a workload trace on a device.
///
/// Per op it runs the matching sub-model (matmul mapping search, vector units, ring
/// collectives), multiplies by the op's repeat count, and sums: ops of one trace run one after
/// another, while inside an op compute and data movement overlap (double buffering). Before
/// that, it checks that weights, KV cache and activations fit the chip's off-chip memory.
/// Assumptions and equations: `docs/model.md`.
public struct PerformanceModel: Sendable {
    public let device: DeviceSpec
    public let options: MappingSearchOptions
    let geometry: DeviceGeometry
    let cache: OpEvaluationCache?
    let cacheKey: String

    /// - Parameters:
    ///   - cache: shared memo of op evaluations (sweeps); nil evaluates every op.
    ///   - designKey: `PerformanceModel.designKey(device)` when already computed (it parses and
    ///     hashes the design, so callers evaluating one design many times compute it once).
    public init(device: DeviceSpec, options: MappingSearchOptions = MappingSearchOptions(), cache: OpEvaluationCache? = nil,
                designKey: String? = nil) {
        self.device = device
        self.options = options
        self.geometry = DeviceGeometry(device)
        self.cache = cache
        self.cacheKey = cache == nil ? "" : (designKey ?? Self.designKey(device)) + "|clock=\(device.clockGHz)|budget=\(options.budget)"
    }

    /// Identifies what in a design affects op evaluation apart from its clock: its canonical JSON
    /// without the name, description, clock, TDP, process, silicon, price and sources.
    public static func designKey(_ device: DeviceSpec) -> String {
        guard case let .object(pairs) = (try? JSONParser.parse(device.canonicalJSON)) ?? .null else { return device.contentHash }
        let ignored: Set<String> = ["name", "description", "clock_ghz", "tdp_w", "process_node", "silicon", "price", "source"]
        func strip(_ value: JSONValue) -> JSONValue {
            guard case let .object(inner) = value else { return value }
            return .object(inner.filter { $0.key != "source" }.map { ($0.key, strip($0.value)) })
        }
        let kept = JSONValue.object(pairs.filter { !ignored.contains($0.key) }.map { ($0.key, strip($0.value)) })
        return SHA256.hex(JSONWriter.canonical(kept))
    }

    /// Evaluates `workload` on the device. Callers that evaluate one workload many times (the
    /// TDP-throttle search in `DesignEvaluator`) pass its precomputed `summary` to skip recomputing it.
    public func evaluate(_ workload: Workload, summary precomputed: WorkloadSummary? = nil) -> EvaluationResult {
        let summary = precomputed ?? workload.summary
        let capacity = CapacityCheck(weightBytes: summary.weightBytes, kvCacheBytes: summary.kvCacheBytes,
                                     activationBytes: summary.peakActivationBytes,
                                     availableBytes: device.memory.offchip.capacityBytes)
        var reasons: [String] = []
        if !capacity.fits {
            reasons.append("needs \(Self.gigabytes(capacity.requiredBytes)) GB per chip (weights \(Self.gigabytes(capacity.weightBytes)) GB + KV cache \(Self.gigabytes(capacity.kvCacheBytes)) GB + activations \(Self.gigabytes(capacity.activationBytes)) GB) but \(device.name) has \(Self.gigabytes(capacity.availableBytes)) GB of \(device.memory.offchip.type.rawValue)")
        }

        let matmul = MatmulModel(geometry: geometry, macArray: device.compute.macArray, calibration: device.calibration, options: options)
        let vector = VectorOpModel(geometry: geometry)
        let calibration = device.calibration
        let collective = CollectiveModel(linkBytesPerSecond: device.chipLinks.totalBytesPerSecondPerDirection,
                                         linkLatencySeconds: device.chipLinks.latencySeconds,
                                         launchOverheadSeconds: geometry.launchOverheadSeconds,
                                         efficiency: { calibration.collectiveFraction(bytes: $0) },
                                         lowLatencyAllReduce: calibration.lowLatencyAllReduce)
        var ops: [OpResult] = []
        ops.reserveCapacity(workload.ops.count)
        var total = ActivityCounts()
        var timeByBound: [Bound: Double] = [:]
        var latency = 0.0
        var computable = true
        for op in workload.ops {
            let key = cache == nil ? "" : cacheKey + "|" + OpEvaluationCache.opKey(op)
            let result: OpResult
            if let cache, var hit = cache.value(key) {
                hit.name = op.name
                hit.repeatCount = op.repeatCount
                result = hit
            } else if let fresh = evaluateUncached(op, matmul: matmul, vector: vector, collective: collective, reasons: &reasons) {
                cache?.store(key, fresh)
                result = fresh
            } else {
                computable = false
                continue
            }
            let r = Double(op.repeatCount)
            latency += result.latencySeconds * r
            timeByBound[result.bound, default: 0] += result.latencySeconds * r
            total.add(result.activity, times: r)
            ops.append(result)
        }
        if !computable { latency = .nan }
        let bound = timeByBound.max { $0.value < $1.value || ($0.value == $1.value && $0.key.rawValue > $1.key.rawValue) }?.key ?? .overhead
        let dominantFormat = total.macsByFormat.max { $0.value < $1.value }?.key
        let utilization = dominantFormat.map { total.totalMACs / (latency * device.peakMacsPerSecond($0)) } ?? 0
        return EvaluationResult(
            designName: device.name, workloadName: workload.name, feasible: reasons.isEmpty,
            reason: reasons.isEmpty ? nil : reasons.joined(separator: "; "),
            latencySeconds: latency,
            throughputPerSecond: latency.isFinite && latency > 0 ? workload.itemsPerIteration / latency : .nan,
            throughputUnit: workload.throughputUnit, bound: bound, timeByBound: timeByBound,
            macUtilization: utilization.isFinite ? utilization : 0, devices: workload.devices,
            capacity: capacity, activity: total, ops: ops)
    }

    static func gigabytes(_ bytes: Double) -> String {
        let gb = bytes / Units.giga
        if gb >= 100 || (gb * 10).rounded() == gb.rounded() * 10 { return String(Int(gb.rounded())) }
        return String((gb * 10).rounded() / 10)
    }
}

extension PerformanceModel {
    /// Evaluates one op on the device with no cache involved. Returns nil when the op cannot run
    /// on this device (unsupported MAC format, collective without chip links), after appending the
    /// reason to `reasons`.
    private func evaluateUncached(_ op: Op, matmul: MatmulModel, vector: VectorOpModel, collective: CollectiveModel,
                                  reasons: inout [String]) -> OpResult? {
        var times = BoundTimes(), activity = ActivityCounts()
        var cycles = 0.0, mapping: Mapping?, evaluated = 0
        switch op.kind {
        case .matmul:
            do {
                let outcome = try matmul.evaluate(op)
                (times, activity, cycles, mapping, evaluated) = (outcome.times, outcome.activity, outcome.computeCycles, outcome.mapping, outcome.candidatesEvaluated)
            } catch {
                if case let .unsupportedFormat(format) = error {
                    reasons.append("op \(op.name): \(device.name)'s MAC array does not support \(format.rawValue) (supported: \(device.compute.macArray.supportedFormats.map(\.rawValue).joined(separator: ", ")))")
                }
                return nil
            }
        case .elementwise, .softmax, .norm, .embedding:
            (times, activity) = vector.evaluate(op)
        case .allReduce, .allGather, .reduceScatter:
            let outcome = collective.evaluate(op)
            guard outcome.feasible else {
                reasons.append("op \(op.name): a \(op.kind.rawValue) over \(op.groupSize) chips needs chip-to-chip links, but \(device.name) has none")
                return nil
            }
            (times, activity) = (outcome.times, outcome.activity)
        }
        return OpResult(name: op.name, kind: op.kind, repeatCount: op.repeatCount, einsum: op.einsum, bound: times.bound,
                        latencySeconds: times.latencySeconds, computeCycles: cycles, times: times, activity: activity,
                        flops: op.flops, mapping: mapping, mappingCandidatesEvaluated: evaluated)
    }
}
