import SPUCore
import SPUHardware
import SPUWorkload

/// The paged KV cache of one replica (vLLM's PagedAttention block manager, Kwon et al., SOSP
/// 2023): what is left of each chip's memory after weights and the activation workspace, cut
/// into blocks of `blockTokens` tokens.
///
///     pool bytes per chip = capacity × memory utilisation − weights − activation workspace
///     blocks = ⌊pool / (block tokens × KV bytes per token per chip)⌋
///
/// Weights and KV bytes per token come from the generator's own trace (`WorkloadSummary`), so
/// they match what the performance model checks; the workspace is the largest activation of a
/// prefill of one token budget.
public struct ReplicaMemory: Sendable, Equatable {
    public var kvBytesPerTokenPerChip: Double
    public var weightBytesPerChip: Double
    public var workspaceBytesPerChip: Double
    public var capacityBytesPerChip: Double
    public var blockTokens: Int
    public var blocks: Int
    /// KV bytes of one token for the whole model (all layers and KV heads): what a disaggregated
    /// system moves from prefill to decode.
    public var kvBytesPerTokenModel: Double

    public init(generator: TransformerGenerator, device: DeviceSpec, tensorParallel tp: Int, scheduler: SchedulerOptions) throws(ServingError) {
        let probeContext = 1024
        do {
            let decode = try generator.generate(phase: .decode, batch: 1, sequenceLength: probeContext, tensorParallel: tp).summary
            let whole = try generator.generate(phase: .decode, batch: 1, sequenceLength: probeContext, tensorParallel: 1).summary
            let workspacePrompt = min(scheduler.tokenBudget, generator.model.maxPositions)
            let prefill = try generator.generate(phase: .prefill, batch: 1, sequenceLength: max(1, workspacePrompt), tensorParallel: tp).summary
            kvBytesPerTokenPerChip = decode.kvCacheBytes / Double(probeContext)
            kvBytesPerTokenModel = whole.kvCacheBytes / Double(probeContext)
            weightBytesPerChip = decode.weightBytes
            workspaceBytesPerChip = prefill.peakActivationBytes
        } catch {
            throw .invalid(error.description)
        }
        capacityBytesPerChip = device.memory.offchip.capacityBytes
        blockTokens = scheduler.blockTokens
        let pool = capacityBytesPerChip * scheduler.memoryUtilization - weightBytesPerChip - workspaceBytesPerChip
        let blockBytes = Double(blockTokens) * kvBytesPerTokenPerChip
        blocks = pool > blockBytes ? Int(min(pool / blockBytes, Double(1 << 40))) : 0
        guard blocks > 0 else {
            throw .infeasible(design: device.name, reason: "weights (\(Self.gb(weightBytesPerChip)) GB per chip at tensor parallel \(tp)) and workspace (\(Self.gb(workspaceBytesPerChip)) GB) leave no KV cache in \(Self.gb(capacityBytesPerChip * scheduler.memoryUtilization)) GB (\(Int(scheduler.memoryUtilization * 100))% of \(Self.gb(capacityBytesPerChip)) GB)")
        }
    }

    /// Blocks that hold `tokens` cached tokens.
    @inline(__always) public func blocks(forTokens tokens: Int) -> Int { (tokens + blockTokens - 1) / blockTokens }

    /// Tokens the whole pool holds.
    public var tokenCapacity: Int { blocks * blockTokens }

    static func gb(_ bytes: Double) -> String { JSONWriter.formatNumber((bytes / 1e9 * 10).rounded() / 10) }
}
