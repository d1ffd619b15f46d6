import SPUCost
import SPUWorkload

/// The work of one engine iteration before it is priced: decode sequences (one new token each)
/// and prefill chunks batched together (continuous batching with chunked prefill).
public struct IterationBatch: Sendable, Equatable {
    public var decodeSequences = 0
    /// Σ context over the decode sequences (keys each new token attends).
    public var decodeContextTokens = 0
    public var prefillSequences = 0
    public var prefillTokens = 0
    /// Σ over prefill chunks of chunk tokens × mean keys per chunk token, (prior + (chunk + 1)/2):
    /// the causal attention work of the chunks.
    public var prefillKeyWork = 0.0
    /// Σ over prefill chunks of the tokens cached after the chunk (prior + chunk).
    public var prefillCachedTokens = 0
    /// Sequences that produce a token this iteration (decodes and final prefill chunks).
    public var sampledSequences = 0

    public init() {}

    public var sequences: Int { decodeSequences + prefillSequences }
    public var isEmpty: Bool { sequences == 0 }

    public mutating func addDecode(context: Int) {
        decodeSequences += 1
        decodeContextTokens += context
        sampledSequences += 1
    }

    /// A chunk of `tokens` prompt tokens after `prior` already cached; `final` when it completes the prompt.
    public mutating func addPrefill(tokens: Int, prior: Int, final: Bool) {
        prefillSequences += 1
        prefillTokens += tokens
        prefillKeyWork += Double(tokens) * (Double(prior) + Double(tokens + 1) / 2)
        prefillCachedTokens += prior + tokens
        if final { sampledSequences += 1 }
    }
}

/// What one iteration costs on the replica's chips (kernels only; the engine's host time is
/// `EngineProfile`'s).
public struct IterationCost: Sendable, Equatable {
    /// Kernel time of the iteration, after the TDP policy.
    public var deviceSeconds: Double
    /// Energy of the iteration for the replica's chips (dynamic + leakage over `deviceSeconds`).
    public var energyJ: Double
    /// Average power of one chip during the iteration.
    public var powerWPerChip: Double
}

/// Prices iterations with the design's performance and power models, memoised over buckets.
///
/// A batch is reduced to seven numbers (decode sequences and their mean context; prefill chunks,
/// their mean length, mean causal key length and mean cached tokens; sampled sequences), each
/// rounded to `significantBits` significant binary digits (values below 2^bits are exact; the
/// relative rounding error is at most 2^-bits). Each distinct bucket is generated as one mixed
/// trace (`TransformerGenerator.generateIteration`) and evaluated once by `DesignEvaluator`
/// (mapping search, performance, energy, TDP policy); a simulation of hundreds of thousands of
/// iterations evaluates a few hundred shapes. Mean lengths keep the attention work exact: n
/// sequences at the mean context read the same KV bytes and do the same MACs as the real ones.
public final class IterationCostModel {
    public let evaluator: DesignEvaluator
    public let generator: TransformerGenerator
    public let tensorParallel: Int
    public let significantBits: Int
    private var memo: [Key: IterationCost] = [:]
    public private(set) var lookups = 0

    struct Key: Hashable {
        var decodes: Int, decodeContext: Int
        var prefills: Int, chunk: Int, keyLength: Int, cached: Int
        var sampled: Int
    }

    public init(evaluator: DesignEvaluator, generator: TransformerGenerator, tensorParallel: Int, significantBits: Int = 6) {
        self.evaluator = evaluator
        self.generator = generator
        self.tensorParallel = tensorParallel
        self.significantBits = significantBits
    }

    /// Distinct shapes evaluated so far.
    public var evaluations: Int { memo.count }

    /// `value` rounded to `bits` significant binary digits (exact below 2^bits).
    public static func bucket(_ value: Int, bits: Int) -> Int {
        guard value >= 1 << bits else { return value }
        let shift = (Int.bitWidth - 1 - value.leadingZeroBitCount) - (bits - 1)
        let half = 1 << (shift - 1)
        return ((value + half) >> shift) << shift
    }

    public func cost(_ batch: IterationBatch) throws(ServingError) -> IterationCost {
        lookups += 1
        let key = self.key(batch)
        if let hit = memo[key] { return hit }
        let cost = try evaluate(key)
        memo[key] = cost
        return cost
    }

    func key(_ b: IterationBatch) -> Key {
        func q(_ v: Int) -> Int { Self.bucket(v, bits: significantBits) }
        func mean(_ total: Double, _ n: Int) -> Int { n == 0 ? 0 : max(1, Int((total / Double(n)).rounded())) }
        let prefillKey = b.prefillTokens == 0 ? 0 : max(1, Int((b.prefillKeyWork / Double(b.prefillTokens)).rounded()))
        return Key(decodes: q(b.decodeSequences), decodeContext: q(mean(Double(b.decodeContextTokens), b.decodeSequences)),
                   prefills: q(b.prefillSequences), chunk: q(mean(Double(b.prefillTokens), b.prefillSequences)),
                   keyLength: q(prefillKey), cached: q(mean(Double(b.prefillCachedTokens), b.prefillSequences)),
                   sampled: max(1, q(b.sampledSequences)))
    }

    private func evaluate(_ key: Key) throws(ServingError) -> IterationCost {
        var slices: [TransformerGenerator.AttentionSlice] = []
        if key.decodes > 0 {
            slices.append(.init(sequences: key.decodes, queryLength: 1, keyLength: key.decodeContext, cachedTokens: key.decodeContext))
        }
        if key.prefills > 0 {
            slices.append(.init(sequences: key.prefills, queryLength: key.chunk, keyLength: key.keyLength, cachedTokens: max(key.cached, key.chunk, key.keyLength)))
        }
        let sampled = min(key.sampled, key.decodes + key.prefills)
        let workload: Workload
        do {
            workload = try generator.generateIteration(attention: slices, sampledSequences: max(1, sampled), tensorParallel: tensorParallel)
        } catch {
            throw .invalid(error.description)
        }
        let e = evaluator.evaluate(workload)
        guard e.performance.feasible, e.performance.latencySeconds.isFinite, e.performance.latencySeconds > 0 else {
            throw .infeasible(design: evaluator.device.name, reason: e.performance.reason ?? "the iteration \(workload.name) has no finite latency")
        }
        return IterationCost(deviceSeconds: e.performance.latencySeconds, energyJ: e.cost.energyJ, powerWPerChip: e.cost.averagePowerW)
    }
}
