import Foundation
import GRDB
import Testing
@testable import SPUResults
@testable import SPUSweep

/// The sweep pipeline (point source → evaluator → result sink): sources yield the points of their
/// strategy, and the in-memory and SQLite sinks receive the same rows, fresh or resumed.
struct SweepPipelineTests {
    /// The columns both sinks can be compared on, one string per row, in write order.
    /// An infeasible row's figures are nil, as the store writes them (an infeasible result carries
    /// no efficiency numbers).
    static func projection(_ rows: [SweepResultRow]) -> [String] {
        rows.map { r in
            let e = r.evaluation
            func v(_ x: Double) -> String { x.isFinite && e.performance.feasible ? "\(x)" : "nil" }
            return [r.design.contentHash, r.workloadHash, "\(r.point.pointIndex ?? -1)", "\(r.point.isBaseline)", "\(e.performance.feasible)",
                    "\(r.point.meetsConstraints)", v(e.performance.latencySeconds), v(e.performance.throughputPerSecond), v(e.cost.energyJ),
                    v(e.cost.usdPerMillionItems), "\(r.point.workloadWeight)"].joined(separator: " ")
        }
    }

    /// The same columns read back from a SQLite run, in write (row id) order.
    static func projection(db: String, runID: Int64) throws -> [String] {
        try ResultsStore(path: db).read { db in
            try Row.fetchAll(db, sql: """
                SELECT design_hash, workload_hash, point_index, is_baseline, feasible, meets_constraints, latency_s, items_per_s,
                       energy_j, usd_per_million_items, workload_weight
                FROM results WHERE run_id = ? ORDER BY id
                """, arguments: [runID]).map { row -> String in
                func v(_ column: String) -> String { (row[column] as Double?).map { "\($0)" } ?? "nil" }
                let flags = ["is_baseline", "feasible", "meets_constraints"].map { "\((row[$0] as Bool?) ?? false)" }
                return [row["design_hash"] as String, row["workload_hash"] as String, "\(row["point_index"] as Int? ?? -1)",
                        flags[0], flags[1], flags[2], v("latency_s"), v("items_per_s"), v("energy_j"),
                        v("usd_per_million_items"), "\(row["workload_weight"] as Double)"].joined(separator: " ")
            }
        }
    }

    static func runner(_ config: String, _ options: SweepOptions = SweepOptions(jobs: 2)) throws -> SweepRunner {
        try SweepRunner(spec: try SweepSpec.load(path: config), options: options)
    }

    /// Runs into both sinks and checks that they hold the same rows and report the same figures.
    static func expectSameRowsInBothSinks(_ config: String, in dir: URL) throws {
        let memory = InMemoryResultSink()
        let fromMemory = try runner(config).run(into: memory, command: "test", cancellation: SweepCancellation()) { _ in }
        let db = dir.appendingPathComponent("\(UUID().uuidString).sqlite").path
        let fromSQLite = try runner(config).run(into: try ResultsStore(path: db), command: "test", cancellation: SweepCancellation()) { _ in }
        let memoryRun = try #require(fromMemory.runID)
        let rows = try #require(memory.run(memoryRun)).rows
        #expect(!rows.isEmpty)
        let sqliteRun = try #require(fromSQLite.runID)
        #expect(try projection(rows) == projection(db: db, runID: sqliteRun))
        #expect(fromMemory.evaluatedPairs == fromSQLite.evaluatedPairs && fromMemory.evaluatedPairs == rows.count)
        #expect(fromMemory.designPoints == fromSQLite.designPoints && fromMemory.failingConstraints == fromSQLite.failingConstraints)
        #expect(memory.runs.map(\.status) == [.finished])
    }

    @Test func gridSweepWritesTheSameRowsToMemoryAndSQLite() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = try SweepTests.sweepFile(dir, axes: SweepTests.smallAxes, constraints: #"[{"metric": "area_mm2", "max": 300}, {"metric": "latency_s", "max": 0.001}]"#,
                                              baselines: "[\"\(Repo.path("configs/gpus/h100-sxm.json"))\"]")
        try Self.expectSameRowsInBothSinks(config, in: dir)
    }

    @Test func nsga2SweepWritesTheSameRowsToMemoryAndSQLite() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = try SweepTests.sweepFile(dir, axes: SweepTests.smallAxes,
                                              strategy: #"{"type": "nsga2", "objectives": ["max:items_per_joule", "min:usd_per_million_items"], "population": 6, "generations": 3, "seed": 9}"#,
                                              constraints: #"[{"metric": "area_mm2", "max": 300}]"#,
                                              baselines: "[\"\(Repo.path("configs/gpus/h100-sxm.json"))\"]")
        try Self.expectSameRowsInBothSinks(config, in: dir)
    }

    @Test func gridSourceYieldsEveryCombinationLastAxisFastestInOneBatch() {
        var source = GridPointSource(counts: [2, 3])
        #expect(!source.isAdaptive && source.remainingPoints == 6)
        let batch = source.nextBatch()
        #expect(batch?.map(\.choice) == [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]])
        #expect(batch?.map(\.index) == Array(0..<6))
        #expect(source.nextBatch() == nil)
        #expect(source.proposedPoints == 6 && source.remainingPoints == 0)
    }

    @Test func specPointsAreTheSourcesPoints() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for strategy in [#"{"type": "grid"}"#, #"{"type": "random", "n": 10, "seed": 3}"#, #"{"type": "latin-hypercube", "n": 6, "seed": 1}"#] {
            let spec = try SweepSpec.load(path: try SweepTests.sweepFile(dir, axes: SweepTests.smallAxes, strategy: strategy))
            var source = spec.makePointSource()
            #expect(source.nextBatch() == spec.points())
            #expect(source.nextBatch() == nil)
        }
        // The grid's order: the last axis (4, 6, 8 stacks) fastest.
        let grid = try SweepSpec.load(path: try SweepTests.sweepFile(dir, axes: SweepTests.smallAxes))
        #expect(grid.points().prefix(4).map(\.choice) == [[0, 0, 0], [0, 0, 1], [0, 0, 2], [0, 1, 0]])
    }

    @Test func nsga2SourceProposesPopulationTimesGenerationsAndNeverRepeatsAPoint() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = try SweepTests.sweepFile(dir, axes: SweepTests.smallAxes,
                                              strategy: #"{"type": "nsga2", "objectives": ["max:items_per_joule"], "population": 6, "generations": 3, "seed": 9}"#)
        let last = LastProgress()
        let memory = InMemoryResultSink()
        let summary = try Self.runner(config).run(into: memory, command: "test", cancellation: SweepCancellation()) { last.set($0) }
        #expect(summary.designPoints == 24)
        let runID = try #require(summary.runID)
        let rows = try #require(memory.run(runID)).rows
        #expect(Set(rows.map(\.pairKey)).count == rows.count)
        let progress = try #require(last.value)
        #expect(progress.pointsDone == progress.pointsTotal && progress.pointsDone == rows.count)
    }

    /// A resumed streamed run reads what it holds a batch at a time and does not decode a point
    /// whose every pair is stored: its design joins the designs seen (so a later repeat of it is
    /// still a duplicate), and a point with some pairs stored is decoded and evaluated for the rest.
    @Test func storedPointsAreNotDecodedAgain() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = try SweepTests.sweepFile(dir, axes: SweepTests.smallAxes)
        let runner = try Self.runner(config)
        var source = try runner.makeSource()
        let batch = source.nextBatch()
        let points = try #require(batch)
        var seen = Set<SeenDesign>()
        let fresh = runner.evaluator.prepare(points, policy: source.preEvaluationPolicy, seen: &seen)
        let first = fresh.candidates[0], second = fresh.candidates[1]
        let workloads = Set(runner.spec.workloads.map(\.hash))
        let stored = [first.index: StoredPoint(designHash: first.design.contentHash, workloadHashes: workloads),
                      second.index: StoredPoint(designHash: second.design.contentHash, workloadHashes: [runner.spec.workloads[0].hash])]
        var resumedSeen = Set<SeenDesign>()
        let resumed = runner.evaluator.prepare(points, policy: source.preEvaluationPolicy, seen: &resumedSeen, stored: stored)
        #expect(resumed.stored == 1 && resumed.candidates.count == fresh.candidates.count - 1)
        #expect(resumed.candidates.map(\.index) == fresh.candidates.dropFirst().map(\.index))
        #expect(resumedSeen == seen)
        let position = try #require(points.firstIndex { $0.index == first.index })
        if case .stored(let hash) = resumed.statuses[position] {
            #expect(hash == first.design.contentHash)
        } else {
            Issue.record("a point whose every pair is stored must not be decoded")
        }
        let stores = StoredResults(pairs: [], metrics: [:], lookup: nil)
        let work = stores.pending(resumed, workloads: runner.spec.workloads, keepingOutcomes: false)
        #expect(work.alreadyStored == workloads.count + 1)
        #expect(work.pairs.count == (resumed.candidates.count) * workloads.count - 1)
    }

    /// A sink whose stored-pair lookup fails (the producer thread asks it, a batch at a time):
    /// the run stops with that error instead of writing on as if nothing were stored.
    @Test func aFailingStoredLookupStopsTheRunWithItsError() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = try SweepTests.sweepFile(dir, axes: SweepTests.smallAxes)
        let sink = FailingLookupSink()
        let small = SweepOptions(jobs: 2, resume: true, pointsPerBatch: 4)
        #expect(throws: LookupFailure.self) {
            _ = try Self.runner(config, small).run(into: sink, command: "test", cancellation: SweepCancellation()) { _ in }
        }
        #expect(sink.memory.runs.count == 1 && sink.memory.runs[0].status == nil)
    }

    /// Interrupted after the first written batch, then resumed into the same memory sink: the
    /// stored pairs are skipped and the run ends with the rows of an uninterrupted run.
    @Test(arguments: [#"{"type": "grid"}"#,
                      #"{"type": "nsga2", "objectives": ["max:items_per_joule", "min:area_mm2"], "population": 6, "generations": 2, "seed": 4}"#])
    func resumeIntoTheMemorySinkSkipsStoredPairs(strategy: String) throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = try SweepTests.sweepFile(dir, axes: SweepTests.smallAxes, strategy: strategy,
                                              baselines: "[\"\(Repo.path("configs/gpus/h100-sxm.json"))\"]")
        let whole = InMemoryResultSink()
        let uninterrupted = try Self.runner(config).run(into: whole, command: "test", cancellation: SweepCancellation()) { _ in }

        let sink = InMemoryResultSink()
        let cancellation = SweepCancellation()
        let small = SweepOptions(jobs: 1, batchPointsPerJob: 1)
        let first = try Self.runner(config, small).run(into: sink, command: "test", cancellation: cancellation) { p in
            if p.pointsDone > 0 { cancellation.cancel() }
        }
        #expect(first.cancelled && first.evaluatedPairs == 2)
        #expect(sink.runs.map(\.status) == [.interrupted])
        let resumed = try Self.runner(config, SweepOptions(jobs: 2, resume: true)).run(into: sink, command: "test", cancellation: SweepCancellation()) { _ in }
        #expect(resumed.runID == first.runID && sink.runs.count == 1 && sink.runs.map(\.status) == [.finished])
        #expect(resumed.alreadyStored == 2 && resumed.pointsInShard == uninterrupted.pointsInShard)
        #expect(resumed.evaluatedPairs + 2 == uninterrupted.evaluatedPairs)
        let rows = sink.runs[0].rows, expected = whole.runs[0].rows
        #expect(Self.projection(rows) == Self.projection(expected))
    }
}

/// The last progress report of a sweep (reports come from the driving thread).
final class LastProgress: @unchecked Sendable {
    private let lock = NSLock()
    private var last: SweepProgress?

    func set(_ progress: SweepProgress) { lock.withLock { last = progress } }
    var value: SweepProgress? { lock.withLock { last } }
}

struct LookupFailure: Error {}

/// An in-memory sink whose `storedPoints` fails from the second call on.
final class FailingLookupSink: SweepResultSink, @unchecked Sendable {
    let memory = InMemoryResultSink()
    private let lock = NSLock()
    private var lookups = 0

    func openRun(_ run: SweepRunDescription, resume: Bool) throws -> Int64 { try memory.openRun(run, resume: resume) }
    func storedPoints(runID: Int64, in points: Range<Int>) throws -> [Int: StoredPoint] {
        let call = lock.withLock { () -> Int in lookups += 1; return lookups }
        if call > 1 { throw LookupFailure() }
        return try memory.storedPoints(runID: runID, in: points)
    }
    func storedMetrics(runID: Int64) throws -> [String: [String: Double]] { try memory.storedMetrics(runID: runID) }
    func writeBatch(runID: Int64, rows: [SweepResultRow], storeOps: Bool) throws { try memory.writeBatch(runID: runID, rows: rows, storeOps: storeOps) }
    func finishRun(runID: Int64, status: SweepRunStatus) throws { try memory.finishRun(runID: runID, status: status) }
}
