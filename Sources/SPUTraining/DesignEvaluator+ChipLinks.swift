import SPUPerformance
import SPUCost

extension DesignEvaluator {
    /// Energy of one byte through the design's chip links (its energy model's chip-link price).
    public var chipLinkJoulesPerByte: Double {
        var activity = ActivityCounts()
        activity.chipLinkBytes = 1
        return energy(of: activity).totalJ
    }
}
