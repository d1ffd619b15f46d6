import Foundation
import GRDB
import Testing
@testable import SPUCore
@testable import SPUResults
@testable import SPUSweep
import SPUSimCLI

/// Sweeps: expansion, determinism across jobs, resume after a real kill -9, bad configs.
@Suite(.serialized) struct SweepTests {
    /// A sweep file in a temporary directory, with repository paths made absolute.
    static func sweepFile(_ dir: URL, name: String = "s", axes: String, strategy: String = #"{"type": "grid"}"#,
                          constraints: String = "[]", workloads: String? = nil, baselines: String = "[]") throws -> String {
        let text = """
        {"name": "\(name)", "base_design": "\(Repo.path("configs/chips/spu-edge-inference.json"))",
         "axes": \(axes),
         "workloads": \(workloads ?? #"[{"trace": "\#(Repo.path("workloads/traces/transformer-gemms.json"))", "weight": 2}, {"generate": {"cnn": "resnet50", "batch": 2}}]"#),
         "constraints": \(constraints), "strategy": \(strategy), "baselines": \(baselines),
         "tech": "\(Repo.path("configs/tech"))", "tco": "\(Repo.path("configs/tco/default.json"))"}
        """
        let path = dir.appendingPathComponent("\(name).json").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let smallAxes = #"""
    [{"path": "$.compute.mesh.rows", "values": [4, 8]}, {"path": "$.compute.mesh.cols", "values": [4, 8, 12]},
     {"path": "$.memory.offchip.stacks", "range": {"start": 4, "stop": 8, "step": 2}}]
    """#

    /// The stored table, independent of row ids and run ids.
    static func table(_ db: String) throws -> [String] {
        try ResultsStore(path: db).read { db in
            try Row.fetchAll(db, sql: """
                SELECT design_hash, workload_hash, point_index, is_baseline, feasible, meets_constraints, latency_s, items_per_s,
                       energy_j, avg_power_w, tco_usd_per_hour, workload_weight,
                       (SELECT COUNT(*) FROM op_results o WHERE o.result_id = r.id) AS op_rows
                FROM results r ORDER BY point_index, design_hash, workload_hash
                """).map { $0.description }
        }
    }

    static func run(_ config: String, db: String, options: SweepOptions = SweepOptions(jobs: 2)) throws -> SweepSummary {
        let runner = try SweepRunner(spec: try SweepSpec.load(path: config), options: options)
        return try runner.run(into: try ResultsStore(path: db), command: "test", cancellation: SweepCancellation()) { _ in }
    }

    @Test func expansionCountsPerStrategy() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let grid = try SweepSpec.load(path: try Self.sweepFile(dir, axes: Self.smallAxes))
        #expect(grid.points().count == 2 * 3 * 3)
        #expect(Set(grid.points().map(\.choice)).count == 18)
        let random = try SweepSpec.load(path: try Self.sweepFile(dir, name: "r", axes: Self.smallAxes, strategy: #"{"type": "random", "n": 10, "seed": 3}"#))
        #expect(random.points().count == 10 && Set(random.points().map(\.choice)).count == 10)
        #expect(random.points().map(\.choice) == random.points().map(\.choice))   // seeded: reproducible
        let lhs = try SweepSpec.load(path: try Self.sweepFile(dir, name: "l", axes: Self.smallAxes, strategy: #"{"type": "latin-hypercube", "n": 6, "seed": 1}"#))
        let lhsPoints = lhs.points()
        #expect(lhsPoints.count <= 6 && lhsPoints.count >= 3)
        // Latin hypercube: each of the 3 values of the third axis is used exactly twice over 6 samples (before de-duplication).
        let zip = try SweepSpec.load(path: try Self.sweepFile(dir, name: "z", axes: #"""
            [{"zip": [{"path": "$.compute.mac_array.rows", "values": [16, 32]}, {"path": "$.compute.mac_array.cols", "values": [16, 32]},
                      {"path": "$.compute.mac_array.macs_per_cycle.bf16", "values": [256, 1024]},
                      {"path": "$.compute.mac_array.macs_per_cycle[\"fp8-e4m3\"]", "values": [512, 2048]},
                      {"path": "$.compute.mac_array.macs_per_cycle.int8", "values": [512, 2048]},
                      {"path": "$.compute.mac_array.macs_per_cycle.pal16", "values": [512, 2048]},
                      {"path": "$.compute.mac_array.macs_per_cycle.pal8", "values": [1024, 4096]}]},
             {"path": "$.clock_ghz", "log_range": {"start": 0.5, "stop": 2, "count": 3}}]
            """#))
        #expect(zip.points().count == 2 * 3)
        #expect(zip.axes[1].parameters[0].values == [.number(0.5), .number(1), .number(2)])
        let nsga = try SweepSpec.load(path: try Self.sweepFile(dir, name: "n", axes: Self.smallAxes,
                                                               strategy: #"{"type": "nsga2", "objectives": ["max:tokens_per_joule", "min:area_mm2"], "population": 6, "generations": 2, "seed": 5}"#))
        #expect(try SweepRunner(spec: nsga, options: SweepOptions()).dryRun().designPoints == 18)
    }

    @Test func resultsAreIdenticalWhateverTheJobCount() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = try Self.sweepFile(dir, axes: Self.smallAxes, baselines: "[\"\(Repo.path("configs/gpus/h100-sxm.json"))\"]")
        let one = dir.appendingPathComponent("one.sqlite").path, four = dir.appendingPathComponent("four.sqlite").path
        let summary = try Self.run(config, db: one, options: SweepOptions(jobs: 1))
        _ = try Self.run(config, db: four, options: SweepOptions(jobs: 4, batchPointsPerJob: 1))
        #expect(summary.evaluatedPairs == (18 + 1) * 2)
        let a = try Self.table(one), b = try Self.table(four)
        #expect(a.count == 38)
        #expect(a == b)
    }

    @Test func constraintsPruneAndMark() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = try Self.sweepFile(dir, axes: Self.smallAxes, constraints: #"[{"metric": "area_mm2", "max": 300}, {"metric": "latency_s", "max": 0.001}]"#)
        let db = dir.appendingPathComponent("c.sqlite").path
        let summary = try Self.run(config, db: db)
        #expect(summary.prunedBeforeEvaluation > 0 && summary.prunedBeforeEvaluation < 18)
        let counts = try ResultsStore(path: db).read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM results WHERE area_mm2 > 300")!,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM results WHERE latency_s > 0.001 AND meets_constraints")!)
        }
        #expect(counts.0 == 0 && counts.1 == 0)
    }

    @Test(arguments: [
        (#"[{"path": "$.compute.mesh.rowz", "values": [4]}]"#, "$.compute.mesh.rowz does not exist in the base design"),
        (#"[{"path": "$.compute.mesh.rows", "values": []}]"#, "is empty: an axis needs at least one value"),
        (#"[{"path": "$.compute.mesh.rows", "values": [0]}]"#, "$.compute.mesh.rows: must be an integer in [1, 4096], got 0"),   // HardwareLimits.meshSide
        (#"[{"path": "$.compute.mesh.rows", "values": ["x"]}]"#, "does not match the type"),
    ])
    func badAxesAreClearErrors(axes: String, message: String) throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = try Self.sweepFile(dir, axes: axes)
        do {
            _ = try SweepSpec.load(path: config)
            Issue.record("accepted \(axes)")
        } catch {
            #expect(error.description.contains(message), "\(error.description)")
            #expect(error.description.hasPrefix(config), "\(error.description)")
        }
    }

    @Test func impossibleConstraintsFailBeforeWriting() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("x.sqlite").path
        let minMax = try Self.sweepFile(dir, name: "a", axes: Self.smallAxes, constraints: #"[{"metric": "area_mm2", "min": 100, "max": 50}]"#)
        #expect(throws: SweepError.self) { try SweepSpec.load(path: minMax) }
        let none = try Self.sweepFile(dir, name: "b", axes: Self.smallAxes, constraints: #"[{"metric": "area_mm2", "max": 1}]"#)
        let (status, stderr) = CLI.runCapturing(["sweep", none, "--db", db])
        #expect(status == 2 && stderr.contains("prune every one"))
        #expect(!FileManager.default.fileExists(atPath: db))
    }

    /// kill -9 in the middle of a sweep, then `--resume`: exactly the table of an uninterrupted run.
    @Test func resumeAfterKillGivesTheUninterruptedTable() throws {
        let binary = Repo.root.appendingPathComponent(".build/debug/spusim").path
        try #require(FileManager.default.isExecutableFile(atPath: binary), "build the spusim executable first (swift build)")
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let axes = #"""
        [{"path": "$.compute.mesh.rows", "range": {"start": 2, "stop": 12, "step": 2}},
         {"path": "$.compute.mesh.cols", "range": {"start": 2, "stop": 12, "step": 2}},
         {"path": "$.memory.offchip.stacks", "values": [4, 6, 8]}, {"path": "$.clock_ghz", "values": [0.6, 0.8, 1.0, 1.2, 1.4]}]
        """#
        let pairs = 6 * 6 * 3 * 5 * 2
        let config = try Self.sweepFile(dir, axes: axes)
        let killed = dir.appendingPathComponent("killed.sqlite").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["sweep", config, "--db", killed, "--jobs", "1"]
        process.currentDirectoryURL = Repo.root
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait until some rows are committed, then kill -9 mid-sweep.
        let deadline = Date().addingTimeInterval(120)
        var rows = 0
        while Date() < deadline, process.isRunning {
            if FileManager.default.fileExists(atPath: killed) {
                rows = Self.committedResults(killed)
                if rows >= 20 { break }
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        try #require(process.isRunning, "the sweep finished before it could be killed; make it longer")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let partial = try Self.table(killed).count
        #expect(partial >= 20 && partial < pairs)
        let resumed = try Self.run(config, db: killed, options: SweepOptions(jobs: 2, resume: true))
        #expect(resumed.alreadyStored == partial)
        let clean = dir.appendingPathComponent("clean.sqlite").path
        _ = try Self.run(config, db: clean)
        #expect(try Self.table(killed) == Self.table(clean))
        let runs = try ResultsStore(path: killed).read { db in try String.fetchAll(db, sql: "SELECT status FROM runs") }
        #expect(runs == ["finished"])
    }

    /// Result rows committed so far, read without migrating or writing (opening a `ResultsStore`
    /// migrates, which waits for the running sweep's write lock and can outlast the sweep).
    static func committedResults(_ path: String) -> Int {
        var configuration = Configuration()
        configuration.readonly = true
        guard let queue = try? DatabaseQueue(path: path, configuration: configuration) else { return 0 }
        return (try? queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM results") ?? 0 }) ?? 0
    }

    @Test func nsga2IsDeterministicAndBounded() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = try Self.sweepFile(dir, axes: Self.smallAxes,
                                        strategy: #"{"type": "nsga2", "objectives": ["max:items_per_joule", "min:usd_per_million_items"], "population": 6, "generations": 3, "seed": 9}"#)
        let a = dir.appendingPathComponent("a.sqlite").path, b = dir.appendingPathComponent("b.sqlite").path
        let summary = try Self.run(config, db: a)
        _ = try Self.run(config, db: b, options: SweepOptions(jobs: 1))
        let designs = try ResultsStore(path: a).read { db in try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT design_hash) FROM results")! }
        #expect(designs <= 6 * 4 && designs >= 6)
        #expect(summary.designPoints == 24)
        #expect(try Self.table(a) == Self.table(b))
    }
}

extension SweepTests {
    /// `--shard K/N` runs plus `spusim merge` equal the unsharded run row for row.
    @Test func shardsMergeIntoTheUnshardedTable() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = try Self.sweepFile(dir, axes: Self.smallAxes, baselines: "[\"\(Repo.path("configs/gpus/h100-sxm.json"))\"]")
        let whole = dir.appendingPathComponent("whole.sqlite").path
        _ = try Self.run(config, db: whole)
        var shards: [String] = []
        var covered = 0
        for k in 1...3 {
            let path = dir.appendingPathComponent("shard\(k).sqlite").path
            let summary = try Self.run(config, db: path, options: SweepOptions(jobs: 2, shard: (k, 3)))
            covered += summary.evaluatedPairs
            shards.append(path)
        }
        #expect(covered == (18 + 1) * 2)
        let merged = dir.appendingPathComponent("merged.sqlite").path
        _ = try ResultsMerger.merge(into: merged, from: shards)
        #expect(try Self.table(merged) == Self.table(whole))
        let runs = try ResultsStore(path: merged).read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM runs")! }
        #expect(runs == 1)
        // Merging again adds nothing.
        _ = try ResultsMerger.merge(into: merged, from: shards)
        #expect(try Self.table(merged) == Self.table(whole))
    }
}

/// Sweep points are stored as their base design plus overrides (`designs.base_hash`,
/// `designs.overrides`), and read back exactly: the rebuilt canonical JSON hashes to the design's
/// content hash, and a merged database rebuilds the same.
@Suite struct StoredDesignTests {
    @Test func pointsAreStoredAsOverridesAndRebuiltExactly() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = try SweepTests.sweepFile(dir, axes: SweepTests.smallAxes)
        let db = dir.appendingPathComponent("r.sqlite").path
        let summary = try SweepTests.run(config, db: db)
        #expect(summary.evaluatedPairs > 0)
        let reader = try ResultsReader(path: db)
        struct Stored: Sendable { var hash: String; var json: String; var baseHash: String?; var storedBytes: Int }
        let (rows, rebuilt, baseJSON) = try reader.read { db in
            (try Row.fetchAll(db, sql: "SELECT hash, json, base_hash, length(json) + length(coalesce(overrides, '')) AS stored_bytes FROM designs")
                .map { Stored(hash: $0["hash"], json: $0["json"], baseHash: $0["base_hash"], storedBytes: $0["stored_bytes"]) },
             try StoredDesign.json(db),
             try String.fetchOne(db, sql: "SELECT json FROM designs WHERE hash = (SELECT base_hash FROM designs WHERE base_hash IS NOT NULL LIMIT 1)"))
        }
        let points = rows.filter { $0.baseHash != nil }
        #expect(points.count == 18)   // every grid point; the base design is stored once, whole
        let base = try #require(baseJSON)
        for row in points {
            let json = try #require(rebuilt[row.hash])
            #expect(SHA256.hex(json) == row.hash)
            #expect(row.storedBytes * 10 < base.utf8.count)
        }
        // Whole designs (the base) read back as stored.
        for row in rows where row.baseHash == nil { #expect(rebuilt[row.hash] == row.json) }
        // A merged copy rebuilds the same designs.
        let merged = dir.appendingPathComponent("m.sqlite").path
        #expect(CLI.run(["merge", merged, db]) == 0)
        let again = try ResultsReader(path: merged).read { db in try StoredDesign.json(db) }
        #expect(again == rebuilt)
    }
}
