/// What the mapper minimises when it picks one mapping (spatial split and local tiling) of a
/// matmul among the candidates of its mapping space.
public enum MappingObjective: String, CaseIterable, Sendable, Hashable {
    /// Op latency; ties (within 1e-12 relative) go to the mapping that moves fewer bytes.
    case latency
    /// Dynamic energy of the op as the energy model prices its activity counts.
    case energy
    /// Energy × latency of the op.
    case edp

    /// Whether the objective needs the activity counts priced in joules.
    public var needsEnergy: Bool { self != .latency }
}

/// A design's preference for how its matmuls are mapped (the optional `mapping` block of the
/// hardware description). Overridden by `spusim run --mapping-objective` and by a sweep's
/// `mapping_objective`.
public struct MappingSpec: Sendable, Equatable {
    public var objective: MappingObjective

    public init(objective: MappingObjective) { self.objective = objective }
}
