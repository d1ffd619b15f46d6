import SPUCore
import SPUFormats
import SPUHardware

public struct AreaModel: Sendable {
    public let technology: TechnologySpec
    public let parameters: ModelParameters
    let macModel: MACCostModel

    public init(technology: TechnologySpec, parameters: ModelParameters) {
        self.technology = technology
        self.parameters = parameters
        self.macModel = MACCostModel(areaFactor: technology.areaFactorVs45nm, energyFactor: technology.energyFactorVs45nm)
    }

    /// Area of one processing element: the sum over its datapaths of the costliest format sharing
    /// it (`MACArraySpec.datapathGroups`: declared `shared_datapaths`, else one datapath per
    /// arithmetic family), each format at its packing and with its declared accumulator.
    func peAreaUM2(_ array: MACArraySpec) -> Double {
        array.datapathGroups.reduce(0) { sum, group in
            sum + (group.map { Double(array.packing($0)) * macModel.cost(of: $0, accumulator: array.accumulator(for: $0)).areaUm2 }.max() ?? 0)
        }
    }

    /// SRAM macro area for `bytes` at `efficiency` × the node's macro density.
    func sramMM2(bytes: Double, efficiency: Double = 1) -> Double {
        bytes * 8 / (technology.sramMacroDensityMbitPerMM2 * efficiency * Units.mebi)
    }

    /// The itemised area of `device` and, for a real chip, its published total.
    ///
    /// GPUs and SPUs take their compute overhead (everything in an SM or tile beyond the MAC
    /// arrays and vector lanes) from a factor fitted on published die areas of chips of their kind
    /// (`ModelParameters`). No such fit exists for CPUs, whose cores spend most of their area on
    /// out-of-order machinery, branch prediction and caches the model does not itemise; a CPU
    /// states its published die area (the decoder requires it) and its compute overhead is the
    /// residual that makes the breakdown add up to that area (never below zero), so the
    /// modelled and published totals agree by construction and no CPU validates the area model.
    public func area(of device: DeviceSpec) -> AreaBreakdown {
        let silicon = device.silicon
        let units = Double(silicon.physicalUnits ?? device.compute.unitCount)
        let array = device.compute.macArray
        let macArrays = units * Double(array.rows * array.cols) * peAreaUM2(array) / 1e6
        let fma = MACCostModel.fp32FMA.areaUm2 * technology.areaFactorVs45nm
        let vector = units * Double(device.compute.vectorUnit.lanes) * fma / 1e6
        // An SPU's tile SRAM reaches `spuSRAMArrayEfficiency` of the macro density; shared SRAM, GPU and CPU SRAM the macro density.
        let local = units * sramMM2(bytes: device.memory.localSRAM.capacityBytes,
                                    efficiency: device.kind == .spu ? parameters.spuSRAMArrayEfficiency : 1)
        let shared = device.memory.sharedSRAM.map { sramMM2(bytes: $0.capacityBytes) } ?? 0
        // Routers: a mesh/torus router has 5 ports (4 neighbours + the tile); a crossbar port pair
        // (to and from L2) per unit.
        let ports: Double = device.noc.topology == .crossbar ? 2 : 5
        let noc = units * ports * device.noc.linkBytesPerCycle * technology.routerMM2PerPortByte
        let stacks = Double(silicon.physicalMemoryStacks ?? device.memory.offchip.stacks)
        let isHBM = device.memory.offchip.type.rawValue.hasPrefix("hbm")
        let memoryPhy = stacks * (isHBM ? technology.hbmPhyMM2PerStack : technology.dramPhyMM2PerChannel)
        let chipLinks = Double(device.chipLinks.count) * technology.chipLinkPhyMM2PerLink
        let d2d = silicon.dies > 1 ? Double(silicon.dies * silicon.dieToDieLinks) * technology.dieToDiePhyMM2PerLink : 0
        let rest = macArrays + vector + local + shared + noc + memoryPhy + chipLinks + d2d
        let fixedIO = parameters.fixedIOMM2 * Double(silicon.dies)
        let computeOverhead: Double
        switch device.kind {
        case .gpu: computeOverhead = (macArrays + vector) * (parameters.gpuComputeOverheadFactor - 1)
        case .spu: computeOverhead = (macArrays + vector) * (parameters.spuComputeOverheadFactor - 1)
        case .cpu:
            // Residual to the published area A: (rest + overhead) × (1 + control fraction) + fixed I/O = A.
            let published = silicon.publishedDieAreaMM2 ?? 0
            computeOverhead = max(0, (published - fixedIO) / (1 + parameters.controlIOFraction) - rest)
        }
        let itemised = rest + computeOverhead
        let controlIO = itemised * parameters.controlIOFraction + fixedIO
        return AreaBreakdown(macArraysMM2: macArrays, vectorUnitsMM2: vector, computeOverheadMM2: computeOverhead,
                             localSRAMMM2: local, sharedSRAMMM2: shared, nocMM2: noc, memoryPhyMM2: memoryPhy,
                             chipLinkPhyMM2: chipLinks, dieToDiePhyMM2: d2d, controlIOMM2: controlIO, dies: silicon.dies,
                             publishedTotalMM2: silicon.publishedDieAreaMM2)
    }
}
