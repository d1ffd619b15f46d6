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
    /// The clock (later: voltage) the design runs at; the device itself is never rewritten.
    public let operatingPoint: OperatingPoint
    public let options: MappingSearchOptions
    /// The mapping objective in force: the options', else the design's, else latency.
    public let mappingObjective: MappingObjective
    let geometry: DeviceGeometry
    let cache: OpEvaluationCache?
    let cacheKey: OpEvaluationCache.DesignKey

    /// - Parameters:
    ///   - operatingPoint: the clock scale the design runs at (nominal by default).
    ///   - options: mapping budget and objective; the energy and EDP objectives need
    ///     `options.energyPricer` (`DesignEvaluator` supplies the energy model).
    ///   - cache: shared memo of op evaluations (sweeps); nil evaluates every op.
    public init(device: DeviceSpec, operatingPoint: OperatingPoint = .nominal, options: MappingSearchOptions = MappingSearchOptions(),
                cache: OpEvaluationCache? = nil) {
        self.device = device
        self.operatingPoint = operatingPoint
        self.options = options
        let objective = options.objective(for: device)
        precondition(!objective.needsEnergy || options.energyPricer != nil,
                     "\(device.name): the \(objective.rawValue) mapping objective needs an energy pricer (DesignEvaluator supplies one)")
        self.mappingObjective = objective
        self.geometry = DeviceGeometry(device, at: operatingPoint)
        self.cache = cache
        self.cacheKey = cache == nil ? OpEvaluationCache.DesignKey("") : Self.cacheKey(designKey: Self.designKey(device), device: device,
                                                          operatingPoint: operatingPoint, options: options, objective: objective)
    }

    /// The part of an op's cache key that comes from the design and the search: the design key,
    /// the effective clock, the budget and, unless the objective is latency, the objective and
    /// the energy prices it minimises.
    static func cacheKey(designKey: String, device: DeviceSpec, operatingPoint: OperatingPoint, options: MappingSearchOptions,
                         objective: MappingObjective) -> OpEvaluationCache.DesignKey {
        var key = designKey + "|clock=\(operatingPoint.effectiveClockGHz(for: device))|budget=\(options.budget)"
        if objective.needsEnergy { key += "|objective=\(objective.rawValue)|prices=\(options.energyPricer?.priceKey ?? "")" }
        return OpEvaluationCache.DesignKey(key)
    }

    /// Identifies what in a design affects op evaluation apart from its clock and mapping
    /// objective: `DeviceSpec.architectureHash` (its canonical JSON without the name,
    /// description, clock, TDP, process, silicon, price, mapping preference and sources). The
    /// effective clock and objective are added to the cache key by `cacheKey`; energy prices,
    /// which depend on process and silicon, too.
    public static func designKey(_ device: DeviceSpec) -> String {
        device.architectureHash.isEmpty ? device.contentHash : device.architectureHash
    }

    /// Evaluates `workload` on the device. Callers that evaluate one workload many times (the
    /// TDP-throttle search in `DesignEvaluator`) pass its precomputed `summary` to skip recomputing it.
    public func evaluate(_ workload: Workload, summary precomputed: WorkloadSummary? = nil) -> EvaluationResult {
        let summary = precomputed ?? workload.summary
        let (capacity, capacityReason) = capacityCheck(workload, summary: summary)
        var reasons: [String] = capacityReason.map { [$0] } ?? []

        let search = MappingSearch(objective: mappingObjective, budget: options.budget, pricer: options.energyPricer)
        let matmul = MatmulModel(geometry: geometry, macArray: device.compute.macArray, calibration: device.calibration, search: search)
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
        // Seconds per bound, summed without hashing, and the order in which bounds first appear:
        // `timeByBound` is built from them at the end with the same sums, keys inserted in the
        // same order as a per-op `timeByBound[bound, default: 0] += seconds` would.
        var boundSeconds = BoundTimes()
        var boundsSeen: [Bound] = []
        boundsSeen.reserveCapacity(Bound.allCases.count)
        var latency = 0.0
        var computable = true
        let facts = workload.opFacts
        // Where each op's result went in `ops` (-1: not computable), for later ops with the same key.
        var position = [Int](repeating: -1, count: facts.count)
        // The workload's tag for the cache's admission policy: its op count and first op.
        let admitted = cache?.admits(cacheKey, workload: facts.count &* 31 &+ (facts.first?.evaluationKeyHash ?? 0)) ?? false
        var reused = 0
        let workloadOps = workload.ops
        for index in workloadOps.indices {
            let op = workloadOps[index], opFacts = facts[index]
            let key = admitted ? OpEvaluationCache.Key(design: cacheKey, op: opFacts) : nil
            let result: OpResult
            if let same = opFacts.sameAs, position[same] >= 0 {
                // An earlier op with the same key evaluates the same (a pure function of the key
                // on this design): its result under this op's name and repeat count, as a cache
                // hit would return it; without a cache, with this op's own FLOPs, as a fresh
                // evaluation computes them.
                var copy = ops[position[same]]
                copy.name = op.name
                copy.repeatCount = op.repeatCount
                if cache == nil { copy.flops = opFacts.flops }
                result = copy
                reused += 1
            } else if let cache, let key, var hit = cache.value(key) {
                hit.name = op.name
                hit.repeatCount = op.repeatCount
                result = hit
            } else if let fresh = evaluateUncached(op, opFacts, matmul: matmul, vector: vector, collective: collective, reasons: &reasons) {
                if let key { cache?.store(key, fresh) }
                result = fresh
            } else {
                computable = false
                continue
            }
            position[index] = ops.count
            let r = Double(op.repeatCount)
            latency += result.latencySeconds * r
            if !boundsSeen.contains(result.bound) { boundsSeen.append(result.bound) }
            boundSeconds[result.bound] += result.latencySeconds * r
            total.add(result.activity, times: r)
            ops.append(result)
        }
        cache?.countHits(reused)
        if !computable { latency = .nan }
        var timeByBound: [Bound: Double] = [:]
        for b in boundsSeen { timeByBound[b] = boundSeconds[b] }
        let bound = timeByBound.max { $0.value < $1.value || ($0.value == $1.value && $0.key.rawValue > $1.key.rawValue) }?.key
        let dominantFormat = total.macsByFormat.max { $0.value < $1.value }?.key
        let utilization = dominantFormat.map { total.totalMACs / (latency * operatingPoint.peakMacsPerSecond($0, on: device)) } ?? 0
        return EvaluationResult(
            designName: device.name, workloadName: workload.name, feasible: reasons.isEmpty,
            reason: reasons.isEmpty ? nil : reasons.joined(separator: "; "),
            latencySeconds: latency,
            throughputPerSecond: latency.isFinite && latency > 0 ? workload.itemsPerIteration / latency : .nan,
            throughputUnit: workload.throughputUnit, bound: bound, timeByBound: timeByBound,
            macUtilization: utilization.isFinite ? utilization : 0, devices: workload.devices,
            capacity: capacity, activity: total, ops: ops, operatingPoint: operatingPoint, mappingObjective: mappingObjective)
    }

    /// The memory one chip must hold for `workload` against what the device has, and the reason
    /// when it does not fit. Inference: weights, KV cache and the largest op's activations;
    /// training: the step's weights, gradients, optimizer states and stored activations.
    public func capacityCheck(_ workload: Workload, summary: WorkloadSummary) -> (CapacityCheck, reason: String?) {
        let available = device.memory.offchip.capacityBytes, memory = device.memory.offchip.type.rawValue
        if let step = workload.training {
            let m = step.memory
            let capacity = CapacityCheck(weightBytes: m.weightBytes, kvCacheBytes: 0, activationBytes: m.activationBytes,
                                         availableBytes: available, gradientBytes: m.gradientBytes, optimizerStateBytes: m.optimizerStateBytes)
            return (capacity, capacity.fits ? nil : "the training step needs \(Self.gigabytes(capacity.requiredBytes)) GB per chip (weights \(Self.gigabytes(m.weightBytes)) GB + gradients \(Self.gigabytes(m.gradientBytes)) GB + optimizer states \(Self.gigabytes(m.optimizerStateBytes)) GB + stored activations \(Self.gigabytes(m.activationBytes)) GB, \(step.recompute.rawValue) recomputation) but \(device.name) has \(Self.gigabytes(available)) GB of \(memory)")
        }
        let capacity = CapacityCheck(weightBytes: summary.weightBytes, kvCacheBytes: summary.kvCacheBytes,
                                     activationBytes: summary.peakActivationBytes, availableBytes: available)
        return (capacity, capacity.fits ? nil : "needs \(Self.gigabytes(capacity.requiredBytes)) GB per chip (weights \(Self.gigabytes(capacity.weightBytes)) GB + KV cache \(Self.gigabytes(capacity.kvCacheBytes)) GB + activations \(Self.gigabytes(capacity.activationBytes)) GB) but \(device.name) has \(Self.gigabytes(available)) GB of \(memory)")
    }

    /// The result of not running `workload` because the design cannot be built (`reason`, from
    /// the packaging model): infeasible, with the memory check (a trace property, cheap, and a
    /// second reason when it does not fit) and no latency, bound, times, activity or ops, which
    /// would describe a chip that cannot exist (`EvaluationResult.wasRun`).
    public func notRun(_ workload: Workload, summary: WorkloadSummary, because reason: String) -> EvaluationResult {
        let (capacity, capacityReason) = capacityCheck(workload, summary: summary)
        return EvaluationResult(
            designName: device.name, workloadName: workload.name, feasible: false,
            reason: ((capacityReason.map { [$0] } ?? []) + [reason]).joined(separator: "; "),
            latencySeconds: .nan, throughputPerSecond: .nan, throughputUnit: workload.throughputUnit, bound: nil, timeByBound: [:],
            macUtilization: .nan, devices: workload.devices, capacity: capacity, activity: ActivityCounts(), ops: [],
            operatingPoint: operatingPoint, mappingObjective: mappingObjective, wasRun: false)
    }

    static func gigabytes(_ bytes: Double) -> String {
        let gb = bytes / Units.giga
        // Formatted, never converted to Int: a trace can need more bytes than Int counts.
        if gb >= 100 || (gb * 10).rounded() == gb.rounded() * 10 { return JSONWriter.formatNumber(gb.rounded()) }
        return String((gb * 10).rounded() / 10)
    }
}

extension PerformanceModel {
    /// Evaluates one op on the device with no cache involved. Returns nil when the op cannot run
    /// on this device (unsupported MAC format, collective without chip links), after appending the
    /// reason to `reasons`.
    private func evaluateUncached(_ op: Op, _ facts: OpFacts, matmul: MatmulModel, vector: VectorOpModel, collective: CollectiveModel,
                                  reasons: inout [String]) -> OpResult? {
        var times = BoundTimes(), activity = ActivityCounts()
        var cycles = 0.0, mapping: Mapping?, evaluated = 0
        switch op.kind {
        case .matmul:
            do {
                let outcome = try matmul.evaluate(op, facts)
                (times, activity, cycles, mapping, evaluated) = (outcome.times, outcome.activity, outcome.computeCycles, outcome.mapping, outcome.candidatesEvaluated)
            } catch {
                if case let .unsupportedFormat(format) = error {
                    reasons.append("op \(op.name): \(device.name)'s MAC array does not support \(format.rawValue) (supported: \(device.compute.macArray.supportedFormats.map(\.rawValue).joined(separator: ", ")))")
                }
                return nil
            }
        case .elementwise, .softmax, .norm, .embedding:
            (times, activity) = vector.evaluate(op, facts)
        case .allReduce, .allGather, .reduceScatter:
            let outcome = collective.evaluate(op, facts)
            guard outcome.feasible else {
                reasons.append("op \(op.name): a \(op.kind.rawValue) over \(op.groupSize) chips needs chip-to-chip links, but \(device.name) has none")
                return nil
            }
            (times, activity) = (outcome.times, outcome.activity)
        }
        return OpResult(name: op.name, kind: op.kind, repeatCount: op.repeatCount, einsum: facts.einsum, bound: times.bound,
                        latencySeconds: times.latencySeconds, computeCycles: cycles, times: times, activity: activity,
                        flops: facts.flops, mapping: mapping, mappingCandidatesEvaluated: evaluated)
    }
}
