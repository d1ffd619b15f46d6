import SPUHardware

/// The accepted range of every number of the cost inputs: process-node files and the memory
/// table (`configs/tech/`), the model parameters (`configs/tech/model-parameters.json`) and the
/// TCO parameters (`configs/tco/`), checked where the files are read.
///
/// Each range is far wider than any real process or data centre; its job is to keep area,
/// energy, cost and TCO finite and non-negative: every value stays between about 1e-12 and 1e15
/// of its unit, so the products the cost model forms (price × factors × years, wafer area over
/// die area) cannot overflow a `Double`. The table in `docs/limits.md` lists them with these reasons.
public enum CostInputLimits {
    // MARK: Process nodes (configs/tech/<node>.json)

    /// Area and energy factors against the 45 nm anchors: 1e-4 (four orders of magnitude of
    /// scaling past 45 nm) to 100 (a process 100× worse than 45 nm). Real: 0.02–0.07.
    public static let scalingFactorVs45nm = 1e-4...100.0
    /// Leakage in W/mm²: 0 to 1000 (real: 0.05–0.1; 1000 W/mm² would melt any die).
    public static let leakageWattsPerMM2 = 0.0...1000.0
    /// Supply voltages in volts: 0.05 to 5 (real: 0.5–1.1).
    public static let supplyVoltageV = 0.05...5.0
    /// Threshold voltage in volts: 0 to 5 (real: 0.2–0.4); below the minimum supply, checked separately.
    public static let thresholdVoltageV = 0.0...5.0
    /// Alpha-power-law exponent: 1 (velocity saturated) to 2 (long channel).
    public static let alphaPowerLawExponent = 1.0...2.0
    /// Exponent of leakage power in supply voltage: 0 to 10 (real: 2–4).
    public static let leakageVoltageExponent = 0.0...10.0
    /// Junction temperatures in °C: −60 to 200 (real: 60–105).
    public static let junctionTemperatureC = -60.0...200.0
    /// Temperature rise that doubles leakage, °C: 1 to 1000 (real: 20–40).
    public static let leakageDoublingC = 1.0...1000.0
    /// SRAM macro density in Mbit/mm²: 1/1000 to 1e6 (real: 20–40).
    public static let sramDensityMbitPerMM2 = 0.001...1e6
    /// SRAM bit cell in µm²: 1e-6 to 1000 (real: 0.02–0.03).
    public static let bitcellUM2 = 1e-6...1000.0
    /// Wire and router energies in pJ per bit (per mm or per hop): 0 to 1e6 (real: 0.1–1).
    public static let picojoulesPerBit = 0.0...1e6
    /// Router area in mm² per port byte: 0 to 1000 (real: ~3e-4).
    public static let routerMM2PerPortByte = 0.0...1000.0
    /// PHY areas in mm² per stack, channel or link: 0 to 1e5 (more than a wafer; real: 1–11).
    public static let phyMM2 = 0.0...1e5
    /// Wafer price in USD: 1 to 1e9 (real: 3–25 kUSD).
    public static let waferPriceUSD = 1.0...1e9
    /// Wafer diameter in mm: 1 to 10 000 (real: 200 or 300).
    public static let waferDiameterMM = 1.0...10_000.0
    /// Edge exclusion in mm: 0 to 5000 (and less than the radius, checked separately).
    public static let edgeExclusionMM = 0.0...5000.0
    /// Defect density per cm²: 0 to 1000 (real: 0.05–0.5).
    public static let defectDensityPerCM2 = 0.0...1000.0
    /// Negative-binomial clustering α: 1/1000 to 1000 (real: 2–4).
    public static let clusteringAlpha = 0.001...1000.0
    /// Reticle limit in mm²: 1 to 1e6 (real: 858; high-NA 429).
    public static let reticleLimitMM2 = 1.0...1e6
    /// Fixed amounts in USD (mask set, NRE, package, test, server share): 0 to 1e12 (real: up to ~1e8).
    public static let amountUSD = 0.0...1e12

    // MARK: Memory table (configs/tech/memory.json)

    /// Memory and link energy in pJ per bit: 1e-6 to 1e6 (real: 0.4–20).
    public static let memoryPicojoulesPerBit = 1e-6...1e6
    /// Memory price in USD per GB: 1e-6 to 1e9 (real: 2–25).
    public static let usdPerGB = 1e-6...1e9

    // MARK: Model parameters (configs/tech/model-parameters.json)

    /// Compute overhead factor on MAC-array and vector area: 1 (no overhead) to 1000 (fitted: 18–34).
    /// Below 1 the overhead area would be negative.
    public static let computeOverheadFactor = 1.0...1000.0
    /// Fraction of the node's SRAM macro density an SPU's tile SRAM achieves: 1e-3 to 10 (real: 0.3–1.33;
    /// above 1 the SRAM is denser than the node file's derated macro figure).
    public static let sramArrayEfficiency = 0.001...10.0
    /// Multi-format PE overhead and control/IO fraction: 0 to 100 (real: 0.1).
    public static let areaFraction = 0.0...100.0
    /// Fixed I/O area per die in mm²: 0 to 1e5 (real: ~20).
    public static let fixedIOMM2 = 0.0...1e5
    /// SRAM bank size in bytes: 1 to 1e15 (real: 64 KiB–1 MiB).
    public static let bankBytes = 1.0...1e15
    /// Multiplier on a class of dynamic energy (logic, SRAM, wires): 1e-6 to 1e6 (real: 1–10).
    public static let energyCalibration = 1e-6...1e6

    // MARK: Packaging (the TCO file's `package` section)

    /// Die edges and stack pitches in mm: 1/1000 mm to 1e4 mm (10 m; real: 8–33 mm).
    public static let packageLengthMM = 0.001...1e4
    /// Stack footprints and interposer limits in mm²: 1/1000 mm² to 1e6 mm² (14× a 300 mm wafer;
    /// real: 90–5,000 mm²).
    public static let packageAreaMM2 = 0.001...1e6
    /// Package cost per mm² of interposer in USD: 0 to 1e6 (real: 0.1–0.5).
    public static let usdPerMM2 = 0.0...1e6
    /// Die edges that may face HBM: 1 to 4 (a rectangle has four).
    public static let hbmEdgesPerDie = 1...4
    /// A die's longest over shortest edge: 1 (square) to 100 (real: 1–2).
    public static let dieAspectRatio = 1.0...100.0
    /// Interposer area over the area of what it carries: 1 (no gaps) to 100 (real: 1.05–1.3).
    public static let interposerSpacingFactor = 1.0...100.0

    // MARK: TCO parameters (configs/tco/)

    /// Units built, over which NRE is spread: as a design's `price.volume_units` (`HardwareLimits`).
    public static let volumeUnits = HardwareLimits.volumeUnits
    /// Default cost-plus price over manufacturing cost: as a design's `price.margin` (`HardwareLimits`).
    public static let priceMargin = HardwareLimits.priceMargin
    /// Default design NRE: as a design's `price.nre_usd` (`HardwareLimits`).
    public static let nreUSD = HardwareLimits.nreUSD
    /// Fractions that may exceed 1 (network share of server capex, opex per year, cost of capital): 0 to 100.
    public static let costFraction = 0.0...100.0
    /// Wall power over accelerator TDP (and PUE): 1 (nothing else draws power) to 100 (real: 1.1–2).
    public static let powerRatio = 1.0...100.0
    /// Accelerators per server: 1 to 4096 (real: 4–72).
    public static let acceleratorsPerServer = 1...4096
    /// Facility capex in USD per MW of IT load: 0 to 1e12 (real: ~1e7).
    public static let usdPerMW = 0.0...1e12
    /// Depreciation periods in years: 0.01 (four days) to 1000 (real: 3–20).
    public static let years = 0.01...1000.0
    /// Electricity in USD per kWh: 0 to 1e6 (real: 0.03–0.3).
    public static let usdPerKWh = 0.0...1e6
    /// Peak-to-average load: 1 (flat) to 1000 (real: 1.5–3).
    public static let peakToAverage = 1.0...1000.0
}
