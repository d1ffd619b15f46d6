import Foundation
import GRDB
import GRDBSQLite
import SPUCore
import SPUCost
import SPUHardware
import SPUPerformance
import SPUSweep
import SPUWorkload

/// The SQLite results database: one `DatabasePool` in WAL mode with a busy timeout, so several
/// processes can write one file; schema managed by migrations.
///
/// Every `record` call is one transaction: a run either lands whole (run, design, workload,
/// result, per-op rows) or not at all.
public final class ResultsStore: Sendable {
    public static let defaultPath = "results/spusim.sqlite"

    public let path: String
    let pool: DatabasePool
    /// Design and workload hashes this store has already written (skips re-inserting their JSON).
    private let written = WrittenHashes()
    /// Locks on the runs this store is writing (`openRun` … `finishRun`).
    let runLocks = RunLocks()

    /// Opens (creating if needed) the database at `path` and migrates it to the current schema.
    ///
    /// Refuses a file that is not an SPUSim results database (another application's SQLite
    /// file, or not SQLite at all) and one written by a newer SPUSim, before writing anything.
    /// Processes that open a new or older database at once upgrade it one at a time. A path that
    /// is not a regular file (a FIFO, a device, a directory) and an existing file that fails
    /// SQLite's `quick_check` (a damaged database) are refused before it is opened for writing.
    public init(path: String) throws {
        self.path = path
        if let sizeBytes = try DatabaseFileCheck.requireRegularFile(path, allowAbsent: true), sizeBytes > 0 {
            // Shared: waits while another process creates or upgrades the file.
            let lock = try DatabaseFileLock(databasePath: path, shared: true)
            defer { lock.release() }
            try Self.checkIntact(path: path)
        }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        configuration.foreignKeysEnabled = true
        // WAL with synchronous=NORMAL: commits survive a process crash or kill -9; only an OS
        // crash or power loss can drop the last transactions (never corrupt the file). A 64 MiB
        // page cache and a checkpoint every 64 MiB of WAL (instead of 2 MiB and 4 MiB): result
        // rows land in the unique index at random places, and with the defaults a sweep's writer
        // re-read index pages and flushed checkpoints so often that it held up the evaluation
        // (a 2-core sweep ran at 1.45 cores and 3,800-4,500 pairs/s; now ~5,000).
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536; PRAGMA wal_autocheckpoint = 16384")
        }
        // Opening converts the file to WAL (new files, merged files in rollback mode), which
        // SQLite may refuse with "database is locked" rather than wait when another process does
        // the same; so the open, and the migration when one is due, happen one process at a time
        // (milliseconds when the schema is current).
        let lock = try DatabaseFileLock(databasePath: path)
        defer { lock.release() }
        pool = try DatabasePool(path: path, configuration: configuration)
        if try pool.read({ try ResultsSchema.isCurrent($0) }) { return }
        try pool.read { db in try ResultsSchema.checkWritable(db, path: path) }
        try ResultsSchema.migrate(pool)
    }

    /// Opens the existing file at `path` read-only and runs `quick_check` (nothing is written).
    static func checkIntact(path: String) throws {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(30)
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.read { db in try DatabaseFileCheck.requireIntact(db, path: path) }
            try queue.close()
        } catch let error as DatabaseError {
            throw ResultsToolError(DatabaseFileCheck.damageMessage(error, path: path) ?? "\(path): cannot be opened (\(error.message ?? "\(error)"))")
        }
    }

    /// Provenance of one invocation.
    public struct RunInfo: Sendable {
        public var command: String
        public var configHash: String
        public var startedAt: Date
        public var finishedAt: Date

        public init(command: String, configHash: String, startedAt: Date, finishedAt: Date) {
            self.command = command
            self.configHash = configHash
            self.startedAt = startedAt
            self.finishedAt = finishedAt
        }
    }

    /// Stores one evaluation and its run in a single transaction; returns (run id, result id).
    @discardableResult
    public func record(run: RunInfo, design: DeviceSpec, workload: Workload, result: EvaluationResult,
                       cost: CostResult? = nil) throws -> (runID: Int64, resultID: Int64) {
        try guardedWrite { db in
            let runID = try insertRun(db, run)
            let resultID = try insertResult(db, runID: runID, design: design, workload: workload, result: result, cost: cost)
            return (runID, resultID)
        }
    }

    func insertRun(_ db: Database, _ run: RunInfo) throws -> Int64 {
        let formatter = ISO8601DateFormatter()
        try db.execute(sql: """
            INSERT INTO runs (started_at, finished_at, tool_version, command, config_hash, duration_s) VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [formatter.string(from: run.startedAt), formatter.string(from: run.finishedAt), SPUSimVersion.current,
                             run.command, run.configHash, run.finishedAt.timeIntervalSince(run.startedAt)])
        return db.lastInsertedRowID
    }

    /// Sweep bookkeeping stored with a result (defined with the sweep's rows).
    public typealias PointInfo = SweepPointInfo

    func insertResult(_ db: Database, runID: Int64, design: DeviceSpec, workload: Workload, workloadHash: String? = nil,
                      result: EvaluationResult, cost: CostResult?, point: PointInfo = PointInfo(), storeOps: Bool = true) throws -> Int64 {
        let workloadHash = workloadHash ?? workload.contentHash
        if written.firstTime(design.contentHash) {
            if let delta = point.designDelta {
                // A sweep point: its base design once, whole, then the point as base + overrides.
                if written.firstTime(delta.base.contentHash) {
                    try db.cachedStatement(sql: "INSERT OR IGNORE INTO designs (hash, name, kind, json) VALUES (?, ?, ?, ?)")
                        .execute(arguments: [delta.base.contentHash, delta.base.name, delta.base.kind.rawValue, delta.base.canonicalJSON])
                }
                try db.cachedStatement(sql: "INSERT OR IGNORE INTO designs (hash, name, kind, json, base_hash, overrides) VALUES (?, ?, ?, '', ?, ?)")
                    .execute(arguments: [design.contentHash, design.name, design.kind.rawValue, delta.base.contentHash,
                                         JSONWriter.canonical(delta.overrides)])
            } else {
                try db.cachedStatement(sql: "INSERT OR IGNORE INTO designs (hash, name, kind, json) VALUES (?, ?, ?, ?)")
                    .execute(arguments: [design.contentHash, design.name, design.kind.rawValue, design.canonicalJSON])
            }
        }
        if written.firstTime(workloadHash) {
            let summary = workload.summary
            try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO workloads (hash, name, phase, devices, throughput_unit, op_count, flops, weight_bytes, kv_cache_bytes, json)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [workloadHash, workload.name, workload.phase.rawValue, workload.devices, workload.throughputUnit,
                                         summary.opEntries, summary.flops, summary.weightBytes, summary.kvCacheBytes, workload.canonicalJSON])
        }
        // Concrete DatabaseValues (no existential boxing): this is the hot path of sweeps.
        func v(_ x: Double?) -> DatabaseValue { x.map { $0.isFinite ? $0.databaseValue : .null } ?? .null }
        func v(_ x: Int?) -> DatabaseValue { x?.databaseValue ?? .null }
        func v(_ x: Int64) -> DatabaseValue { x.databaseValue }
        func v(_ x: String?) -> DatabaseValue { x?.databaseValue ?? .null }
        func v(_ x: Bool) -> DatabaseValue { x.databaseValue }
        // Values in `ResultsSchema.resultColumns` order.
        var values: [DatabaseValue] = [
            v(runID), v(design.contentHash), v(workloadHash), v(result.designName), v(result.workloadName), v(result.feasible), v(result.reason),
            v(result.throughputUnit), v(result.bound?.rawValue), v(result.devices),
        ]
        values.reserveCapacity(ResultsSchema.resultColumns.count)
        // A design not run (it cannot be built) has no times, activity or energy: NULL.
        let ran = result.wasRun
        for bound in Bound.allCases { values.append(ran ? v(result.timeByBound[bound] ?? 0) : .null) }
        for quantity in ActivityQuantity.allCases { values.append(ran ? v(result.activity[quantity]) : .null) }
        let costed = cost.map { CostedEvaluation(performance: result, cost: $0) }
        for metric in MetricCatalogue.all { values.append(v(costed.map(metric.value) ?? metric.value(result))) }
        values += [v(point.pointIndex), v(point.workloadWeight), v(point.isBaseline), v(point.meetsConstraints)]
        // Energy by component for all chips (sums to energy_j), then modelled area by component.
        if let cost {
            let devices = Double(result.devices)
            for component in EnergyComponent.allCases { values.append(ran ? v(cost.dynamicEnergy[component] * devices) : .null) }
            values.append(v(cost.staticEnergyJ * devices))
            for component in AreaComponent.allCases { values.append(v(cost.area[component])) }
        } else {
            values += Array(repeating: DatabaseValue.null, count: ResultsSchema.energyBreakdownColumns.count + ResultsSchema.areaBreakdownColumns.count)
        }
        values += [v(point.recipe), v(point.recipeGroup), v(point.selectionScore)]
        values.append(v(cost?.training?.layout))
        let insert = try db.cachedStatement(sql: Self.insertResultSQL)
        try Self.execute(insert, binding: values)
        let resultID = db.lastInsertedRowID
        guard storeOps else { return resultID }
        let statement = try db.cachedStatement(sql: """
            INSERT INTO op_results (result_id, op_index, name, kind, repeat, einsum, bound, latency_s, compute_cycles,
              time_compute_s, time_sram_s, time_noc_s, time_offchip_s, time_chiplink_s, time_overhead_s,
              flops, macs, offchip_read_bytes, offchip_write_bytes, noc_byte_hops, chip_link_bytes, mapping, energy_j)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for (index, op) in result.ops.enumerated() {
            var row: [DatabaseValue] = [v(resultID), v(index), v(op.name), v(op.kind.rawValue), v(op.repeatCount), v(op.einsum),
                                        v(op.bound.rawValue), v(op.latencySeconds), v(op.computeCycles)]
            for bound in Bound.allCases { row.append(v(op.times[bound])) }
            row += [v(op.flops), v(op.activity.totalMACs), v(op.activity.offchipReadBytes), v(op.activity.offchipWriteBytes),
                    v(op.activity.nocByteHops), v(op.activity.chipLinkBytes), v(op.mapping?.description), v(cost.map { $0.opEnergyJ[index] })]
            try Self.execute(statement, binding: row)
        }
        return resultID
    }

    /// The insert of one `results` row, with the columns of `ResultsSchema.resultColumns`.
    static let insertResultSQL = """
        INSERT INTO results (\(ResultsSchema.resultColumns.joined(separator: ", ")))
        VALUES (\(Array(repeating: "?", count: ResultsSchema.resultColumns.count).joined(separator: ", ")))
        """

    /// Binds values straight through SQLite's C API and runs the statement: building GRDB's
    /// `StatementArguments` costs more than the insert itself on the sweep hot path.
    static func execute(_ statement: Statement, binding values: [DatabaseValue]) throws {
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        for (offset, value) in values.enumerated() {
            let index = CInt(offset + 1)
            switch value.storage {
            case .null: sqlite3_bind_null(handle, index)
            case let .int64(i): sqlite3_bind_int64(handle, index, i)
            case let .double(d): sqlite3_bind_double(handle, index, d)
            case let .string(text): sqlite3_bind_text(handle, index, text, -1, SQLITE_TRANSIENT_SWIFT)
            case let .blob(data): _ = data.withUnsafeBytes { sqlite3_bind_blob(handle, index, $0.baseAddress, CInt($0.count), SQLITE_TRANSIENT_SWIFT) }
            }
        }
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(sqlite3_db_handle(handle))),
                                sql: statement.sql)
        }
    }

    /// What `upgrade(path:)` did: the migrations it applied, plus "metric catalogue" when it
    /// added catalogue columns or rebuilt `design_scores`.
    public struct Upgrade: Sendable {
        public var applied: [String]
    }

    /// Upgrades an existing SPUSim results database to the current schema (`spusim migrate`).
    /// Refuses files that are not SPUSim databases and databases of a newer SPUSim.
    public static func upgrade(path: String) throws -> Upgrade {
        let (before, current) = try ResultsReader.openReadOnly(path: path).read { db in
            (try ResultsSchema.migrator.appliedIdentifiers(db), try ResultsSchema.isCurrent(db))
        }
        if current { return Upgrade(applied: []) }
        let store = try ResultsStore(path: path)
        let after = try store.read { db in try ResultsSchema.migrator.appliedIdentifiers(db) }
        let migrations = ResultsSchema.migrator.migrations.filter { after.contains($0) && !before.contains($0) }
        return Upgrade(applied: migrations + ["metric catalogue"])
    }

    /// Folds the write-ahead log of the database at `path` into the file and leaves it in
    /// rollback-journal mode, so the file alone holds everything and can be renamed or copied
    /// (GRDB keeps WAL files on close). The next `ResultsStore` open turns WAL back on.
    static func closeIntoSingleFile(path: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            try db.execute(sql: "PRAGMA journal_mode = DELETE")
        }
        try queue.close()
    }

    /// Runs a read-only closure against the database (for queries and tests).
    public func read<T: Sendable>(_ body: @Sendable (Database) throws -> T) throws -> T {
        try pool.read(body)
    }


    /// A write transaction; if it fails, the written-hash memo is cleared (its rows rolled back).
    func guardedWrite<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.write(body)
        } catch {
            written.reset()
            throw error
        }
    }
}

/// Hashes already written by one store instance (thread-safe). A hint only (the inserts are
/// `INSERT OR IGNORE`), so it forgets everything past `capacity` hashes: a sweep of millions of
/// designs keeps flat memory.
final class WrittenHashes: @unchecked Sendable {
    static let capacity = 100_000
    private let lock = NSLock()
    private var hashes = Set<String>()

    /// True the first time a hash is seen.
    func firstTime(_ hash: String) -> Bool {
        lock.withLock {
            if hashes.count >= Self.capacity, !hashes.contains(hash) { hashes.removeAll(keepingCapacity: true) }
            return hashes.insert(hash).inserted
        }
    }

    /// Forgets everything (after a failed transaction the rows may not exist).
    func reset() { lock.withLock { hashes.removeAll() } }
}

/// SQLite's SQLITE_TRANSIENT (copy the bound text), which C macros do not bring into Swift.
let SQLITE_TRANSIENT_SWIFT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
