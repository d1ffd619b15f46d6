import SPUSweep

/// The SQLite results store as a sweep's result sink: runs are `runs` rows, pairs are `results`
/// rows (with `op_results` when the sweep stores them), written one transaction per batch.
extension ResultsStore: SweepResultSink {
    public func openRun(_ run: SweepRunDescription, resume: Bool) throws -> Int64 {
        if resume, let existing = try resumableRun(configHash: run.configHash, shard: run.shard) {
            return existing
        }
        return try beginRun(kind: run.kind, name: run.name, command: run.command, configJSON: run.configJSON,
                            configHash: run.configHash, shard: run.shard)
    }

    public func finishRun(runID: Int64, status: SweepRunStatus) throws {
        try finishRun(runID: runID, status: status.rawValue)
    }
}
