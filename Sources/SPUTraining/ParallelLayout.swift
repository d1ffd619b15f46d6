import Foundation
import SPUWorkload

/// How one training step is split over devices (Megatron-LM's 3-D parallelism, Narayanan et al.
/// SC21, with sequence parallelism (Korthikanti et al. 2022), ZeRO (Rajbhandari et al. SC20) and
/// expert parallelism (Lepikhin et al. 2021)). Devices = tensor × pipeline × data; expert
/// parallelism splits the experts over `expert` ranks of the data-parallel group.
public struct ParallelLayout: Sendable, Hashable, CustomStringConvertible {
    public var tensor: Int
    public var pipeline: Int
    public var data: Int
    public var expert: Int
    /// Sequences per micro-batch.
    public var microBatch: Int
    /// Model chunks per device of the interleaved 1F1B schedule (1: plain 1F1B).
    public var interleave: Int
    public var zero: ZeROStage
    public var recompute: Recomputation
    /// Megatron-LM sequence parallelism: norms and dropouts split over the tensor-parallel group,
    /// its all-reduces become reduce-scatter + all-gather (the same bytes).
    public var sequenceParallel: Bool
    /// Data-parallel gradient reduction (and ZeRO-3 parameter gathers) run under the backward
    /// (and forward) compute where the schedule allows (Megatron `--overlap-grad-reduce`, DeepSpeed prefetch).
    public var overlapDataParallel: Bool

    public init(tensor: Int = 1, pipeline: Int = 1, data: Int = 1, expert: Int = 1, microBatch: Int = 1, interleave: Int = 1,
                zero: ZeROStage = .none, recompute: Recomputation = .selective, sequenceParallel: Bool = true, overlapDataParallel: Bool = true) {
        self.tensor = tensor
        self.pipeline = pipeline
        self.data = data
        self.expert = expert
        self.microBatch = microBatch
        self.interleave = interleave
        self.zero = zero
        self.recompute = recompute
        self.sequenceParallel = sequenceParallel
        self.overlapDataParallel = overlapDataParallel
    }

    public var devices: Int { tensor * pipeline * data }

    public var description: String {
        var s = "tp=\(tensor),pp=\(pipeline),dp=\(data)"
        if expert > 1 { s += ",ep=\(expert)" }
        s += ",mb=\(microBatch)"
        if interleave > 1 { s += ",v=\(interleave)" }
        if zero != .none { s += ",zero=\(zero.rawValue)" }
        s += ",recompute=\(recompute.rawValue)"
        if !sequenceParallel { s += ",sp=off" }
        return s
    }

    /// Reads `tp=8,pp=4,dp=16,ep=1,mb=1,v=2,zero=1,recompute=selective,sp=on,overlap=on`; keys
    /// not given keep `base`'s values. Throws a message naming the bad item.
    public static func parse(_ text: String, base: ParallelLayout = ParallelLayout()) throws(LayoutError) -> ParallelLayout {
        var layout = base
        for item in text.split(separator: ",", omittingEmptySubsequences: true) {
            let parts = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { throw LayoutError("\"\(item)\" is not key=value (e.g. tp=8)") }
            let key = parts[0].lowercased(), value = parts[1]
            func count(_ range: ClosedRange<Int> = 1...1_048_576) throws(LayoutError) -> Int {
                guard let n = Int(value), range.contains(n) else {
                    throw LayoutError("\(key)=\(value): expected an integer in \(range.lowerBound)...\(range.upperBound)")
                }
                return n
            }
            func flag() throws(LayoutError) -> Bool {
                switch value.lowercased() {
                case "on", "true", "1", "yes": return true
                case "off", "false", "0", "no": return false
                default: throw LayoutError("\(key)=\(value): expected on or off")
                }
            }
            switch key {
            case "tp", "tensor": layout.tensor = try count()
            case "pp", "pipeline": layout.pipeline = try count()
            case "dp", "data": layout.data = try count()
            case "ep", "expert": layout.expert = try count()
            case "mb", "micro-batch", "microbatch": layout.microBatch = try count(1...65_536)
            case "v", "interleave": layout.interleave = try count(1...1024)
            case "zero":
                guard let n = Int(value), let stage = ZeROStage(rawValue: n) else { throw LayoutError("zero=\(value): expected 0, 1, 2 or 3") }
                layout.zero = stage
            case "recompute":
                guard let r = Recomputation(rawValue: value) else {
                    throw LayoutError("recompute=\(value): expected \(Recomputation.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                layout.recompute = r
            case "sp", "sequence-parallel": layout.sequenceParallel = try flag()
            case "overlap": layout.overlapDataParallel = try flag()
            default:
                throw LayoutError("unknown key \"\(key)\" (expected tp, pp, dp, ep, mb, v, zero, recompute, sp, overlap)")
            }
        }
        return layout
    }
}

public struct LayoutError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
