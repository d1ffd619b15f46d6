import Foundation
import GRDB
import SPUSweep

/// The SQLite results store as a sweep's result sink: runs are `runs` rows, pairs are `results`
/// rows (with `op_results` when the sweep stores them), written one transaction per batch.
///
/// A run is written by one process at a time: `openRun` takes an advisory lock on
/// `<database>.run-<id>.lock` without waiting, and holds it until `finishRun` (or until the
/// process exits or is killed, when the system drops it). A second `--resume` of a run still
/// being written is refused with the holder's pid instead of racing it into duplicate rows;
/// sweeps of different runs write one database side by side as before.
extension ResultsStore: SweepResultSink {
    public func openRun(_ run: SweepRunDescription, resume: Bool) throws -> Int64 {
        if resume, let existing = try resumableRun(configHash: run.configHash, shard: run.shard) {
            try lockRun(existing)
            return existing
        }
        // Locked before the insert commits, so no other process can see the new run unlocked.
        return try pool.write { db in
            let runID = try insertRunning(db, kind: run.kind, name: run.name, command: run.command, configJSON: run.configJSON,
                                          configHash: run.configHash, shard: run.shard)
            try lockRun(runID)
            return runID
        }
    }

    public func finishRun(runID: Int64, status: SweepRunStatus) throws {
        defer { runLocks.release(runID) }
        try finishRun(runID: runID, status: status.rawValue)
    }

    /// The lock file of one run.
    func runLockPath(_ runID: Int64) -> String { "\(path).run-\(runID).lock" }

    /// Takes the run's lock, or refuses: another process (or store) is writing the run.
    func lockRun(_ runID: Int64) throws {
        switch try DatabaseFileLock.tryLock(path: runLockPath(runID)) {
        case let .locked(lock):
            runLocks.hold(lock, for: runID)
        case let .held(holder):
            let who = holder.map { "another process (pid \($0))" } ?? "another process"
            throw SweepError.message("\(path): run \(runID) is being written by \(who); wait for it to finish, or stop it (the run can be continued), then run --resume again")
        }
    }
}

/// The run locks one store holds, by run id (thread-safe).
final class RunLocks: @unchecked Sendable {
    private let lock = NSLock()
    private var locks: [Int64: DatabaseFileLock] = [:]

    func hold(_ fileLock: DatabaseFileLock, for runID: Int64) {
        lock.withLock {
            locks[runID]?.release()
            locks[runID] = fileLock
        }
    }

    func release(_ runID: Int64) {
        lock.withLock { locks.removeValue(forKey: runID)?.release() }
    }

    deinit {
        for fileLock in locks.values { fileLock.release() }
    }
}
