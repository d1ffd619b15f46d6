import SPUCore

/// Parameters of the area and energy models that are not technology constants
/// (`configs/tech/model-parameters.json`). The compute overhead factors and the SPU SRAM efficiency
/// are calibrations on published die areas: GPUs on A100 and H100, SPUs on published spatial chips
/// (see `docs/cost-model.md`, `docs/validation.md`).
public struct ModelParameters: Sendable, Equatable {
    /// Multiplier on a unit's modelled MAC-array and vector-unit area for what the part list does
    /// not itemise (instruction issue, register files, load/store, special functions), by kind.
    public var gpuComputeOverheadFactor: Double
    public var spuComputeOverheadFactor: Double
    /// Fraction of the node's SRAM macro density that an SPU's tile (local) SRAM achieves (fitted
    /// with the SPU factor on published spatial chips, `scripts/fit_spu_area.py`); shared SRAM and
    /// GPU SRAM are priced at the macro density, as the GPU factor was fitted that way.
    public var spuSRAMArrayEfficiency: Double
    /// Control, clocking, test and I/O as a fraction of the itemised die area, plus a fixed part.
    public var controlIOFraction: Double
    public var fixedIOMM2: Double
    /// SRAM bank sizes that set access energy (energy grows with √bank size).
    public var localSRAMBankBytes: Double
    public var sharedSRAMBankBytes: Double
    /// Factors on the bottom-up dynamic energies by class (logic, SRAM, wires), fitted on measured
    /// GPU power points; off-chip memory and chip links are not calibrated.
    public var energyCalibration: EnergyCalibration

    public static func decode(_ r: JSONObjectReader) throws(ConfigError) -> ModelParameters {
        r.expecting(["compute_overhead_factor", "spu_sram_array_efficiency", "control_io_fraction", "fixed_io_mm2",
                     "sram_bank_bytes", "dynamic_energy_calibration", "source"])
        let overhead = try r.object("compute_overhead_factor")
        overhead.expecting(["gpu", "spu", "source"])
        let sram = try r.object("spu_sram_array_efficiency")
        sram.expecting(["fraction", "source"])
        let banks = try r.object("sram_bank_bytes")
        banks.expecting(["local", "shared", "source"])
        let energy = try r.object("dynamic_energy_calibration")
        energy.expecting(EnergyClass.allCases.map(\.rawValue) + ["source"])
        var calibration = EnergyCalibration.none
        for energyClass in EnergyClass.allCases {
            calibration[energyClass] = try energy.number(energyClass.rawValue, in: CostInputLimits.energyCalibration)
        }
        let p = ModelParameters(
            gpuComputeOverheadFactor: try overhead.number("gpu", in: CostInputLimits.computeOverheadFactor),
            spuComputeOverheadFactor: try overhead.number("spu", in: CostInputLimits.computeOverheadFactor),
            spuSRAMArrayEfficiency: try sram.number("fraction", in: CostInputLimits.sramArrayEfficiency),
            controlIOFraction: try r.number("control_io_fraction", in: CostInputLimits.areaFraction), fixedIOMM2: try r.number("fixed_io_mm2", in: CostInputLimits.fixedIOMM2),
            localSRAMBankBytes: try banks.number("local", in: CostInputLimits.bankBytes), sharedSRAMBankBytes: try banks.number("shared", in: CostInputLimits.bankBytes),
            energyCalibration: calibration)
        for part in [overhead, sram, banks, energy] {
            _ = try part.source()
            try part.finish()
        }
        _ = try r.source()
        try r.finish()
        return p
    }
}
