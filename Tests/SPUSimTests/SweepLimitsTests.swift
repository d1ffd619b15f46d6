import Foundation
import GRDB
import Testing
@testable import SPUCore
@testable import SPUResults
@testable import SPUSweep
@testable import SPUSimCLI

/// Issue 13 (sweeps): every sweep input that could overflow, allocate without bound or hang is
/// refused where it is read, duplicates that would break the store are validation errors, a large
/// sweep dry-runs and runs in bounded memory, and a run is written by one process at a time.
@Suite(.serialized) struct SweepLimitsTests {
    static let oneAxis = #"[{"path": "$.compute.mesh.rows", "values": [4, 8]}]"#
    static let gemmTrace = #"[{"trace": "\#(Repo.path("workloads/traces/transformer-gemms.json"))"}]"#

    /// Loads a sweep and returns the error text it is refused with (nil when it loads).
    static func refusal(_ path: String) -> String? {
        do {
            _ = try SweepSpec.load(path: path)
            return nil
        } catch {
            return error.description
        }
    }

    static func file(_ dir: URL, name: String = "s", axes: String = oneAxis, strategy: String = #"{"type": "grid"}"#,
                     workloads: String = gemmTrace, baselines: String = "[]", constraints: String = "[]") throws -> String {
        try SweepTests.sweepFile(dir, name: name, axes: axes, strategy: strategy, constraints: constraints, workloads: workloads,
                                 baselines: baselines)
    }

    // MARK: Overflow and allocation

    @Test func jobsAboveTheLimitAreRefusedAndOptionsClamp() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = try Self.file(dir)
        let result = CLI.runCapturing(["sweep", config, "--db", dir.appendingPathComponent("r.sqlite").path, "--jobs", "9223372036854775807"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--jobs must be an integer in [1, 1024], got 9223372036854775807"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("r.sqlite").path))
        let options = SweepOptions(jobs: Int.max, batchPointsPerJob: Int.max, pointsPerBatch: Int.max)
        #expect(options.jobs == SweepLimits.jobs && options.batchPointsPerJob == SweepLimits.batchPointsPerJob)
        #expect(options.pointsPerBatch == SweepLimits.pointsPerBatch)
        #expect(options.chunkPairs(workloads: Int.max) == Int.max)   // saturates, never traps
        #expect(SweepLimits.saturatingProduct([Int.max, 2]) == Int.max && SweepLimits.product(Int.max, 2) == nil)
    }

    @Test func nsga2PopulationAndGenerationsAreBounded() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        func nsga2(_ population: String, _ generations: String) throws -> String? {
            Self.refusal(try Self.file(dir, strategy: #"{"type": "nsga2", "objectives": ["max:items_per_joule"], "population": \#(population), "generations": \#(generations), "seed": 1}"#))
        }
        let product = try #require(try nsga2("10000", "1000"))
        #expect(product.contains("population × (generations + 1) must be at most 5000000"), "\(product)")
        let huge = try #require(try nsga2("1e15", "1e15"))
        #expect(huge.contains("$.strategy.population: must be an integer in [1, 10000], got 1000000000000000"), "\(huge)")
        #expect(try nsga2("4000000", "1")?.contains("$.strategy.population: must be an integer in [1, 10000]") == true)
        #expect(try nsga2("10", "1000000000")?.contains("$.strategy.generations: must be an integer in [1, 100000]") == true)
        #expect(try nsga2("6", "3") == nil)
    }

    /// NSGA-II cannot be sharded (its generations depend on each other): the dry run refuses
    /// `--shard` as the run does.
    @Test func nsga2DryRunRefusesShards() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let spec = try SweepSpec.load(path: try Self.file(dir, strategy: #"{"type": "nsga2", "objectives": ["max:items_per_joule"], "population": 6, "generations": 2, "seed": 1}"#))
        #expect(throws: SweepError.self) { try SweepRunner(spec: spec, options: SweepOptions(jobs: 1, shard: (1, 3))).dryRun() }
        #expect(try SweepRunner(spec: spec, options: SweepOptions(jobs: 1)).dryRun().designPoints == 18)
    }

    @Test func sampledStrategiesBoundN() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for type in ["random", "latin-hypercube"] {
            let message = try #require(Self.refusal(try Self.file(dir, strategy: #"{"type": "\#(type)", "n": 2147483648, "seed": 1}"#)))
            #expect(message.contains("$.strategy.n: must be an integer in [1, 1000000], got 2147483648"), "\(message)")
        }
    }

    @Test func axesAreCountedBeforeTheyAreGenerated() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let start = Date()
        let tiny = try #require(Self.refusal(try Self.file(dir, axes: #"[{"path": "$.clock_ghz", "range": {"start": 0.8, "stop": 2, "step": 1e-9}}]"#)))
        #expect(tiny.contains("$.axes[0].range: gives 1200000001 values; an axis may have at most 100000"), "\(tiny)")
        let clock = try #require(Self.refusal(try Self.file(dir, axes: #"[{"path": "$.clock_ghz", "range": {"start": 0.8, "stop": 65536, "step": 0.2}}]"#)))
        #expect(clock.contains("gives 327676 values"), "\(clock)")
        let span = try #require(Self.refusal(try Self.file(dir, axes: #"[{"path": "$.clock_ghz", "range": {"start": -1e308, "stop": 1e308, "step": 1}}]"#)))
        #expect(span.contains("gives too many values"), "\(span)")
        let log = try #require(Self.refusal(try Self.file(dir, axes: #"[{"path": "$.clock_ghz", "log_range": {"start": 1, "stop": 2, "count": 1e12}}]"#)))
        #expect(log.contains("$.axes[0].log_range.count: must be an integer in [1, 100000]"), "\(log)")
        let listed = "[" + (0...SweepLimits.valuesPerAxis).map { "\(1 + Double($0) * 1e-6)" }.joined(separator: ",") + "]"
        let list = try #require(Self.refusal(try Self.file(dir, axes: #"[{"path": "$.clock_ghz", "values": \#(listed)}]"#)))
        #expect(list.contains("lists 100001 values; an axis may have at most 100000"), "\(list)")
        #expect(Date().timeIntervalSince(start) < 20)
    }

    /// Distinctness is a hash-set check: 100,000 values with a repeat at the very end are refused
    /// at once (the old pairwise check took minutes).
    @Test func distinctnessIsLinear() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var values = (0..<(SweepLimits.valuesPerAxis - 1)).map { "\(1 + Double($0) * 1e-5)" }
        values.append(values[0])
        let start = Date()
        let message = try #require(Self.refusal(try Self.file(dir, axes: #"[{"path": "$.clock_ghz", "values": [\#(values.joined(separator: ","))]}]"#)))
        #expect(message.contains("lists 1 twice: values must be distinct"), "\(message)")
        #expect(Date().timeIntervalSince(start) < 20)
    }

    @Test func gridAboveTheLimitIsRefusedWithItsShape() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let axes = #"[{"path": "$.clock_ghz", "range": {"start": 0.5, "stop": 2.99, "step": 0.01}}, {"path": "$.tdp_w", "range": {"start": 100, "stop": 2090, "step": 10}}, {"path": "$.compute.mesh.rows", "range": {"start": 1, "stop": 101, "step": 1}}, {"path": "$.compute.mesh.cols", "range": {"start": 1, "stop": 200, "step": 1}}]"#
        let message = try #require(Self.refusal(try Self.file(dir, axes: axes)))
        #expect(message.contains("the grid has 250 × 200 × 101 × 200 points, more than the 1000000000 a grid may have"), "\(message)")
    }

    // MARK: Bounded dry-run and batches

    /// A legal 10⁹-point grid dry-runs from a sample spread over the grid, without making its
    /// points, and estimates the run's time from a few timed designs.
    @Test func billionPointGridDryRunsFromASample() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let axes = #"[{"path": "$.clock_ghz", "range": {"start": 0.5, "stop": 5.49, "step": 0.01}}, {"path": "$.compute.mesh.rows", "range": {"start": 1, "stop": 100, "step": 1}}, {"path": "$.compute.mesh.cols", "range": {"start": 1, "stop": 100, "step": 1}}, {"path": "$.tdp_w", "range": {"start": 100, "stop": 2090, "step": 10}}]"#
        let spec = try SweepSpec.load(path: try Self.file(dir, axes: axes, constraints: #"[{"metric": "area_mm2", "max": 200}]"#))
        #expect(spec.gridSize == 1_000_000_000)
        let start = Date()
        let summary = try SweepRunner(spec: spec, options: SweepOptions(jobs: 2)).dryRun()
        #expect(Date().timeIntervalSince(start) < 60)
        #expect(summary.designPoints == 1_000_000_000 && summary.sampledPoints == SweepLimits.dryRunSample)
        // The sample spans the grid (its first points would all have the smallest mesh): some
        // of it is pruned by the area bound, some is not.
        #expect(summary.prunedBeforeEvaluation > 0 && summary.prunedBeforeEvaluation < 1_000_000_000)
        let estimate = try #require(summary.estimatedSeconds)
        #expect(estimate > 0 && estimate.isFinite)
        let report = SweepReport.dryRun(spec: spec, summary: summary)
        #expect(report.contains("design points: 1000000000") && report.contains("1024 points spread over the sweep") && report.contains("estimated time:"), "\(report)")
        // Shards count their points arithmetically too.
        let shard = try SweepRunner(spec: spec, options: SweepOptions(jobs: 2, shard: (3, 7))).dryRun()
        #expect(shard.designPoints == 1_000_000_000 && shard.sampledPoints != nil)
    }

    @Test func gridSourceYieldsBoundedBatchesWithStableIndices() {
        var source = GridPointSource(counts: [3, 4, 5], pointsPerBatch: 7)
        var all: [DesignPoint] = []
        while let batch = source.nextBatch() {
            #expect(batch.count <= 7)
            all += batch
            #expect(source.proposedPoints + source.remainingPoints == 60)
        }
        #expect(all == GridPointSource(counts: [3, 4, 5]).allPoints())
        var random = RandomPointSource(counts: [5, 5], count: 12, seed: 4, pointsPerBatch: 5)
        var drawn: [DesignPoint] = []
        while let batch = random.nextBatch() { drawn += batch }
        #expect(drawn == RandomPointSource(counts: [5, 5], count: 12, seed: 4).allPoints())
    }

    /// The stored table does not depend on the batch size, nor does the refusal of constraints
    /// that prune every point; a first batch pruned whole is no longer mistaken for that.
    @Test func storedTableIsTheSameWhateverTheBatchSize() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = try SweepTests.sweepFile(dir, axes: SweepTests.smallAxes, constraints: #"[{"metric": "area_mm2", "max": 300}]"#,
                                              baselines: "[\"\(Repo.path("configs/gpus/h100-sxm.json"))\"]")
        let whole = dir.appendingPathComponent("whole.sqlite").path, batched = dir.appendingPathComponent("batched.sqlite").path
        let a = try SweepTests.run(config, db: whole)
        let b = try SweepTests.run(config, db: batched, options: SweepOptions(jobs: 2, pointsPerBatch: 4))
        #expect(try SweepTests.table(whole) == SweepTests.table(batched))
        #expect(a.prunedBeforeEvaluation == b.prunedBeforeEvaluation && a.evaluatedPairs == b.evaluatedPairs && a.designPoints == b.designPoints)
        // Mesh rows 4 then 8: a small area bound prunes the whole first batches (rows 8) only.
        let late = try SweepTests.sweepFile(dir, name: "late", axes: #"[{"path": "$.compute.mesh.rows", "values": [8, 4]}, {"path": "$.compute.mesh.cols", "values": [4, 8]}]"#,
                                            constraints: #"[{"metric": "area_mm2", "max": \#(try Self.areaOfSmallestMesh(dir))}]"#,
                                            workloads: Self.gemmTrace)
        let summary = try SweepTests.run(late, db: dir.appendingPathComponent("late.sqlite").path,
                                         options: SweepOptions(jobs: 1, pointsPerBatch: 1))
        #expect(summary.evaluatedPairs == 1 && summary.prunedBeforeEvaluation == 3)
    }

    /// The area of the 4 × 4 mesh design (the smallest of `late` above).
    static func areaOfSmallestMesh(_ dir: URL) throws -> String {
        let config = try SweepTests.sweepFile(dir, name: "probe", axes: #"[{"path": "$.compute.mesh.rows", "values": [4]}, {"path": "$.compute.mesh.cols", "values": [4]}]"#,
                                              workloads: Self.gemmTrace)
        let sink = InMemoryResultSink()
        _ = try SweepRunner(spec: try SweepSpec.load(path: config), options: SweepOptions(jobs: 1))
            .run(into: sink, command: "test", cancellation: SweepCancellation()) { _ in }
        let row = try #require(sink.runs.first?.rows.first)
        let area = try #require(NSGA2Search.metrics(row.evaluation, meets: true)["area_mm2"])
        return "\(area * 1.0001)"
    }

    /// Found by the 30-minute fuzz run: a weight of 1.7e308 made the weighted design scores
    /// infinite (and printed `inf`).
    @Test func workloadWeightsAreBounded() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let trace = Repo.path("workloads/traces/transformer-gemms.json")
        let huge = try #require(Self.refusal(try Self.file(dir, workloads: #"[{"trace": "\#(trace)", "weight": 1.7e308}]"#)))
        #expect(huge.contains("$.workloads[0].weight: must be a number in [1e-06, 1000000], got 1.7e+308"), "\(huge)")
        #expect(Self.refusal(try Self.file(dir, workloads: #"[{"trace": "\#(trace)", "weight": 1e6}]"#)) == nil)
    }

    // MARK: Duplicates

    @Test func duplicateWorkloadsAndBaselinesAreValidationErrors() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let trace = Repo.path("workloads/traces/transformer-gemms.json")
        let copy = dir.appendingPathComponent("copy-of-trace.json").path
        try FileManager.default.copyItem(atPath: trace, toPath: copy)
        let sameTrace = try #require(Self.refusal(try Self.file(dir, workloads: #"[{"trace": "\#(trace)"}, {"trace": "\#(copy)", "weight": 2}]"#)))
        #expect(sameTrace.contains("$.workloads[1]: is the same workload as $.workloads[0] (identical content)"), "\(sameTrace)")
        let sameGenerator = try #require(Self.refusal(try Self.file(dir, workloads: #"[{"generate": {"cnn": "resnet50"}}, {"trace": "\#(trace)"}, {"generate": {"cnn": "resnet50", "batch": 1}}]"#)))
        #expect(sameGenerator.contains("$.workloads[2]: is the same workload as $.workloads[0]"), "\(sameGenerator)")
        let gpu = Repo.path("configs/gpus/h100-sxm.json")
        let gpuCopy = dir.appendingPathComponent("h100.json").path
        try FileManager.default.copyItem(atPath: gpu, toPath: gpuCopy)
        let baselines = try #require(Self.refusal(try Self.file(dir, baselines: "[\"\(gpu)\", \"\(Repo.path("configs/gpus/b200.json"))\", \"\(gpuCopy)\"]")))
        #expect(baselines.contains("$.baselines[2]: is the same design as $.baselines[0] (identical content)"), "\(baselines)")
    }

    // MARK: Strict generator keys

    @Test func generatorKeysAreStrictPerKind() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = Repo.path("workloads/models/llama-3-8b.json")
        func refusal(_ generate: String) throws -> String? { Self.refusal(try Self.file(dir, workloads: #"[{"generate": \#(generate)}]"#)) }
        let typo = try #require(try refusal(#"{"model": "\#(model)", "phase": "decode", "context": 128, "tensor_paralel": 8}"#))
        #expect(typo.contains("$.workloads[0].generate.tensor_paralel: unknown key"), "\(typo)")
        let prompt = try #require(try refusal(#"{"model": "\#(model)", "phase": "decode", "context": 128, "prompt": 64}"#))
        #expect(prompt.contains("generate.prompt: unknown key"), "\(prompt)")
        let cnn = try #require(try refusal(#"{"cnn": "resnet50", "tensor_parallel": 2}"#))
        #expect(cnn.contains("generate.tensor_parallel: unknown key (allowed here: cnn, batch, format)"), "\(cnn)")
        let csv = try #require(try refusal(#"{"gemm_csv": "\#(Repo.path("workloads/gemms/transformer-gemms.csv"))", "batch": 4}"#))
        #expect(csv.contains("generate.batch: unknown key (allowed here: gemm_csv, format)"), "\(csv)")
        let two = try #require(try refusal(#"{"cnn": "resnet50", "gemm_csv": "x.csv"}"#))
        #expect(two.contains("needs exactly one of \"model\", \"cnn\" or \"gemm_csv\""), "\(two)")
        #expect(try refusal(#"{"model": "\#(model)", "phase": "decode", "context": 128, "tensor_parallel": 2, "batch": 2}"#) == nil)
    }

    // MARK: One writer per run

    /// A run being written (its lock held by another store, as by another process) cannot be
    /// resumed; once the writer finishes, it can.
    @Test func concurrentResumeOfOneRunIsRefused() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = try Self.file(dir)
        let db = dir.appendingPathComponent("r.sqlite").path
        let spec = try SweepSpec.load(path: config)
        let writer = try ResultsStore(path: db)
        let description = SweepRunDescription(name: spec.name, command: "test", configJSON: spec.canonicalJSON, configHash: spec.contentHash, shard: nil)
        let runID = try writer.openRun(description, resume: false)
        let second = try SweepRunner(spec: spec, options: SweepOptions(jobs: 1, resume: true))
        #expect(throws: SweepError.message("\(db): run \(runID) is being written by another process (pid \(getpid())); wait for it to finish, or stop it (the run can be continued), then run --resume again")) {
            _ = try second.run(into: try ResultsStore(path: db), command: "test", cancellation: SweepCancellation()) { _ in }
        }
        // The command line says the same, as an error and nothing else.
        let cli = CLI.runCapturing(["sweep", config, "--db", db, "--resume", "--jobs", "1"])
        #expect(cli.status == 2 && cli.stderr.contains("run \(runID) is being written by another process (pid \(getpid()))"), "\(cli.stderr)")
        try writer.finishRun(runID: runID, status: .interrupted)
        let resumed = try second.run(into: try ResultsStore(path: db), command: "test", cancellation: SweepCancellation()) { _ in }
        #expect(resumed.runID == runID && resumed.evaluatedPairs == 2)
        // New runs of the same configuration are other runs: they never wait for each other.
        let other = try SweepTests.run(config, db: db)
        #expect(other.runID != runID)
    }

    /// Eight sweeps started at once into a new database (each with its own connection, as eight
    /// processes would) all succeed, and each run holds the rows of a solo run.
    @Test func eightConcurrentSweepsIntoANewDatabase() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = try Self.file(dir)
        let solo = dir.appendingPathComponent("solo.sqlite").path
        let soloRun = try #require(try SweepTests.run(config, db: solo, options: SweepOptions(jobs: 1)).runID)
        let expected = try SweepPipelineTests.projection(db: solo, runID: soloRun)
        let shared = dir.appendingPathComponent("shared.sqlite").path
        let outcomes = Outcomes()
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            do {
                let spec = try SweepSpec.load(path: config)
                let summary = try SweepRunner(spec: spec, options: SweepOptions(jobs: 1))
                    .run(into: try ResultsStore(path: shared), command: "test", cancellation: SweepCancellation()) { _ in }
                outcomes.add(.success(summary.runID ?? -1))
            } catch {
                outcomes.add(.failure("\(error)"))
            }
        }
        let results = outcomes.all
        let failures: [String] = results.compactMap { if case let .failure(e) = $0 { return e } else { return nil } }
        #expect(failures.isEmpty, "\(failures)")
        let runIDs: [Int64] = results.compactMap { if case let .success(id) = $0 { return id } else { return nil } }
        #expect(Set(runIDs).count == 8)
        for runID in runIDs {
            #expect(try SweepPipelineTests.projection(db: shared, runID: runID) == expected)
        }
    }

    final class Outcomes: @unchecked Sendable {
        enum Outcome { case success(Int64), failure(String) }
        private let lock = NSLock()
        private var values: [Outcome] = []
        func add(_ outcome: Outcome) { lock.withLock { values.append(outcome) } }
        var all: [Outcome] { lock.withLock { values } }
    }
}
