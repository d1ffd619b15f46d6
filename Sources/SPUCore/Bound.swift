/// Which resource limits an op's time. One list, used by the performance model (`BoundTimes`),
/// the results schema (`time_<bound>_s` columns), the JSON output (`time_by_bound_s`) and the
/// report's latency bars.
public enum Bound: String, CaseIterable, Sendable, Codable {
    /// The MAC arrays or vector units.
    case compute
    /// Local or shared SRAM bandwidth.
    case sram
    /// The on-chip network.
    case noc
    /// Off-chip memory bandwidth.
    case offchip
    /// Chip-to-chip links (collectives).
    case chiplink
    /// Fixed costs not hidden by overlap: kernel launch, first-tile latency, pipeline fill.
    case overhead

    /// The resources that run concurrently (double buffering); an op's steady state is the
    /// slowest of them. `overhead` is paid before it.
    public static let concurrentResources: [Bound] = allCases.filter { $0 != .overhead }
}
