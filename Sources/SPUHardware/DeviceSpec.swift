import Foundation
import SPUCore
import SPUFormats

/// A chip: a set of compute units, memory levels and networks.
///
/// One abstraction describes spatial processing units (a 2-D mesh of tiles, each with a MAC
/// array, local SRAM and a router, fed by HBM), GPUs (streaming multiprocessors behind a
/// crossbar to L2) and server CPUs (a pool of cores, each with its matrix and SIMD units, L1D + L2
/// as local SRAM, the L3 as shared SRAM, fed by DDR channels). The numbers come from the JSON
/// file the spec was decoded from; every object there carries a `source` (datasheet, paper, URL
/// or stated assumption), kept in `sources`. The format is documented in `docs/hardware-format.md`.
public struct DeviceSpec: Sendable, Equatable {
    /// What kind of chip a design is. The performance model treats every kind alike (same
    /// derates, same physics); the kind decides which area model applies (`AreaModel`) and which
    /// rules the decoder enforces (a CPU is a pool of cores with a published die area and list price).
    public enum Kind: String, CaseIterable, Sendable { case spu, gpu, cpu }

    public var name: String
    public var kind: Kind
    public var description: String?
    public var processNode: String
    public var clockGHz: Double
    public var tdpWatts: Double
    public var compute: ComputeSpec
    public var memory: MemorySpec
    public var noc: NetworkOnChipSpec
    public var chipLinks: ChipLinkSpec
    public var calibration: CalibrationSpec
    /// Packaging and physical facts for the area and cost models (defaults when absent).
    public var silicon: SiliconSpec
    /// Pricing policy, NRE and volume (`PriceSpec`); nil: cost-plus with the TCO file's margin, NRE and volume.
    public var price: PriceSpec?
    /// How the mapper chooses among mappings (nil: latency, the default).
    public var mapping: MappingSpec?
    /// `source` strings by JSON path of the object they cover (`$`, `$.compute`, …).
    public var sources: [String: String]
    /// Canonical JSON of the description (sorted keys); its SHA-256 identifies the design.
    public var canonicalJSON: String { didSet { contentHash = SHA256.hex(canonicalJSON) } }

    /// Content hash of the canonical JSON: equal designs have equal hashes whatever their layout.
    /// Computed once (a sweep stores it with every result).
    public private(set) var contentHash: String

    /// Hash of what defines the architecture's behaviour on an op: the canonical JSON without
    /// `architectureIndependentKeys` at the top level and without any `source`. Designs that
    /// differ only in name, clock, TDP, process, silicon, price or mapping preference share it,
    /// so a sweep's op-evaluation cache serves them all (the clock and the mapping objective
    /// join the cache key separately). Computed once, from the decoded JSON; empty for a design
    /// decoded by `check` only.
    public private(set) var architectureHash: String

    /// Top-level keys that do not change how an op runs at a given clock (see `architectureHash`).
    public static let architectureIndependentKeys: Set<String> = ["name", "description", "clock_ghz", "tdp_w", "process_node",
                                                                   "silicon", "price", "mapping", "source"]

    /// `architectureHash` of a design's JSON.
    public static func architectureHash(of design: JSONValue) -> String {
        guard case let .object(pairs) = design else { return SHA256.hex(JSONWriter.canonical(design)) }
        func withoutSources(_ value: JSONValue) -> JSONValue {
            guard case let .object(inner) = value else { return value }
            return .object(inner.filter { $0.key != "source" }.map { ($0.key, withoutSources($0.value)) })
        }
        let kept = JSONValue.object(pairs.filter { !architectureIndependentKeys.contains($0.key) }.map { ($0.key, withoutSources($0.value)) })
        return SHA256.hex(JSONWriter.canonical(kept))
    }

    public var clockHz: Double { clockGHz * Units.giga }

    /// Peak dense MAC operations per second in `format` across the whole chip (0 if unsupported).
    public func peakMacsPerSecond(_ format: NumberFormat) -> Double {
        // In Double: units × MACs per cycle ≤ 2^24 × 2^32 by `HardwareLimits`, but a spec built in code is unchecked.
        Double(compute.unitCount) * Double(compute.macArray.macsPerCycle(format)) * clockHz
    }
}

/// The compute units of a chip and what each contains.
public struct ComputeSpec: Sendable, Equatable {
    /// How units are arranged: a flat pool (GPU SMs) or a rows × cols mesh (SPU tiles).
    public enum Arrangement: Sendable, Equatable {
        case pool(units: Int)
        case mesh(rows: Int, cols: Int)
    }

    public var arrangement: Arrangement
    public var macArray: MACArraySpec
    public var vectorUnit: VectorUnitSpec

    public var unitCount: Int {
        switch arrangement {
        case let .pool(units): return units
        // rows, cols ≤ 4096 (`HardwareLimits.meshSide`): the product is at most 2^24, cannot overflow.
        case let .mesh(rows, cols): return rows * cols
        }
    }
}

/// Systolic dataflows, named as in SCALE-Sim.
public enum Dataflow: String, CaseIterable, Sendable, Hashable {
    case weightStationary = "weight-stationary"
    case outputStationary = "output-stationary"
    case inputStationary = "input-stationary"
}

/// The MAC array of one unit: a rows × cols grid of processing elements with a dataflow, how
/// many MACs per cycle it completes in each supported number format, the accumulator register each
/// format sums in, and which formats share one datapath in a PE.
public struct MACArraySpec: Sendable, Equatable {
    public var rows: Int
    public var cols: Int
    public var dataflow: Dataflow
    /// MACs per cycle per unit by format; always a positive multiple of rows × cols.
    public var macsPerCycleByFormat: [NumberFormat: Int]
    /// Accumulators the config declares (`mac_array.accumulation`), by format; formats not listed
    /// get `AccumulatorSpec.default(for:)`.
    public var declaredAccumulators: [NumberFormat: AccumulatorSpec] = [:]
    /// Groups of formats that share one datapath in a PE (`mac_array.shared_datapaths`); nil:
    /// the default grouping (`defaultDatapathGroups`).
    public var declaredSharedDatapaths: [[NumberFormat]]? = nil

    public init(rows: Int, cols: Int, dataflow: Dataflow, macsPerCycleByFormat: [NumberFormat: Int],
                declaredAccumulators: [NumberFormat: AccumulatorSpec] = [:], declaredSharedDatapaths: [[NumberFormat]]? = nil) {
        self.rows = rows
        self.cols = cols
        self.dataflow = dataflow
        self.macsPerCycleByFormat = macsPerCycleByFormat
        self.declaredAccumulators = declaredAccumulators
        self.declaredSharedDatapaths = declaredSharedDatapaths
    }

    public func macsPerCycle(_ format: NumberFormat) -> Int { macsPerCycleByFormat[format] ?? 0 }

    /// The accumulator register `format` sums in: the declared one, else the format's default.
    public func accumulator(for format: NumberFormat) -> AccumulatorSpec {
        declaredAccumulators[format] ?? AccumulatorSpec.default(for: format)
    }

    /// The supported formats grouped by the datapath they share in a PE: the declared groups (each
    /// supported format not named in any group is a datapath of its own), else
    /// `defaultDatapathGroups`. A PE's area is the sum over groups of the costliest member.
    public var datapathGroups: [[NumberFormat]] {
        let supported = supportedFormats
        guard let declared = declaredSharedDatapaths else { return Self.defaultDatapathGroups(supported) }
        let named = Set(declared.flatMap { $0 })
        return declared.map { group in group.filter { macsPerCycleByFormat[$0] != nil } }.filter { !$0.isEmpty }
            + supported.filter { !named.contains($0) }.map { [$0] }
    }

    /// The default sharing: formats of one arithmetic family share a datapath — floats with MX
    /// floats (one multi-precision floating-point datapath, as GPU tensor cores run FP16, BF16,
    /// TF32 and FP8 — and Blackwell's MX formats — on one unit; assumption, NVIDIA does not publish
    /// the split), integers with MXINT8, log formats with each other (one log adder, antilog table
    /// and shifter serve every LNS width). Different families are separate datapaths.
    public static func defaultDatapathGroups(_ formats: [NumberFormat]) -> [[NumberFormat]] {
        var groups: [String: [NumberFormat]] = [:]
        var order: [String] = []
        for format in formats {
            let family: String
            switch format.entry.kind {
            case .float, .blockScaledFloat: family = "float"
            case .integer, .blockScaledInteger: family = "integer"
            case .logarithmic: family = "logarithmic"
            }
            if groups[family] == nil { order.append(family) }
            groups[family, default: []].append(format)
        }
        return order.map { groups[$0]! }
    }

    /// MACs one PE completes per cycle in `format` (0 if unsupported). A PE that packs k MACs
    /// is modelled as k adjacent columns.
    public func packing(_ format: NumberFormat) -> Int { macsPerCycle(format) / (rows * cols) }

    public var supportedFormats: [NumberFormat] {
        NumberFormat.allCases.filter { macsPerCycleByFormat[$0] != nil }
    }
}

/// The vector (SIMD) unit of one compute unit, for non-GEMM ops.
public struct VectorUnitSpec: Sendable, Equatable {
    public var lanes: Int
    public var opsPerLanePerCycle: Double
    public var opsPerCycle: Double { Double(lanes) * opsPerLanePerCycle }
}

/// The memory hierarchy: per-unit SRAM, optional chip-wide SRAM, off-chip DRAM.
public struct MemorySpec: Sendable, Equatable {
    public var localSRAM: LocalSRAMSpec
    public var sharedSRAM: SharedSRAMSpec?
    public var offchip: OffchipMemorySpec
}

/// SRAM inside one unit (SPU tile SRAM, GPU shared memory / L1).
public struct LocalSRAMSpec: Sendable, Equatable {
    public var capacityBytes: Double
    public var readBytesPerCycle: Double
    public var writeBytesPerCycle: Double
    public var latencyCycles: Double
}

/// Chip-wide SRAM shared by all units (GPU L2, SPU global buffer).
public struct SharedSRAMSpec: Sendable, Equatable {
    public var capacityBytes: Double
    /// Aggregate bandwidth to all units together.
    public var bytesPerCycle: Double
    public var latencyCycles: Double
}

/// Off-chip memory technologies.
public enum MemoryType: String, CaseIterable, Sendable {
    case hbm2, hbm2e, hbm3, hbm3e, hbm4, ddr4, ddr5, lpddr5, gddr6, gddr7

    /// HBM stacks sit beside the die on an interposer and take die edge (shoreline); DDR,
    /// LPDDR and GDDR devices sit on the board or substrate.
    public var isHBM: Bool { rawValue.hasPrefix("hbm") }
}

/// Off-chip DRAM: HBM stacks or DRAM channels.
public struct OffchipMemorySpec: Sendable, Equatable {
    public var type: MemoryType
    public var stacks: Int
    public var capacityBytesPerStack: Double
    public var bandwidthBytesPerSecondPerStack: Double
    public var latencySeconds: Double

    public var capacityBytes: Double { Double(stacks) * capacityBytesPerStack }
    public var peakBandwidthBytesPerSecond: Double { Double(stacks) * bandwidthBytesPerSecondPerStack }
}

/// The on-chip network connecting units to each other and to memory.
public struct NetworkOnChipSpec: Sendable, Equatable {
    public enum Topology: String, CaseIterable, Sendable { case mesh, torus, crossbar }
    public var topology: Topology
    /// Per link and direction (mesh/torus), or per unit port (crossbar).
    public var linkBytesPerCycle: Double
    public var hopLatencyCycles: Double
}

/// Chip-to-chip links used by collectives.
public struct ChipLinkSpec: Sendable, Equatable {
    public var count: Int
    public var bandwidthBytesPerSecondPerDirection: Double
    public var latencySeconds: Double

    /// Aggregate injection bandwidth of one chip, one direction.
    public var totalBytesPerSecondPerDirection: Double { Double(count) * bandwidthBytesPerSecondPerDirection }
}

/// The low-latency (one-shot / two-shot) all-reduce kernel of GPU serving stacks, fitted on
/// microbenchmarks (`scripts/fit_low_latency_allreduce.py`, `docs/validation.md`):
/// `t = base + perPeer × (N − 1) + 2(N − 1)/N × bytes / bandwidth` for messages that fit its
/// peer-mapped buffer (`maxBytes`, or `maxBytesTwoChips` for a pair, as TensorRT-LLM sizes it).
/// The fixed part includes the kernel launch.
public struct LowLatencyAllReduceSpec: Sendable, Equatable {
    public var maxBytes: Double
    public var maxBytesTwoChips: Double
    public var baseLatencySeconds: Double
    public var perPeerLatencySeconds: Double
    public var bytesPerSecond: Double

    public init(maxBytes: Double, maxBytesTwoChips: Double? = nil, baseLatencySeconds: Double, perPeerLatencySeconds: Double,
                bytesPerSecond: Double) {
        self.maxBytes = maxBytes
        self.maxBytesTwoChips = maxBytesTwoChips ?? maxBytes
        self.baseLatencySeconds = baseLatencySeconds
        self.perPeerLatencySeconds = perPeerLatencySeconds
        self.bytesPerSecond = bytesPerSecond
    }

    /// The largest message the kernel takes over `groupSize` chips.
    public func maxBytes(groupSize: Int) -> Double { groupSize <= 2 ? maxBytesTwoChips : maxBytes }

    /// Fixed time of one all-reduce over `groupSize` chips (launch and flag barrier).
    public func fixedSeconds(groupSize: Int) -> Double { baseLatencySeconds + perPeerLatencySeconds * Double(groupSize - 1) }

    /// Bytes each chip moves: two-shot reduce-scatter + all-gather, 2(N − 1)/N of the message.
    public func trafficBytes(_ bytes: Double, groupSize: Int) -> Double {
        let n = Double(groupSize)
        return 2 * (n - 1) / n * bytes
    }
}

/// The fused attention kernel of GPU serving stacks (FlashDecoding / paged attention), fitted on
/// microbenchmarks (`scripts/fit_attention_kernel.py`): a fixed GPU time per kernel (split-K
/// passes and their reduction, occupancy ramp) and the fraction of peak off-chip bandwidth its
/// KV-cache reads reach. Applies to matmuls that read a KV cache.
public struct AttentionKernelSpec: Sendable, Equatable {
    public var fixedSeconds: Double
    public var kvCacheBandwidthFraction: Double

    public init(fixedSeconds: Double, kvCacheBandwidthFraction: Double) {
        self.fixedSeconds = fixedSeconds
        self.kvCacheBandwidthFraction = kvCacheBandwidthFraction
    }
}

/// The grouped GEMM of GPU MoE kernels (TensorRT-LLM / vLLM fused MoE), fitted on MoE-layer
/// microbenchmarks (`scripts/fit_moe_kernel.py`): every expert multiplies its share of the tokens
/// by its own weights in one kernel, which reaches lower efficiencies than a dense GEMM (routing,
/// token permutation, per-expert tiles that are partly empty). Applies to matmuls whose weight
/// operand has a batch (expert) dimension.
public struct GroupedGEMMSpec: Sendable, Equatable {
    /// Fixed GPU time per grouped-GEMM kernel beyond the launch overhead (routing, permutation, finalize).
    public var fixedSeconds: Double
    /// Achieved fraction of peak off-chip bandwidth streaming the experts' weights.
    public var offchipBandwidthFraction: Double
    /// Achieved fraction of peak MAC throughput.
    public var computeFraction: Double
    /// How well the kernel overlaps compute c with weight streaming d: its steady time is the
    /// p-norm (cᵖ + dᵖ)^(1/p) (a smooth roofline); nil is perfect overlap, max(c, d).
    public var overlapExponent: Double?

    public init(fixedSeconds: Double, offchipBandwidthFraction: Double, computeFraction: Double, overlapExponent: Double? = nil) {
        self.fixedSeconds = fixedSeconds
        self.offchipBandwidthFraction = offchipBandwidthFraction
        self.computeFraction = computeFraction
        self.overlapExponent = overlapExponent
    }
}

/// Measured efficiencies that scale the ideal model (see `docs/model.md`).
public struct CalibrationSpec: Sendable, Equatable {
    /// Achieved fraction of peak MAC throughput on large GEMMs.
    public var computeFraction: Double
    /// Achieved fraction of peak off-chip bandwidth (streaming kernels: STREAM-like vector ops).
    public var offchipBandwidthFraction: Double
    /// Measured off-chip bandwidth of GEMM kernels streaming their operands (weights in
    /// small-batch decode) by operand size: (bytes of A + B + C, achieved fraction of peak)
    /// points, ascending, interpolated in log(bytes); empty uses `offchipBandwidthFraction`.
    public var gemmOffchipEfficiency: [(bytes: Double, fraction: Double)] = []
    /// Fixed time added to every op (kernel launch / dispatch).
    public var kernelLaunchOverheadSeconds: Double
    /// Measured dense-GEMM efficiency by format as a function of GEMM size: (GFLOP per GEMM,
    /// achieved fraction of peak) points, ascending; interpolated in log(GFLOP), clamped at the
    /// ends. Formats without a curve use `computeFraction`.
    public var gemmEfficiency: [NumberFormat: [(gflop: Double, fraction: Double)]] = [:]
    /// Achieved fraction of the chip links' bandwidth in large ring collectives (NCCL bus bandwidth / link peak).
    public var collectiveBandwidthFraction: Double = 1
    /// Measured collective efficiency by message size: (bytes, fraction of link bandwidth) points,
    /// ascending, interpolated in log(bytes); when present it replaces `collectiveBandwidthFraction`.
    public var collectiveEfficiency: [(bytes: Double, fraction: Double)] = []
    /// The serving stacks' small-message all-reduce; nil where the device has none measured.
    public var lowLatencyAllReduce: LowLatencyAllReduceSpec?
    /// The fused attention kernel's fixed time and KV-cache bandwidth; nil where none was measured.
    public var attentionKernel: AttentionKernelSpec?
    /// The MoE grouped GEMM's fixed time and efficiencies; nil uses the dense GEMM calibration.
    public var groupedGEMM: GroupedGEMMSpec?

    /// Collective bandwidth efficiency for a message of `bytes`.
    public func collectiveFraction(bytes: Double) -> Double {
        collectiveEfficiency.isEmpty ? collectiveBandwidthFraction : Self.interpolateInLog(collectiveEfficiency, at: bytes)
    }

    /// Achieved fraction of peak off-chip bandwidth of a GEMM whose operands total `bytes`.
    public func gemmOffchipFraction(bytes: Double) -> Double {
        gemmOffchipEfficiency.isEmpty ? offchipBandwidthFraction : Self.interpolateInLog(gemmOffchipEfficiency, at: bytes)
    }

    /// Piecewise-linear interpolation of (x, fraction) points (ascending x) in log(x), clamped at the ends.
    static func interpolateInLog(_ points: [(Double, fraction: Double)], at x: Double) -> Double {
        guard let first = points.first, let last = points.last else { return 1 }
        if x <= first.0 { return first.fraction }
        if x >= last.0 { return last.fraction }
        for (a, b) in zip(points, points.dropFirst()) where x <= b.0 {
            let t = (log(x) - log(a.0)) / (log(b.0) - log(a.0))
            return a.fraction + t * (b.fraction - a.fraction)
        }
        return last.fraction
    }

    public init(computeFraction: Double, offchipBandwidthFraction: Double, kernelLaunchOverheadSeconds: Double,
                gemmEfficiency: [NumberFormat: [(gflop: Double, fraction: Double)]] = [:], collectiveBandwidthFraction: Double = 1) {
        self.computeFraction = computeFraction
        self.offchipBandwidthFraction = offchipBandwidthFraction
        self.kernelLaunchOverheadSeconds = kernelLaunchOverheadSeconds
        self.gemmEfficiency = gemmEfficiency
        self.collectiveBandwidthFraction = collectiveBandwidthFraction
    }

    public static let ideal = CalibrationSpec(computeFraction: 1, offchipBandwidthFraction: 1, kernelLaunchOverheadSeconds: 0)

    /// The GEMM efficiency for a GEMM of `gflop` in `format` (log-linear interpolation of the curve).
    public func gemmFraction(_ format: NumberFormat, gflop: Double) -> Double {
        guard let points = gemmEfficiency[format], !points.isEmpty else { return computeFraction }
        return Self.interpolateInLog(points, at: gflop)
    }

    public static func == (lhs: CalibrationSpec, rhs: CalibrationSpec) -> Bool {
        lhs.computeFraction == rhs.computeFraction && lhs.offchipBandwidthFraction == rhs.offchipBandwidthFraction
            && lhs.gemmOffchipEfficiency.map(\.bytes) == rhs.gemmOffchipEfficiency.map(\.bytes)
            && lhs.gemmOffchipEfficiency.map(\.fraction) == rhs.gemmOffchipEfficiency.map(\.fraction)
            && lhs.kernelLaunchOverheadSeconds == rhs.kernelLaunchOverheadSeconds && lhs.collectiveBandwidthFraction == rhs.collectiveBandwidthFraction
            && lhs.lowLatencyAllReduce == rhs.lowLatencyAllReduce && lhs.attentionKernel == rhs.attentionKernel
            && lhs.groupedGEMM == rhs.groupedGEMM
            && lhs.collectiveEfficiency.map(\.bytes) == rhs.collectiveEfficiency.map(\.bytes)
            && lhs.collectiveEfficiency.map(\.fraction) == rhs.collectiveEfficiency.map(\.fraction)
            && lhs.gemmEfficiency.keys == rhs.gemmEfficiency.keys
            && lhs.gemmEfficiency.allSatisfy { key, points in
                let other = rhs.gemmEfficiency[key]!
                return points.count == other.count && zip(points, other).allSatisfy { $0.gflop == $1.gflop && $0.fraction == $1.fraction }
            }
    }
}

/// Physical facts the area and cost models need beyond the performance description.
public struct SiliconSpec: Sendable, Equatable {
    /// The package class: one of the classes of the TCO file's `package.classes`, or `auto`
    /// (the default): the cheapest class that holds the design (`PackagingModel`).
    public enum Package: String, CaseIterable, Sendable {
        case organic
        case cowosS = "cowos-s"
        case cowosL = "cowos-l"
        case soicCowos = "soic-cowos"
        case auto
    }

    /// Compute dies in the package.
    public var dies: Int
    /// Die-to-die links per die (multi-die designs).
    public var dieToDieLinks: Int
    /// Units on the silicon, including ones disabled for yield (nil: all enabled).
    public var physicalUnits: Int?
    /// Memory PHYs on the silicon, including unused ones (nil: as many as stacks; 0: the die reaches
    /// its DRAM through another chip).
    public var physicalMemoryStacks: Int?
    public var package: Package
    /// Published die area, for cross-checks.
    public var publishedDieAreaMM2: Double?

    public static let `default` = SiliconSpec(dies: 1, dieToDieLinks: 0, physicalUnits: nil, physicalMemoryStacks: nil,
                                              package: .auto, publishedDieAreaMM2: nil)
}

/// How a design is priced (`price` object of a hardware file, `docs/hardware-format.md`), and the
/// design NRE amortised into its manufacturing cost.
///
/// - `list`: the published unit price (`default_usd`, with the `low_usd`…`high_usd` range of the
///   estimates); GPUs, whose prices are public.
/// - `cost-plus`: price = manufacturing cost × `margin` (gross margin 1 − 1/margin); a new chip
///   whose price is not public. Without `margin`, the TCO file's `silicon.spu_price_margin`.
///
/// `nreUSD` (design NRE: architecture, verification, software) and `volumeUnits` (units it and
/// the mask set are spread over) enter the manufacturing cost under either policy; nil takes the
/// TCO file's `silicon.nre_usd` and `silicon.volume_units`. A design without a `price` object is
/// cost-plus with every value from the TCO file.
public struct PriceSpec: Sendable, Equatable {
    public enum Policy: String, CaseIterable, Sendable {
        case list
        case costPlus = "cost-plus"
    }

    public var policy: Policy
    /// Published range and chosen default (policy `list`; nil for `cost-plus`).
    public var lowUSD: Double?
    public var defaultUSD: Double?
    public var highUSD: Double?
    /// Price over manufacturing cost (policy `cost-plus`; nil: the TCO file's).
    public var margin: Double?
    /// Design NRE in USD (nil: the TCO file's).
    public var nreUSD: Double?
    /// Units over which NRE and masks are amortised (nil: the TCO file's).
    public var volumeUnits: Double?

    public init(policy: Policy, lowUSD: Double? = nil, defaultUSD: Double? = nil, highUSD: Double? = nil, margin: Double? = nil,
                nreUSD: Double? = nil, volumeUnits: Double? = nil) {
        self.policy = policy
        self.lowUSD = lowUSD
        self.defaultUSD = defaultUSD
        self.highUSD = highUSD
        self.margin = margin
        self.nreUSD = nreUSD
        self.volumeUnits = volumeUnits
    }

    /// A published price range (policy `list`).
    public static func list(lowUSD: Double, defaultUSD: Double, highUSD: Double, nreUSD: Double? = nil, volumeUnits: Double? = nil) -> PriceSpec {
        PriceSpec(policy: .list, lowUSD: lowUSD, defaultUSD: defaultUSD, highUSD: highUSD, nreUSD: nreUSD, volumeUnits: volumeUnits)
    }

    /// Manufacturing cost × `margin` (policy `cost-plus`; nil margin: the TCO file's).
    public static func costPlus(margin: Double? = nil, nreUSD: Double? = nil, volumeUnits: Double? = nil) -> PriceSpec {
        PriceSpec(policy: .costPlus, margin: margin, nreUSD: nreUSD, volumeUnits: volumeUnits)
    }
}
