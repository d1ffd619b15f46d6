/// The accepted range of every number of a hardware description (`configs/chips/`,
/// `configs/gpus/`, `configs/cpus/`), checked where the file is read (`DeviceSpec.decode`).
///
/// Each range is far wider than any buildable chip; its job is to keep the model's arithmetic
/// exact and finite: integer products (units × MACs per cycle, mesh rows × cols) stay below 2^63,
/// and every rate and size stays between about 1e-12 and 1e15 of its unit, so that products of a
/// few of them (bytes × seconds × dollars) cannot overflow or underflow a `Double`. The table in
/// `docs/limits.md` lists them with these reasons.
public enum HardwareLimits {
    // MARK: Compute

    /// Rows or columns of a mesh of tiles: a 4096 × 4096 mesh is 16 M tiles, 100× any wafer-scale
    /// design (Cerebras WSE-3: ~900 k cores). Bounds the per-column placement table and its loops.
    public static let meshSide = 1...4096
    /// Units of a pool (GPU SMs) and physical units on the silicon: at most a 4096 × 4096 mesh's
    /// worth (2^24; the largest GPU has 192 SMs). Bounds the harvest-yield sum over spare units.
    public static let units = 1...(1 << 24)
    /// Rows or columns of one unit's MAC array: 4096 × 4096 PEs is 256× a TPU's 256 × 256 array.
    public static let macArraySide = 1...4096
    /// MACs per cycle per unit in one format: 2^32 is 16 M PEs packing 256 MACs each.
    /// With `units` ≤ 2^24, units × MACs per cycle ≤ 2^56 cannot overflow `Int`.
    public static let macsPerCycle = 1...(1 << 32)
    /// Vector lanes per unit (2^20; real units have 16–128).
    public static let vectorLanes = 1...(1 << 20)
    /// Vector operations per lane per cycle: 1/1000 (a lane that takes 1000 cycles per op) to
    /// 1024 (a lane fusing 1024 ops). A value such as 5e-324 would make every vector op take
    /// infinite time.
    public static let opsPerLanePerCycle = 0.001...1024.0
    /// Clock in GHz: 10 MHz to 100 GHz (real accelerators run at 0.5–3 GHz).
    public static let clockGHz = 0.01...100.0
    /// Thermal design power in watts: 1 mW (a sensor-class NPU) to 1 MW (40× a wafer-scale system).
    public static let tdpWatts = 0.001...1e6

    // MARK: Memory

    /// Local SRAM per unit in KiB: 1/1000 KiB to 1e9 KiB (1 TB per unit; real: 64 KiB–1 MiB).
    public static let localCapacityKiB = 0.001...1e9
    /// Shared SRAM in MiB: 1/1000 MiB to 1e9 MiB (1 PB; real: 40–256 MiB, wafer-scale 44 GB).
    public static let sharedCapacityMiB = 0.001...1e9
    /// SRAM and NoC bandwidths in bytes per cycle: 1/1000 to 1e9 (real: 64–11 000).
    public static let bytesPerCycle = 0.001...1e9
    /// Latencies in cycles (SRAM, NoC hops): 0 to 1e9 (one second at 1 GHz).
    public static let latencyCycles = 0.0...1e9
    /// Off-chip stacks or channels: 4096 (real: 5–12 HBM stacks, up to 32 DDR channels).
    public static let memoryStacks = 1...4096
    /// Memory PHYs on the silicon: 0 (a die that reaches its DRAM through another chip, as
    /// Graphcore's GC200 and Tesla's D1 do) to 4096.
    public static let physicalMemoryStacks = 0...4096
    /// Capacity per stack in GB: 1 kB to 1 PB (real: 8–64 GB).
    public static let capacityGBPerStack = 1e-6...1e6
    /// Bandwidth per stack, or per chip link and direction, in GB/s: 1 kB/s to 1 PB/s (real: 25–2000).
    public static let bandwidthGBPerSecond = 1e-6...1e6
    /// Off-chip latency in ns: 0 to 1e9 (one second; real: 100–700 ns).
    public static let latencyNanoseconds = 0.0...1e9

    // MARK: Links, silicon, price

    /// Chip-to-chip links per chip: 0 to 65 536 (real: up to 24).
    public static let chipLinks = 0...65_536
    /// Latencies in µs (chip links, kernel launch, fitted kernel times): 0 to 1e9 µs (~17 minutes).
    public static let latencyMicroseconds = 0.0...1e9
    /// Dies per package: 1 to 1024 (real: 1–8 compute dies).
    public static let dies = 1...1024
    /// Die-to-die links per die: 0 to 1024 (real: 0–4).
    public static let dieToDieLinks = 0...1024
    /// Published silicon area in mm²: 1/1000 mm² to 1e6 mm² (14× a 300 mm wafer).
    public static let dieAreaMM2 = 0.001...1e6
    /// Unit price in US dollars: 1 cent to 1e9 USD (real accelerators: 10–40 kUSD; a wafer-scale system ~3 MUSD).
    public static let priceUSD = 0.01...1e9
    /// Price over manufacturing cost (`price.margin`, and the TCO file's default): 1/1000 to 1000
    /// (real: 1.2–10; merchant GPUs ~7–10, custom ASICs ~1.5–3).
    public static let priceMargin = 0.001...1000.0
    /// Design NRE in US dollars (`price.nre_usd`, and the TCO file's default): 0 to 1e12 (real: up to ~1e9).
    public static let nreUSD = 0.0...1e12
    /// Units over which NRE and masks are spread (`price.volume_units`, and the TCO file's default): 1 to 1e12.
    public static let volumeUnits = 1.0...1e12

    // MARK: Calibration

    /// Message or operand sizes in bytes of the calibration curves and the low-latency all-reduce:
    /// 1 byte to 1e15 bytes (1 PB).
    public static let calibrationBytes = 1.0...1e15
    /// GEMM sizes in GFLOP of the GEMM efficiency curves: 1e-9 GFLOP (one FLOP) to 1e12 GFLOP.
    public static let calibrationGFLOP = 1e-9...1e12
    /// The grouped GEMM's overlap exponent p of (cᵖ + dᵖ)^(1/p): 1 to 16. Beyond 16 the p-norm
    /// of second-scale times overflows or underflows a `Double` (real fits: 2–2.5).
    public static let overlapExponent = 1.0...16.0
}
