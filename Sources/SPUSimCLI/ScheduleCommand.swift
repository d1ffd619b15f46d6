import ArgumentParser
import Foundation
import SPUCore
import SPUFormats
import SPUReport
import SPUResults
import SPUScheduling
import SPUSystem
import SPUWorkload

/// `spusim schedule`: run a task graph on a platform under one or more schedulers and platform
/// mixes in the runtime simulator, report each execution, and optionally store them and draw a
/// Gantt chart.
struct ScheduleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Run a task graph on heterogeneous processors under a scheduler (HEFT, CPOP, StarPU dmda/dm, work stealing, eager, random); docs/scheduling.md.")

    @Option(help: "Task graph JSON (tasks with costs per device class, edges, data; optionally processors); docs/scheduling.md.")
    var graph: String?

    @Option(help: "Instead of --graph: a workload trace whose op DAG (after edges) becomes the task graph, each op priced on the platform's designs; needs --platform.")
    var workload: String?

    @Option(help: "Instead of --graph: a generated pipeline, \(PipelineOptions.names.joined(separator: " or ")) (docs/scheduling.md, \"Pipelines\"); needs --platform.")
    var pipeline: String?

    @OptionGroup var pipelineOptions: PipelineOptions

    @Option(help: "Platform JSON (nodes, devices, PCIe/fabric/network links); without it the graph's own processors on a uniform interconnect.")
    var platform: String?

    @Option(help: "Device counts to run, as DEVICE=N[,N…] overriding the platform's count for that device name (repeatable; every combination runs).")
    var mix: [String] = []

    @Option(help: "Technology directory for the designs a platform names (default: configs/tech).")
    var tech: String?

    @Option(help: "TCO parameters file for the designs a platform names (default: configs/tco/default.json).")
    var tco: String?

    @Option(name: .customLong("model-error"), help: "σ of the performance model's log error the schedulers decide with (0: exact).")
    var modelError = 0.0

    @Option(name: .customLong("random-graph"), help: "Instead of --graph: a random layered graph of this many tasks (benchmark).")
    var randomGraph: Int?

    @Option(help: "Processors of the random graph's platform (three device classes, round-robin; default 16).")
    var processors: Int?

    @Option(help: "Schedulers, comma-separated: \(SchedulerKind.allCases.map(\.rawValue).joined(separator: ", ")), or all.")
    var scheduler = "heft"

    @Option(help: "Seed of the random and work-stealing schedulers, of the model error and of --random-graph.")
    var seed: UInt64 = 1

    @Option(help: "Write a Gantt chart of the execution (SVG; one scheduler and mix).")
    var gantt: String?

    @Option(help: "Results database to store the executions in (table schedules).")
    var db: String?

    @Flag(help: "Print JSON.")
    var json = false

    var schedulerKinds: [SchedulerKind] {
        scheduler == "all" ? SchedulerKind.allCases : scheduler.split(separator: ",").compactMap { SchedulerKind(rawValue: String($0)) }
    }

    func validate() throws {
        for name in scheduler.split(separator: ",", omittingEmptySubsequences: false) where scheduler != "all" && SchedulerKind(rawValue: String(name)) == nil {
            throw unknownValue("--scheduler", String(name), accepted: SchedulerKind.allCases.map(\.rawValue) + ["all"])
        }
        guard [graph != nil, randomGraph != nil, workload != nil, pipeline != nil].filter({ $0 }).count == 1 else {
            throw ValidationError("give exactly one of --graph FILE, --workload FILE, --pipeline NAME and --random-graph TASKS")
        }
        if workload != nil || pipeline != nil, platform == nil { throw ValidationError("--\(workload != nil ? "workload" : "pipeline") needs --platform FILE (the devices that price its tasks)") }
        if let pipeline, !PipelineOptions.names.contains(pipeline) {
            throw unknownValue("--pipeline", pipeline, accepted: PipelineOptions.names)
        }
        try pipelineOptions.validate(pipeline: pipeline)
        try OptionRange.check(randomGraph, in: 1...TaskGraphFile.Limits.tasks.upperBound, option: "--random-graph")
        try OptionRange.check(processors, in: TaskGraphFile.Limits.processors, option: "--processors")
        if randomGraph == nil, processors != nil { throw ValidationError("--processors applies to --random-graph; a --graph file or a platform lists its processors") }
        if randomGraph != nil, platform != nil { throw ValidationError("--platform applies to --graph") }
        if !mix.isEmpty, platform == nil { throw ValidationError("--mix changes device counts of a --platform file") }
        _ = try mixes()
        guard modelError.isFinite, (0...3).contains(modelError) else { throw ValidationError("--model-error must be in [0, 3], got \(modelError)") }
        if gantt != nil, try mixes().count * schedulerKinds.count > 1 { throw ValidationError("--gantt draws one execution: give one scheduler and one mix") }
        if json, try mixes().count * schedulerKinds.count > 1 { throw ValidationError("--json prints one execution: give one scheduler and one mix") }
    }

    /// Every combination of the `--mix` counts (one empty mix without `--mix`).
    func mixes() throws -> [[(device: String, count: Int)]] {
        var combinations: [[(device: String, count: Int)]] = [[]]
        var seen = Set<String>()
        for entry in mix {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else { throw ValidationError("--mix \(entry): expected DEVICE=N[,N…], e.g. spu=0,4,8") }
            guard seen.insert(parts[0]).inserted else { throw ValidationError("--mix names \(parts[0]) twice") }
            let counts = try parts[1].split(separator: ",", omittingEmptySubsequences: false).map { text -> Int in
                guard let n = Int(text), (0...PlatformFile.Limits.count.upperBound).contains(n) else {
                    throw ValidationError("--mix \(entry): counts are integers 0…\(PlatformFile.Limits.count.upperBound), got \"\(text)\"")
                }
                return n
            }
            combinations = combinations.flatMap { combination in counts.map { combination + [(parts[0], $0)] } }
        }
        guard combinations.count <= 4096 else { throw ValidationError("--mix asks for \(combinations.count) platforms; at most 4096") }
        return combinations
    }

    /// The graph on each platform of the mix, with a label for each.
    private func problems() throws -> (label: String, list: [(mix: String, problem: SchedulingProblem)]) {
        if workload != nil || pipeline != nil, let platformPath = platform {
            let inputs = try loadCostInputs(tech: tech, tco: tco)
            let catalog = DeviceCatalog(inputs: inputs)
            var list: [(mix: String, problem: SchedulingProblem)] = []
            var label = ""
            for combination in try mixes() {
                let counts = Dictionary(uniqueKeysWithValues: combination.map { ($0.device, $0.count) })
                let (problem, name) = try systemProblem(platformPath: platformPath, counts: counts, catalog: catalog)
                list.append((Self.describe(problem.platform), problem))
                label = name
            }
            return (label, list)
        }
        guard let path = graph else {
            let generator = RandomLayeredGraph(tasks: randomGraph ?? 0, processors: processors ?? 16, seed: seed)
            let problem = try SchedulingProblem(graph: generator.graph(), platform: generator.platform)
            return ("random layered graph (seed \(seed))", [("", problem)])
        }
        let label = URL(fileURLWithPath: path).lastPathComponent
        let inputs = platform == nil ? nil : try loadCostInputs(tech: tech, tco: tco)
        do throws(ConfigError) {
            let file = try TaskGraphFile.load(path: path)
            guard let platformPath = platform, let inputs else {
                guard file.platform != nil else {
                    throw ConfigError(file: path, path: "$.processors", message: "the graph lists no processors: give them, or a platform with --platform FILE")
                }
                return (label, [("", file.problem())])
            }
            let catalog = DeviceCatalog(inputs: inputs)
            var list: [(mix: String, problem: SchedulingProblem)] = []
            for combination in try mixesThrowingConfig() {
                let counts = Dictionary(uniqueKeysWithValues: combination.map { ($0.device, $0.count) })
                let platformFile = try PlatformFile.load(path: platformPath, counts: counts) { path throws(ConfigError) in try catalog.facts(path: path) }
                list.append((Self.describe(platformFile.platform), try file.problem(on: platformFile.platform, file: path)))
            }
            return (label, list)
        } catch {
            throw failInput(error)
        }
    }

    private func mixesThrowingConfig() throws(ConfigError) -> [[(device: String, count: Int)]] {
        // Validated in `validate()`.
        (try? mixes()) ?? [[]]
    }

    /// A trace's op DAG or a generated pipeline on a platform of real designs (with the mix's counts).
    private func systemProblem(platformPath: String, counts: [String: Int], catalog: DeviceCatalog) throws -> (SchedulingProblem, String) {
        let platformFile: PlatformFile
        let coster: TaskCoster
        do throws(ConfigError) {
            platformFile = try PlatformFile.load(path: platformPath, counts: counts) { path throws(ConfigError) in try catalog.facts(path: path) }
            do throws(TaskCostingError) {
                coster = try TaskCoster(platform: platformFile, catalog: catalog)
            } catch {
                if case let .design(e) = error { throw e }
                throw ConfigError(file: platformPath, path: "$.nodes", message: error.description)
            }
        } catch {
            throw failInput(error)
        }
        let graph: TaskGraph
        let label: String
        if let path = workload {
            let trace = try loadTrace(path)
            do throws(WorkloadTaskGraphError) {
                graph = try WorkloadTaskGraph.build(trace, coster: coster)
            } catch {
                throw failInput(ConfigError(file: path, path: error.jsonPath, message: error.description))
            }
            label = URL(fileURLWithPath: path).lastPathComponent + " (op DAG)"
        } else {
            graph = try pipelineOptions.graph(pipeline: pipeline ?? "", coster: coster, platformPath: platformPath)
            label = "pipeline \(pipeline ?? "") (\(pipelineOptions.requests) requests)"
        }
        do throws(TaskGraphError) {
            return (try SchedulingProblem(graph: graph, platform: platformFile.platform), label)
        } catch {
            throw failInput(ConfigError(file: workload ?? platformPath, path: workload == nil ? "$.nodes" : "$.ops", message: error.description))
        }
    }

    /// A platform's mix in words: processors counted by class, e.g. `cpu=2 gpu=8 spu=4`.
    static func describe(_ platform: SchedulingPlatform) -> String {
        var counts: [String: Int] = [:]
        for p in platform.processors { counts[p.deviceClass, default: 0] += 1 }
        return counts.keys.sorted().map { "\($0)=\(counts[$0]!)" }.joined(separator: " ")
    }

    func run() throws {
        let started = Date()
        let (label, list) = try problems()
        let error = PredictionError(sigma: modelError, seed: seed)
        var rows: [ResultsStore.ScheduleRow] = []
        var reports: [(mix: String, report: ExecutionReport, seconds: Double)] = []
        for (mixName, problem) in list {
            for kind in schedulerKinds {
                let clock = ContinuousClock()
                let began = clock.now
                let execution = kind.execute(problem, error: error, seed: seed)
                let elapsed = clock.now - began
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
                let report = ExecutionReport(execution: execution, problem: problem)
                reports.append((mixName, report, seconds))
                if db != nil { rows.append(row(report, execution: execution, problem: problem, graph: label, mix: mixName)) }
                if let gantt {
                    let chart = GanttChart(execution: execution, problem: problem, title: "\(label): \(kind.rawValue), makespan \(TickLabel.value(report.makespanSeconds)) s")
                    do {
                        try chart.render().render(standalone: true).write(toFile: gantt, atomically: true, encoding: .utf8)
                    } catch {
                        printError("error: cannot write \(gantt): \(error.localizedDescription)")
                        throw ExitCode(1)
                    }
                }
            }
        }
        if let db {
            let command = (["spusim"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
            try withToolErrors { try ResultsStore(path: db) }.recordSchedules(
                run: .init(command: command, configHash: SHA256.hex(command), startedAt: started, finishedAt: Date()), rows: rows)
        }
        if reports.count > 1 {
            printTable(label: label, reports)
        } else if let only = reports.first {
            if json { print(JSONWriter.pretty(only.report.jsonValue)) } else { printOne(label: label, only.report, seconds: only.seconds) }
        }
        if let db, !json { print("stored \(rows.count) execution\(rows.count == 1 ? "" : "s") in \(db) (table schedules)") }
        if let gantt, !json { print("Gantt chart: \(gantt)") }
    }

    private func row(_ report: ExecutionReport, execution: Execution, problem: SchedulingProblem, graph: String, mix: String) -> ResultsStore.ScheduleRow {
        var metrics: [String: Double] = [
            "makespan_s": report.makespanSeconds, "critical_path_bound_s": report.criticalPathBoundSeconds, "work_bound_s": report.workBoundSeconds,
            "energy_j": report.energyJoules, "compute_energy_j": report.computeJoules, "idle_energy_j": report.idleJoules,
            "link_energy_j": report.linkJoules, "bytes_moved": report.bytesMoved, "transfers": Double(report.transferCount),
            "write_backs": Double(report.writeBackCount),
            "mean_utilisation": report.processors.reduce(0) { $0 + $1.utilisation } / Double(max(1, report.processors.count)),
        ]
        if let planned = report.plannedMakespanSeconds { metrics["planned_makespan_s"] = planned }
        let placements = problem.taskCount <= ResultsStore.placementTaskLimit ? JSONWriter.canonical(Placements.json(execution, problem: problem)) : nil
        let requests = pipeline != nil ? pipelineOptions.requests : nil
        if let requests, requests > 0 {
            metrics["energy_j_per_request"] = report.energyJoules / Double(requests)
            metrics["makespan_s_per_request"] = report.makespanSeconds / Double(requests)
        }
        return ResultsStore.ScheduleRow(graph: graph, requests: requests, platform: platform.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "uniform",
                                        mix: mix.isEmpty ? Self.describe(problem.platform) : mix, scheduler: report.scheduler, modelError: modelError,
                                        seed: Int(truncatingIfNeeded: seed), tasks: report.taskCount, edges: report.edgeCount,
                                        processors: report.processors.count, metrics: metrics, detailJSON: JSONWriter.canonical(report.detailJSON),
                                        placementsJSON: placements)
    }

    private func printTable(label: String, _ reports: [(mix: String, report: ExecutionReport, seconds: Double)]) {
        print("graph: \(label): \(reports[0].report.taskCount) tasks, \(reports[0].report.edgeCount) edges" + (modelError > 0 ? "; model error σ = \(modelError)" : ""))
        print("")
        let best = reports.map(\.report.makespanSeconds).min() ?? 0
        print(Formatting.table(header: ["mix", "scheduler", "makespan s", "vs best", "energy J", "moved", "write-backs", "mean util."],
                               rows: reports.map { r in
                                   [r.mix.isEmpty ? "-" : r.mix, r.report.scheduler, number(r.report.makespanSeconds),
                                    Formatting.fixed(r.report.makespanSeconds / best, 2) + "×",
                                    r.report.energyJoules > 0 ? number(r.report.energyJoules) : "-", Formatting.bytes(r.report.bytesMoved),
                                    String(r.report.writeBackCount),
                                    Formatting.percent(r.report.processors.reduce(0) { $0 + $1.utilisation } / Double(max(1, r.report.processors.count)))]
                               }, rightAligned: [2, 3, 4, 5, 6, 7]))
    }

    private func printOne(label: String, _ report: ExecutionReport, seconds: Double) {
        let platformLabel = platform.map { " on " + URL(fileURLWithPath: $0).lastPathComponent } ?? ""
        print("graph: \(label)\(platformLabel): \(report.taskCount) tasks, \(report.edgeCount) edges, \(report.processors.count) processors")
        print("scheduler: \(report.scheduler)" + (modelError > 0 ? " (model error σ = \(modelError))" : "") + (randomGraph != nil ? " (scheduled and simulated in \(Formatting.fixed(seconds, 3)) s)" : ""))
        let planned = report.plannedMakespanSeconds.map { $0 == report.makespanSeconds ? " (as planned)" : " (planned \(number($0)) s)" } ?? ""
        print("makespan: \(number(report.makespanSeconds)) s\(planned) (lower bounds: critical path at fastest costs \(number(report.criticalPathBoundSeconds)) s, work / processors \(number(report.workBoundSeconds)) s)")
        if report.energyJoules > 0 {
            print("energy: \(number(report.energyJoules)) J (tasks \(number(report.computeJoules)), idle \(number(report.idleJoules)), links \(number(report.linkJoules)))")
        }
        let shown = 20
        let names = report.processors.prefix(shown).map { "\($0.name) \(Formatting.percent($0.utilisation))" }
        print("utilisation: " + names.joined(separator: ", ") + (report.processors.count > shown ? ", …" : ""))
        if !report.links.isEmpty {
            let busy = report.links.filter { $0.bytesIn + $0.bytesOut > 0 }.sorted { $0.bytesIn + $0.bytesOut > $1.bytesIn + $1.bytesOut }
            print("moved: \(Formatting.bytes(report.bytesMoved)) in \(report.transferCount) transfers (\(report.writeBackCount) write-backs); busiest links: "
                  + busy.prefix(4).map { "\($0.name) \(Formatting.bytes($0.bytesIn + $0.bytesOut)) \(Formatting.percent($0.utilisation))" }.joined(separator: ", "))
        }
        let path = report.criticalPath.map { ($0.link == .processor ? "⇢ " : $0.link == .data ? "→ " : "") + $0.task }
        print("critical path (\(report.criticalPath.count) tasks; → data, ⇢ same processor): " + (path.count > 40 ? path.prefix(40).joined(separator: " ") + " …" : path.joined(separator: " ")))
        guard report.rows.count <= 200 else {
            print("(schedule table omitted: \(report.rows.count) tasks; --json has it)")
            return
        }
        print("")
        print(Formatting.table(header: ["task", "processor", "start s", "finish s"],
                               rows: report.rows.map { [$0.task, $0.processor, number($0.startSeconds), number($0.finishSeconds)] },
                               rightAligned: [2, 3]))
    }

    /// Exact integers as integers (the paper's examples), others with 4 significant digits.
    private func number(_ x: Double) -> String {
        x.rounded() == x && abs(x) < 1e15 ? String(Int(x)) : String(format: "%.4g", x)
    }
}
