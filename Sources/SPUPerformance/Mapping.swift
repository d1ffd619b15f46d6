import SPUHardware

/// A mapping of one GEMM onto the chip: how its dimensions are spread over the units
/// (spatial split) and how each unit tiles its share through local SRAM.
public struct Mapping: Sendable, Equatable, CustomStringConvertible {
    public var split: SpatialSplit
    /// The local-SRAM tiling of one unit's share.
    public var local: TileTraffic

    public init(split: SpatialSplit, local: TileTraffic) {
        self.split = split
        self.local = local
    }

    /// Units along batch, M, N and K. K > 1 means partial sums are reduced over the NoC.
    public var splitBatch: Int { split.batch }
    public var splitM: Int { split.m }
    public var splitN: Int { split.n }
    public var splitK: Int { split.k }

    public var unitsUsed: Int { split.unitsUsed }

    public var description: String {
        "split b\(splitBatch)·m\(splitM)·n\(splitN)·k\(splitK); tile \(local.tileM)x\(local.tileN)x\(local.tileK) \(local.stationary.rawValue)-stationary"
    }
}

/// Bounds and goal of the mapping search.
///
/// The search enumerates spatial splits in a fixed order and stops after `budget` candidates,
/// keeping the best so far: it never hangs on a large mapspace. Every objective sees the same
/// candidates (the first `budget` of the mapping space); only the latency objective prunes, as
/// compute time bounds latency from below but not energy.
public struct MappingSearchOptions: Sendable, Equatable {
    public var budget: Int
    /// What the search minimises; nil leaves it to the design (`mapping.objective`, else latency).
    public var objective: MappingObjective?
    /// Prices activity counts for the energy and EDP objectives (unused for latency).
    public var energyPricer: (any ActivityEnergyPricer)?

    public init(budget: Int = 4096, objective: MappingObjective? = nil, energyPricer: (any ActivityEnergyPricer)? = nil) {
        self.budget = max(1, budget)
        self.objective = objective
        self.energyPricer = energyPricer
    }

    /// The objective used for `device`: this search's, else the design's, else latency.
    public func objective(for device: DeviceSpec) -> MappingObjective {
        objective ?? device.mapping?.objective ?? .latency
    }

    public static func == (a: MappingSearchOptions, b: MappingSearchOptions) -> Bool {
        a.budget == b.budget && a.objective == b.objective && a.energyPricer?.priceKey == b.energyPricer?.priceKey
    }
}
