import Foundation
import SPUCore
import SPUReport
import SPUResults
import SPUScheduling
import SPUSystem
import Testing

/// Executions stored in the `schedules` table, read back, merged, and drawn (Gantt charts, the
/// schedules HTML report); the platform mix as a study axis.
@Suite struct ScheduleStoreTests {
    static func execution() throws -> (Execution, SchedulingProblem) {
        let graph = try TaskGraph(tasks: [.init(id: "src", kind: "load", costSeconds: ["cpu": 1]), .init(id: "a", kind: "infer", costSeconds: ["gpu": 2])],
                                  edges: [.init(from: "src", to: "a", data: .bytes(1e9))])
        let problem = try SchedulingProblem(graph: graph, platform: RuntimeTests.node(gpus: 1))
        return (SchedulerKind.heft.execute(problem), problem)
    }

    static func row(_ execution: Execution, _ problem: SchedulingProblem, scheduler: String = "heft") -> ResultsStore.ScheduleRow {
        let report = ExecutionReport(execution: execution, problem: problem)
        return ResultsStore.ScheduleRow(graph: "g.json", requests: nil, platform: "node.json", mix: "cpu=1 gpu=1", scheduler: scheduler, modelError: 0, seed: 1,
                                        tasks: report.taskCount, edges: report.edgeCount, processors: report.processors.count,
                                        metrics: ["makespan_s": report.makespanSeconds, "energy_j": report.energyJoules, "bytes_moved": report.bytesMoved],
                                        detailJSON: JSONWriter.canonical(report.detailJSON),
                                        placementsJSON: JSONWriter.canonical(Placements.json(execution, problem: problem)))
    }

    @Test func executionsRoundTripThroughTheDatabaseAndMerge() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (execution, problem) = try Self.execution()
        let path = dir.appendingPathComponent("s.sqlite").path
        let store = try ResultsStore(path: path)
        let run = ResultsStore.RunInfo(command: "spusim schedule", configHash: "x", startedAt: Date(), finishedAt: Date())
        let rows = [Self.row(execution, problem), Self.row(execution, problem, scheduler: "dmda")]
        let runID = try store.recordSchedules(run: run, rows: rows)
        let back = try store.schedules(run: runID)
        #expect(back == rows)
        #expect(back[0].metrics["makespan_s"] == 4)
        // Merging copies the table.
        let merged = dir.appendingPathComponent("m.sqlite").path
        let report = try ResultsMerger.merge(into: merged, from: [path])
        #expect(report.schedules.copied == 2)
    }

    @Test func ganttChartsDrawTasksAndTransfersAndReadBackPlacements() throws {
        let (execution, problem) = try Self.execution()
        let chart = GanttChart(execution: execution, problem: problem, title: "t")
        #expect(chart.lanes == ["cpu", "gpu0", "gpu0.pcie ↓"])
        #expect(chart.bars.count == 3)
        #expect(chart.categories == ["load", "infer", "transfer"])
        let transfer = try #require(chart.bars.first { chart.categories[$0.category] == "transfer" })
        #expect(transfer.startSeconds == 1 && transfer.finishSeconds == 2)
        let stored = try #require(GanttChart(placements: Placements.json(execution, problem: problem), title: "t"))
        #expect(stored.bars.map(\.startSeconds) == [0, 2])
        let svg = chart.render().render(standalone: true)
        #expect(svg.contains("gpu0.pcie ↓") && svg.contains("<rect"))
        #expect(GanttChart(placements: .object([("processors", .array([]))]), title: "t") == nil)
    }

    @Test func schedulesReportListsEveryExecutionWithGanttCharts() throws {
        let (execution, problem) = try Self.execution()
        let html = ScheduleHTMLReport.render(rows: [Self.row(execution, problem), Self.row(execution, problem, scheduler: "ws")], runID: 3,
                                             databasePath: "s.sqlite", command: "spusim schedule", startedAt: "now")
        #expect(html.contains("<td>heft</td>") && html.contains("<td>ws</td>"))
        #expect(html.contains("Fastest") && html.contains("Slowest"))
        #expect(html.hasSuffix("</html>\n"))
    }

    @Test func platformMixOverridesDeviceCountsAndNamesUnknownDevices() throws {
        let json = """
            {"nodes": [{"name": "n", "devices": [\(RuntimeTests.cpu),
              {"name": "gpu", "count": 4, "class": "gpu", "active_power_w": 700, "idle_power_w": 70, "source": "assumption", \(RuntimeTests.pcie)},
              {"name": "spu", "count": 2, "class": "spu", "active_power_w": 300, "idle_power_w": 30, "source": "assumption", \(RuntimeTests.pcie)}]}]}
            """
        let root = try JSONObjectReader.document(file: "p.json", text: json)
        #expect(try PlatformFile.decode(root).platform.processors.count == 7)
        let mixed = try PlatformFile.decode(JSONObjectReader.document(file: "p.json", text: json), counts: ["gpu": 1, "spu": 0]).platform
        #expect(mixed.processors.map(\.name) == ["cpu", "gpu"])
        #expect(throws: ConfigError.self) { try PlatformFile.decode(JSONObjectReader.document(file: "p.json", text: json), counts: ["tpu": 2]) }
    }
}

/// Schedule studies (`spusim schedule --study FILE`): a source on a platform over axes.
@Suite struct ScheduleStudyTests {
    static func load(_ json: String) throws -> ScheduleStudy {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("study.json").path
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        return try ScheduleStudy.load(path: path, defaultLLMPath: Repo.path("workloads/models/llama-3-8b.json"),
                                      encoderPath: Repo.path("workloads/models/all-minilm-l6-v2.json"))
    }

    static func error(_ json: String) -> ConfigError? {
        do { _ = try load(json); return nil } catch let error as ConfigError { return error } catch { return nil }
    }

    static let platform = Repo.path("configs/platforms/cpu-gpu-spu-node.json")

    @Test func shippedStudyDecodesItsAxes() throws {
        let study = try ScheduleStudy.load(path: Repo.path("configs/studies/rag-platform-mix.json"),
                                           defaultLLMPath: Repo.path("workloads/models/llama-3-8b.json"),
                                           encoderPath: Repo.path("workloads/models/all-minilm-l6-v2.json"))
        #expect(study.mix.map(\.device) == ["gpu", "spu"])
        #expect(study.mixCombinations.count == 12)
        #expect(study.schedulers == [.heft, .dmda, .eager])
        #expect(study.executionCount == 72)
        guard case let .pipeline(spec) = study.source else { Issue.record("not a pipeline"); return }
        #expect(spec.kind == .rag && spec.requests == 64)
        #expect(study.platformPath?.hasSuffix("configs/studies/../platforms/cpu-gpu-spu-node.json") == true)
    }

    @Test func badStudiesNameThePathAndRule() {
        let two = Self.error(#"{"platform": "\#(Self.platform)", "graph": "g.json", "pipeline": {"kind": "rag"}}"#)
        #expect(two?.message.contains("exactly one of graph, workload and pipeline") == true)
        let scheduler = Self.error(#"{"platform": "\#(Self.platform)", "pipeline": {"kind": "rag"}, "axes": {"schedulers": ["heft", "hfet"]}}"#)
        #expect(scheduler?.path == "$.axes.schedulers[1]")
        let noPlatform = Self.error(#"{"pipeline": {"kind": "rag"}}"#)
        #expect(noPlatform?.path == "$.platform")
        let empty = Self.error(#"{"platform": "\#(Self.platform)", "pipeline": {"kind": "rag"}, "axes": {"mix": {"spu": []}}}"#)
        #expect(empty?.path == "$.axes.mix.spu")
        let ragOnly = Self.error(#"{"platform": "\#(Self.platform)", "pipeline": {"kind": "multimodal", "chunk_tokens": 9}}"#)
        #expect(ragOnly?.path == "$.pipeline.chunk_tokens")
        let many = Self.error(#"{"platform": "\#(Self.platform)", "pipeline": {"kind": "rag"}, "axes": {"seeds": [\#((0..<1000).map(String.init).joined(separator: ","))], "model_errors": [0, 0.1, 0.2], "schedulers": ["heft", "dmda", "dm", "ws", "eager", "random", "cpop"], "mix": {"spu": [0, 1, 2, 3, 4, 5]}}}"#)
        #expect(many?.path == "$.axes")
        let error = Self.error(#"{"platform": "\#(Self.platform)", "pipeline": {"kind": "rag"}, "axes": {"model_errors": [4]}}"#)
        #expect(error?.path == "$.axes.model_errors[0]")
    }
}
