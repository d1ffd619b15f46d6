import SPUWorkload

/// A bounded search over parallel layouts for a fixed number of devices: every tensor degree
/// that divides the attention heads (up to the scale-up domain unless told), every pipeline
/// degree that leaves an integer data degree, micro-batches, interleaving, recomputation, ZeRO
/// stage and (MoE) expert degree; keeps the feasible layouts ranked by the objective. Each
/// distinct (tensor degree, micro-batch, recomputation, sequence parallelism) is profiled once
/// (`MicroBatchProfile`); the rest of a layout's evaluation is arithmetic.
public struct ParallelLayoutSearch: Sendable {
    public enum Objective: String, CaseIterable, Sendable {
        /// Most tokens per second.
        case throughput
        /// Least cost per million tokens.
        case cost
        /// Least facility energy per token.
        case energy
    }

    public struct Space: Sendable {
        public var microBatches: [Int] = [1, 2, 4, 8]
        public var interleaves: [Int] = [1, 2, 4]
        public var recomputations: [Recomputation] = Recomputation.allCases
        public var zeroStages: [ZeROStage] = [.none, .optimizerStates]
        /// Largest tensor degree; nil: the scale-up domain.
        public var maxTensor: Int?
        public init() {}
    }

    public struct Outcome: Sendable {
        /// Feasible layouts, best first.
        public var ranked: [TrainingStepResult]
        public var layoutsEvaluated: Int
        public var profilesEvaluated: Int
        /// The most common reasons layouts were infeasible, with counts.
        public var infeasibleReasons: [(reason: String, count: Int)]
    }

    public let model: TrainingStepModel
    public var space: Space
    public var objective: Objective

    public init(model: TrainingStepModel, space: Space = Space(), objective: Objective = .throughput) {
        self.model = model
        self.space = space
        self.objective = objective
    }

    /// The valid layouts over exactly `devices` devices.
    public func layouts(devices: Int) -> [ParallelLayout] {
        Self.layouts(devices: devices, space: space, model: model.model, cluster: model.cluster, globalBatch: model.globalBatch)
    }

    /// The valid layouts over exactly `devices` devices of `cluster` for `model` and `globalBatch`
    /// (they do not depend on the design).
    public static func layouts(devices: Int, space: Space = Space(), model m: TransformerConfig, cluster: ClusterSpec,
                               globalBatch: Int) -> [ParallelLayout] {
        let maxTensor = min(space.maxTensor ?? cluster.scaleUp.devices, devices)
        var out: [ParallelLayout] = []
        for tp in divisors(m.attentionHeads) where tp <= maxTensor && devices % tp == 0 {
            for pp in divisors(devices / tp) where pp <= m.layers {
                let dp = devices / (tp * pp)
                let experts = m.isMoE ? divisors(dp).filter { m.experts % $0 == 0 } : [1]
                for ep in experts {
                    for mb in space.microBatches {
                        for v in (pp > 1 ? space.interleaves : [1]) {
                            for recompute in space.recomputations {
                                for zero in (dp > 1 ? space.zeroStages : [.none]) {
                                    let layout = ParallelLayout(tensor: tp, pipeline: pp, data: dp, expert: ep, microBatch: mb, interleave: v,
                                                                zero: zero, recompute: recompute, sequenceParallel: tp > 1)
                                    if TrainingStepModel.invalidity(layout, model: m, cluster: cluster, globalBatch: globalBatch) == nil {
                                        out.append(layout)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    public func run(devices: Int, keep: Int = 10) -> Outcome {
        struct ProfileKey: Hashable { var tp: Int, mb: Int, recompute: Recomputation, sp: Bool }
        var profiles: [ProfileKey: MicroBatchProfile?] = [:]
        var feasible: [TrainingStepResult] = []
        var reasons: [String: Int] = [:]
        let candidates = layouts(devices: devices)
        for layout in candidates {
            let key = ProfileKey(tp: layout.tensor, mb: layout.microBatch, recompute: layout.recompute, sp: layout.sequenceParallel)
            if profiles[key] == nil { profiles[key] = .some(try? model.profile(for: layout)) }
            guard let profile = profiles[key] ?? nil else { reasons["the trace cannot be generated", default: 0] += 1; continue }
            let result = model.evaluate(layout, profile: profile)
            if result.feasible { feasible.append(result) } else { reasons[Self.reasonKind(result.reason ?? ""), default: 0] += 1 }
        }
        feasible.sort { score($0) < score($1) || (score($0) == score($1) && $0.layout.description < $1.layout.description) }
        return Outcome(ranked: Array(feasible.prefix(keep)), layoutsEvaluated: candidates.count, profilesEvaluated: profiles.count,
                       infeasibleReasons: reasons.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }.map { ($0.key, $0.value) })
    }

    /// Lower is better.
    func score(_ r: TrainingStepResult) -> Double {
        switch objective {
        case .throughput: return -(r.time?.tokensPerSecond ?? 0)
        case .cost: return r.cost?.usdPerMillionTokens ?? .infinity
        case .energy: return r.energy?.facilityJoulesPerToken ?? .infinity
        }
    }

    /// A reason without its numbers, so that layouts failing the same way count together.
    static func reasonKind(_ reason: String) -> String {
        if reason.contains("GB per device") { return "does not fit in device memory" }
        return reason
    }

    /// Divisors of `n`, ascending.
    static func divisors(_ n: Int) -> [Int] {
        guard n >= 1 else { return [] }
        var low: [Int] = [], high: [Int] = []
        var d = 1
        while d * d <= n {
            if n % d == 0 {
                low.append(d)
                if d != n / d { high.append(n / d) }
            }
            d += 1
        }
        return low + high.reversed()
    }
}
