import SPUCore
import SPUFormats
import SPUHardware
import SPUPerformance

/// Prices activity counts: MACs by format (MAC cost model), vector ops (an FP32 FMA each), SRAM
/// bytes (Horowitz 10·√(bank/8 KB) pJ per 64 bits, scaled to the node), NoC byte-hops (wire
/// energy over the tile pitch plus a router traversal per hop; on a crossbar, half the die's edge
/// of wire), off-chip bytes (pJ/bit of the memory type) and chip-link bytes (SerDes pJ/bit), all
/// times the dynamic-energy calibration of `ModelParameters`.
public struct EnergyModel: Sendable {
    let macEnergyPJ: [NumberFormat: Double]
    let vectorOpPJ: Double
    let localSRAMPJPerByte: Double
    let sharedSRAMPJPerByte: Double
    let nocPJPerByteHop: Double
    let offchipPJPerByte: Double
    let chipLinkPJPerByte: Double
    /// Leakage power of one chip: the node's W/mm² times the chip's silicon area.
    public let staticPowerW: Double

    public init(device: DeviceSpec, technology: TechnologySpec, memory: MemoryTechnology, parameters: ModelParameters, area: AreaBreakdown) {
        let macModel = MACCostModel(areaFactor: technology.areaFactorVs45nm, energyFactor: technology.energyFactorVs45nm)
        let k = parameters.dynamicEnergyCalibration
        var macs: [NumberFormat: Double] = [:]
        for format in device.compute.macArray.supportedFormats { macs[format] = macModel.cost(of: format).energyPJ * k }
        macEnergyPJ = macs
        let e = technology.energyFactorVs45nm * k
        vectorOpPJ = MACCostModel.fp32FMA.energyPJ * e
        localSRAMPJPerByte = 8 * MACCostModel.sramPJPerBit45nm(bankBytes: min(parameters.localSRAMBankBytes, device.memory.localSRAM.capacityBytes)) * e
        let sharedBank = min(parameters.sharedSRAMBankBytes, device.memory.sharedSRAM?.capacityBytes ?? parameters.sharedSRAMBankBytes)
        sharedSRAMPJPerByte = 8 * MACCostModel.sramPJPerBit45nm(bankBytes: sharedBank) * e
        let units = Double(device.silicon.physicalUnits ?? device.compute.unitCount)
        let hopMM = device.noc.topology == .crossbar ? area.effectivePerDieMM2.squareRoot() / 2 : (area.effectiveTotalMM2 / units).squareRoot()
        nocPJPerByteHop = 8 * (technology.wirePJPerBitPerMM * hopMM + technology.routerPJPerBitPerHop) * k
        offchipPJPerByte = 8 * (memory.memoryTypes[device.memory.offchip.type.rawValue]?.pjPerBit ?? 0) * k
        chipLinkPJPerByte = 8 * memory.chipLinkPJPerBit * k
        staticPowerW = technology.leakageWattsPerMM2 * area.effectiveTotalMM2
    }

    /// Energy of one set of activity counts.
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
