import SPUCore
import SPUFormats
import SPUHardware
import SPUPerformance

/// Prices activity counts at the nominal supply: MACs by format (MAC cost model), vector ops (an
/// FP32 FMA each), SRAM bytes (Horowitz 10·√(bank/8 KB) pJ per 64 bits, scaled to the node), NoC
/// byte-hops (wire energy over the tile pitch plus a router traversal per hop; on a crossbar,
/// half the die's edge of wire), each times its class's calibration factor (`EnergyCalibration`);
/// off-chip bytes at the memory type's device figure and chip-link bytes at the SerDes figure,
/// both including PHY and controller and never calibrated. `DesignEvaluator` scales the
/// core-supply components by (V/V_nom)² at a throttled operating point.
public struct EnergyModel: Sendable {
    let macEnergyPJ: [NumberFormat: Double]
    let vectorOpPJ: Double
    let localSRAMPJPerByte: Double
    let sharedSRAMPJPerByte: Double
    let nocPJPerByteHop: Double
    let offchipPJPerByte: Double
    let chipLinkPJPerByte: Double
    /// Leakage of one chip at the nominal supply and the temperature the node quotes it at: the
    /// node's W/mm² times the chip's silicon area.
    let referenceLeakageW: Double
    /// Leakage power of one chip at the nominal supply and the node's junction temperature
    /// (stored: the mapping search's energy objective charges it for every candidate).
    public let staticPowerW: Double
    /// The node's voltage and leakage behaviour.
    public let supply: SupplyPowerSpec

    public init(device: DeviceSpec, technology: TechnologySpec, memory: MemoryTechnology, parameters: ModelParameters, area: AreaBreakdown) {
        let macModel = MACCostModel(areaFactor: technology.areaFactorVs45nm, energyFactor: technology.energyFactorVs45nm)
        let k = parameters.energyCalibration
        var macs: [NumberFormat: Double] = [:]
        let array = device.compute.macArray
        for format in array.supportedFormats { macs[format] = macModel.cost(of: format, accumulator: array.accumulator(for: format)).energyPJ * k.logic }
        macEnergyPJ = macs
        let node = technology.energyFactorVs45nm
        vectorOpPJ = MACCostModel.fp32FMA.energyPJ * node * k.logic
        localSRAMPJPerByte = 8 * MACCostModel.sramPJPerBit45nm(bankBytes: min(parameters.localSRAMBankBytes, device.memory.localSRAM.capacityBytes)) * node * k.localSRAM
        let sharedBank = min(parameters.sharedSRAMBankBytes, device.memory.sharedSRAM?.capacityBytes ?? parameters.sharedSRAMBankBytes)
        sharedSRAMPJPerByte = 8 * MACCostModel.sramPJPerBit45nm(bankBytes: sharedBank) * node * k.sharedSRAM
        let units = Double(device.silicon.physicalUnits ?? device.compute.unitCount)
        let hopMM = device.noc.topology == .crossbar ? area.effectivePerDieMM2.squareRoot() / 2 : (area.effectiveTotalMM2 / units).squareRoot()
        nocPJPerByteHop = 8 * (technology.wirePJPerBitPerMM * hopMM + technology.routerPJPerBitPerHop) * k.wires
        offchipPJPerByte = 8 * (memory.memoryTypes[device.memory.offchip.type.rawValue]?.effectivePJPerBit ?? 0)
        chipLinkPJPerByte = 8 * memory.chipLinkPJPerBit
        supply = technology.power
        referenceLeakageW = technology.leakageWattsPerMM2 * area.effectiveTotalMM2
        staticPowerW = referenceLeakageW * technology.power.leakageScale(atVoltage: technology.power.nominalVoltageV)
    }

    /// Leakage power of one chip at core supply `voltageV` and the node's junction temperature.
    public func staticPowerW(atVoltage voltageV: Double) -> Double { referenceLeakageW * supply.leakageScale(atVoltage: voltageV) }



    /// Off-chip memory energy per bit transferred, pJ (device, PHY and controller).
    public var offchipPJPerBit: Double { offchipPJPerByte / 8 }
    /// Chip-link (SerDes) energy per bit sent, pJ.
    public var chipLinkPJPerBit: Double { chipLinkPJPerByte / 8 }

    /// Energy of one set of activity counts at the nominal supply.
    public func energy(_ a: ActivityCounts) -> EnergyBreakdown {
        var out = EnergyBreakdown()
        for (format, count) in a.macsByFormat { out.macJ += count * (macEnergyPJ[format] ?? 0) * 1e-12 }
        out.vectorJ = a.vectorOps * vectorOpPJ * 1e-12
        out.localSRAMJ = (a.localSRAMReadBytes + a.localSRAMWriteBytes) * localSRAMPJPerByte * 1e-12
        out.sharedSRAMJ = (a.sharedSRAMReadBytes + a.sharedSRAMWriteBytes) * sharedSRAMPJPerByte * 1e-12
        out.nocJ = a.nocByteHops * nocPJPerByteHop * 1e-12
        out.offchipJ = (a.offchipReadBytes + a.offchipWriteBytes) * offchipPJPerByte * 1e-12
        out.chipLinkJ = a.chipLinkBytes * chipLinkPJPerByte * 1e-12
        return out
    }
}
