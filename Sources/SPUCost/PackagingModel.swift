import Foundation
import SPUCore
import SPUHardware

/// What `PackagingModel` found for one design: the package class, the interposer area, the
/// package cost (without test), the HBM shoreline it needs and has, and every rule it breaks.
public struct PackagingResult: Sendable, Equatable {
    /// The declared class, or the one `auto` chose (when none fits: the largest `auto` class
    /// that could carry the memory, reported with the reason).
    public var packageClass: SiliconSpec.Package
    /// Whether the class was chosen by `auto`.
    public var chosenAutomatically: Bool
    /// Interposer area: (dies + HBM stack footprints) × spacing factor, mm². For an organic
    /// package (no interposer) the same rule gives the area the dies take on the substrate.
    public var interposerAreaMM2: Double
    /// The class's cost at this area and stack count, USD (test is separate, in the TCO file).
    public var packageUSD: Double
    /// HBM stacks placed beside the dies (physical stacks, 0 for DRAM on the board).
    public var hbmStacks: Int
    /// Die edge the HBM stacks need, mm (stacks × pitch).
    public var shorelineNeededMM: Double
    /// Die edge that can face HBM, mm (dies × HBM edges × longest die edge).
    public var shorelineAvailableMM: Double
    /// Stacks the dies' HBM edges can hold (whole stacks per edge).
    public var hbmStackCapacity: Int
    /// Why the design cannot be built (empty when it can).
    public var reasons: [String]

    public var buildable: Bool { reasons.isEmpty }
}

/// Buildability and package cost of a design: the reticle limit per die, the HBM shoreline
/// (each stack needs die edge; a die offers its long edges), and the interposer area, which
/// decides the package class (organic, CoWoS-S, CoWoS-L, SoIC + CoWoS) and its cost.
///
/// Rules (`docs/cost-model.md`, "Packaging"; parameters and their sources in the TCO file's
/// `package` section):
/// - reticle: a die over the node's reticle limit cannot be exposed;
/// - shoreline: a die of area A takes the longest edge its floorplan allows,
///   L = min(√(A × max aspect ratio), reticle long side); each of its `hbm_edges_per_die` edges
///   holds ⌊L / pitch⌋ stacks; the design needs its physical HBM stacks to fit on all its dies;
/// - interposer: (Σ die area + stacks × stack footprint) × spacing factor must not exceed the
///   class's limit, and only classes with a silicon interposer or bridge carry HBM;
/// - cost: base + $/mm² × interposer area + $/stack × stacks of the class; `auto` picks the
///   cheapest `auto` class that fits.
public struct PackagingModel: Sendable {
    public let parameters: PackagingParameters

    public init(parameters: PackagingParameters) {
        self.parameters = parameters
    }

    /// The longest edge a die of `areaMM2` may have: at the maximum aspect ratio, capped by the
    /// reticle's long side.
    public func longestDieEdgeMM(areaMM2: Double) -> Double {
        min((areaMM2 * parameters.maxDieAspectRatio).squareRoot(), parameters.maxDieEdgeMM)
    }

    public func evaluate(device: DeviceSpec, area: AreaBreakdown, technology: TechnologySpec) -> PackagingResult {
        let p = parameters
        var reasons: [String] = []
        let dieArea = area.effectivePerDieMM2
        let dies = area.dies
        if dieArea > technology.wafer.reticleLimitMM2 {
            reasons.append("die area \(JSONWriter.formatNumber(dieArea.rounded())) mm² exceeds the \(JSONWriter.formatNumber(technology.wafer.reticleLimitMM2)) mm² reticle limit; declare more dies in silicon.dies")
        }

        // HBM shoreline.
        let memory = device.memory.offchip
        let stack = memory.type.isHBM ? p.hbmStacks[memory.type] : nil
        let stacks = stack == nil ? 0 : (device.silicon.physicalMemoryStacks ?? memory.stacks)
        let edge = longestDieEdgeMM(areaMM2: dieArea)
        let edges = dies * p.hbmEdgesPerDie
        let perEdge = stack.map { Int((edge / $0.edgeMM + 1e-9).rounded(.down)) } ?? 0
        let capacity = edges * perEdge
        let needed = Double(stacks) * (stack?.edgeMM ?? 0)
        if let stack, stacks > capacity {
            let dieText = dies == 1 ? "the \(mm2(dieArea)) mm² die offers" : "the \(dies) dies of \(mm2(dieArea)) mm² offer"
            reasons.append("\(stacks) \(memory.type.rawValue.uppercased()) stacks need \(mm(needed)) mm of die edge (\(mm(stack.edgeMM)) mm each); "
                           + "\(dieText) \(edges) edges of \(mm(edge)) mm, room for \(capacity) stack\(capacity == 1 ? "" : "s"); "
                           + "use fewer stacks, more die area or more dies")
        }

        // Interposer area, class and cost.
        let interposer = (area.effectiveTotalMM2 + Double(stacks) * (stack?.footprintMM2 ?? 0)) * p.interposerSpacingFactor
        let areaText = "the interposer needs \(mm2(interposer)) mm² ((\(mm2(area.effectiveTotalMM2)) mm² of dies"
            + (stacks > 0 ? " + \(stacks) HBM stacks × \(mm2(stack?.footprintMM2 ?? 0)) mm²" : "") + ") × \(JSONWriter.formatNumber(p.interposerSpacingFactor)) spacing)"
        let declared = device.silicon.package
        let chosen: SiliconSpec.Package
        if declared == .auto {
            let candidates = p.orderedClasses.filter { $0.1.auto && (stacks == 0 || $0.1.carriesHBM) }
            let fitting = candidates.filter { interposer <= $0.1.maxInterposerMM2 }
            if let best = fitting.min(by: { $0.1.costUSD(interposerMM2: interposer, hbmStacks: stacks) < $1.1.costUSD(interposerMM2: interposer, hbmStacks: stacks) }) {
                chosen = best.0
            } else if let largest = candidates.max(by: { $0.1.maxInterposerMM2 < $1.1.maxInterposerMM2 }) {
                chosen = largest.0
                reasons.append("\(areaText); the largest package class, \(largest.0.rawValue), holds \(mm2(largest.1.maxInterposerMM2)) mm²")
            } else {
                // Only when no `auto` class carries HBM: report the first HBM-capable class.
                chosen = p.orderedClasses.first { $0.1.carriesHBM }?.0 ?? p.orderedClasses.first?.0 ?? .cowosS
                reasons.append("no package class the TCO file lets \"auto\" choose carries HBM stacks")
            }
        } else if let spec = p.classes[declared] {
            chosen = declared
            if stacks > 0, !spec.carriesHBM {
                reasons.append("package class \(declared.rawValue) cannot carry HBM stacks (they need a silicon interposer or bridge); declare a class that does, or \"auto\"")
            }
            if interposer > spec.maxInterposerMM2 {
                reasons.append("\(areaText); package class \(declared.rawValue) holds at most \(mm2(spec.maxInterposerMM2)) mm²; declare a larger class, or \"auto\"")
            }
        } else {
            // `PackagingParameters.decode` requires every class; only hand-built parameters lack one.
            chosen = declared
            reasons.append("package class \(declared.rawValue) has no entry in the TCO file's package.classes")
        }
        let cost = p.classes[chosen]?.costUSD(interposerMM2: interposer, hbmStacks: stacks) ?? .nan
        return PackagingResult(packageClass: chosen, chosenAutomatically: declared == .auto, interposerAreaMM2: interposer,
                               packageUSD: cost, hbmStacks: stacks, shorelineNeededMM: needed,
                               shorelineAvailableMM: Double(edges) * edge, hbmStackCapacity: capacity, reasons: reasons)
    }

    private func mm(_ x: Double) -> String { JSONWriter.formatNumber((x * 10).rounded() / 10) }
    private func mm2(_ x: Double) -> String { JSONWriter.formatNumber(x.rounded()) }
}
