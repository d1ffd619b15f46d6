/// A mapping of one GEMM onto the chip: how its dimensions are spread over the units
/// (spatial split) and how each unit tiles its share through local SRAM.
public struct Mapping: Sendable, Equatable, CustomStringConvertible {
    /// Units along batch, M, N and K. K > 1 means partial sums are reduced over the NoC.
    public var splitBatch: Int
    public var splitM: Int
    public var splitN: Int
    public var splitK: Int
    /// The local-SRAM tiling of one unit's share.
    public var local: TileTraffic

    public var unitsUsed: Int { splitBatch * splitM * splitN * splitK }

    public var description: String {
        "split b\(splitBatch)·m\(splitM)·n\(splitN)·k\(splitK); tile \(local.tileM)x\(local.tileN)x\(local.tileK) \(local.stationary.rawValue)-stationary"
    }
}

/// Bounds on the mapping search. The search enumerates spatial splits in a fixed order, prunes
/// those that cannot beat the best found so far, and stops after `budget` evaluated candidates,
/// keeping the best so far: it never hangs on a large mapspace.
public struct MappingSearchOptions: Sendable, Equatable {
    public var budget: Int

    public init(budget: Int = 4096) { self.budget = max(1, budget) }
}
