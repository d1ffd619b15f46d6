/// Running counts of a sweep, for its summary.
struct SweepTally {
    var pointsInShard = 0
    var pruned = 0
    var invalid: [String] = []
    var alreadyStored = 0
    var evaluatedPairs = 0
    var failing = 0
    var cancelled = false

    /// Counts a prepared batch's points.
    mutating func add(_ batch: PreparedBatch) {
        pointsInShard += batch.candidates.filter { !$0.isBaseline }.count + batch.pruned + batch.stored
        pruned += batch.pruned
        invalid += batch.invalid
    }

    /// Counts rows written.
    mutating func add(_ rows: [SweepResultRow]) {
        evaluatedPairs += rows.count
        failing += rows.filter { !$0.point.meetsConstraints }.count
    }
}
