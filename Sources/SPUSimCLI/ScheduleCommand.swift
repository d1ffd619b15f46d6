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

    @Option(help: "Instead of the options above and below: a schedule study JSON (a graph, workload or pipeline on a platform, with axes mix, schedulers, model_errors, seeds); docs/scheduling.md.")
    var study: String?

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
        if study != nil {
            let others: [(String, Bool)] = [("--graph", graph != nil), ("--workload", workload != nil), ("--pipeline", pipeline != nil),
                                            ("--random-graph", randomGraph != nil), ("--platform", platform != nil), ("--mix", !mix.isEmpty),
                                            ("--scheduler", scheduler != "heft"), ("--model-error", modelError != 0), ("--seed", seed != 1),
                                            ("--processors", processors != nil), ("--json", json)]
            if let (name, _) = others.first(where: { $0.1 }) { throw ValidationError("\(name) is set by the study file; give one or the other") }
            try pipelineOptions.validate(pipeline: nil)
            return
        }
        for name in scheduler.split(separator: ",", omittingEmptySubsequences: false) where scheduler != "all" && SchedulerKind(rawValue: String(name)) == nil {
            throw unknownValue("--scheduler", String(name), accepted: SchedulerKind.allCases.map(\.rawValue) + ["all"])
        }
        guard [graph != nil, randomGraph != nil, workload != nil, pipeline != nil].filter({ $0 }).count == 1 else {
            throw ValidationError("give exactly one of --graph FILE, --workload FILE, --pipeline NAME, --random-graph TASKS and --study FILE")
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
        _ = try mixAxes()
        guard modelError.isFinite, (0...3).contains(modelError) else { throw ValidationError("--model-error must be in [0, 3], got \(modelError)") }
        let executions = try mixAxes().reduce(1) { $0 * $1.counts.count } * schedulerKinds.count
        if gantt != nil, executions > 1 { throw ValidationError("--gantt draws one execution: give one scheduler and one mix") }
        if json, executions > 1 { throw ValidationError("--json prints one execution: give one scheduler and one mix") }
    }

    /// The `--mix` axes: device name → counts.
    func mixAxes() throws -> [(device: String, counts: [Int])] {
        var axes: [(device: String, counts: [Int])] = []
        for entry in mix {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else { throw ValidationError("--mix \(entry): expected DEVICE=N[,N…], e.g. spu=0,4,8") }
            guard !axes.contains(where: { $0.device == parts[0] }) else { throw ValidationError("--mix names \(parts[0]) twice") }
            let counts = try parts[1].split(separator: ",", omittingEmptySubsequences: false).map { text -> Int in
                guard let n = Int(text), (0...PlatformFile.Limits.count.upperBound).contains(n) else {
                    throw ValidationError("--mix \(entry): counts are integers 0…\(PlatformFile.Limits.count.upperBound), got \"\(text)\"")
                }
                return n
            }
            axes.append((parts[0], counts))
        }
        guard axes.reduce(1, { $0 * $1.counts.count }) <= 4096 else { throw ValidationError("--mix asks for more than 4096 platforms") }
        return axes
    }

    /// What to run: the study file, or the study the options describe (nil for --random-graph).
    private func resolvedStudy() throws -> ScheduleStudy? {
        if let study {
            do {
                return try ScheduleStudy.load(path: study, defaultLLMPath: try resolveInstalled("workloads/models/llama-3-8b.json", what: "LLM config", option: "an llm in the pipeline block"),
                                              encoderPath: try resolveInstalled("workloads/models/all-minilm-l6-v2.json", what: "encoder config", option: "an llm in the pipeline block"))
            } catch let error as ConfigError {
                throw failInput(error)
            }
        }
        guard randomGraph == nil else { return nil }
        let source: ScheduleStudy.Source
        if let graph { source = .graph(graph) } else if let workload { source = .workload(workload) } else { source = .pipeline(try pipelineOptions.spec(pipeline: pipeline ?? "")) }
        return ScheduleStudy(name: nil, source: source, platformPath: platform, mix: try mixAxes(), schedulers: schedulerKinds,
                             modelErrors: [modelError], seeds: [seed])
    }

    /// The study's graph on each platform of its mix (a model config given as a trace is named as such).
    private func problems(_ study: ScheduleStudy) throws -> (label: String, list: [(mix: String, problem: SchedulingProblem)]) {
        if case let .workload(path) = study.source { _ = try loadTrace(path) }
        let catalog = study.platformPath == nil ? nil : DeviceCatalog(inputs: try loadCostInputs(tech: tech, tco: tco))
        do throws(ConfigError) {
            return try study.problems(catalog: catalog)
        } catch {
            throw failInput(error)
        }
    }

    /// One execution and what it ran under.
    private struct Run {
        var mix: String
        var modelError: Double
        var seed: UInt64
        var report: ExecutionReport
        var seconds: Double
    }

    func run() throws {
        let started = Date()
        let plan = try resolvedStudy()
        let label: String
        let list: [(mix: String, problem: SchedulingProblem)]
        if let plan {
            (label, list) = try problems(plan)
        } else {
            let generator = RandomLayeredGraph(tasks: randomGraph ?? 0, processors: processors ?? 16, seed: seed)
            label = "random layered graph (seed \(seed))"
            list = [("", try SchedulingProblem(graph: generator.graph(), platform: generator.platform))]
        }
        let schedulers = plan?.schedulers ?? schedulerKinds
        let errors = plan?.modelErrors ?? [modelError]
        let seeds = plan?.seeds ?? [seed]
        var rows: [ResultsStore.ScheduleRow] = []
        var runs: [Run] = []
        for (mixName, problem) in list {
            for kind in schedulers {
                for sigma in errors {
                    for runSeed in seeds {
                        let clock = ContinuousClock()
                        let began = clock.now
                        let execution = kind.execute(problem, error: PredictionError(sigma: sigma, seed: runSeed), seed: runSeed)
                        let elapsed = clock.now - began
                        let report = ExecutionReport(execution: execution, problem: problem)
                        runs.append(Run(mix: mixName, modelError: sigma, seed: runSeed, report: report,
                                        seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18))
                        if db != nil {
                            rows.append(row(report, execution: execution, problem: problem, graph: label, mix: mixName, plan: plan, modelError: sigma, seed: runSeed))
                        }
                        if let gantt { try writeGantt(execution, problem, to: gantt, title: "\(label): \(kind.rawValue), makespan \(TickLabel.value(report.makespanSeconds)) s") }
                    }
                }
            }
        }
        if let db {
            let command = (["spusim"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
            try withToolErrors { try ResultsStore(path: db) }.recordSchedules(
                run: .init(command: command, configHash: SHA256.hex(command), startedAt: started, finishedAt: Date()), rows: rows)
        }
        if runs.count > 1 {
            printTable(label: label, runs, showErrors: errors.count > 1, showSeeds: seeds.count > 1)
        } else if let only = runs.first {
            if json { print(JSONWriter.pretty(only.report.jsonValue)) } else { printOne(label: label, only.report, seconds: only.seconds) }
        }
        if let db, !json { print("stored \(rows.count) execution\(rows.count == 1 ? "" : "s") in \(db) (table schedules)") }
        if let gantt, !json { print("Gantt chart: \(gantt)") }
    }

    private func writeGantt(_ execution: Execution, _ problem: SchedulingProblem, to path: String, title: String) throws {
        let chart = GanttChart(execution: execution, problem: problem, title: title)
        do {
            try chart.render().render(standalone: true).write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            printError("error: cannot write \(path): \(error.localizedDescription)")
            throw ExitCode(SPUSimCommand.outputErrorExitCode)
        }
    }

    private func row(_ report: ExecutionReport, execution: Execution, problem: SchedulingProblem, graph: String, mix: String,
                     plan: ScheduleStudy?, modelError: Double, seed: UInt64) -> ResultsStore.ScheduleRow {
        var metrics: [String: Double] = [
            "makespan_s": report.makespanSeconds, "critical_path_bound_s": report.criticalPathBoundSeconds, "work_bound_s": report.workBoundSeconds,
            "energy_j": report.energyJoules, "compute_energy_j": report.computeJoules, "idle_energy_j": report.idleJoules,
            "link_energy_j": report.linkJoules, "bytes_moved": report.bytesMoved, "transfers": Double(report.transferCount),
            "write_backs": Double(report.writeBackCount),
            "mean_utilisation": report.processors.reduce(0) { $0 + $1.utilisation } / Double(max(1, report.processors.count)),
        ]
        if let planned = report.plannedMakespanSeconds { metrics["planned_makespan_s"] = planned }
        if let tco = report.tcoUSDPerHour, let cost = report.costUSD {
            metrics["tco_usd_per_hour"] = tco
            metrics["cost_usd"] = cost
        }
        let placements = problem.taskCount <= ResultsStore.placementTaskLimit ? JSONWriter.canonical(Placements.json(execution, problem: problem)) : nil
        var requests: Int? = nil
        if case let .pipeline(spec)? = plan?.source { requests = spec.requests }
        if let requests, requests > 0 {
            metrics["energy_j_per_request"] = report.energyJoules / Double(requests)
            metrics["makespan_s_per_request"] = report.makespanSeconds / Double(requests)
            if let cost = report.costUSD { metrics["usd_per_request"] = cost / Double(requests) }
        }
        return ResultsStore.ScheduleRow(graph: graph, requests: requests, platform: plan?.platformPath.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "uniform",
                                        mix: mix.isEmpty ? ScheduleStudy.describe(problem.platform) : mix, scheduler: report.scheduler, modelError: modelError,
                                        seed: Int(truncatingIfNeeded: seed), tasks: report.taskCount, edges: report.edgeCount,
                                        processors: report.processors.count, metrics: metrics, detailJSON: JSONWriter.canonical(report.detailJSON),
                                        placementsJSON: placements)
    }

    private func printTable(label: String, _ runs: [Run], showErrors: Bool, showSeeds: Bool) {
        let sigma = runs[0].modelError
        print("graph: \(label): \(runs[0].report.taskCount) tasks, \(runs[0].report.edgeCount) edges" + (!showErrors && sigma > 0 ? "; model error σ = \(sigma)" : ""))
        print("")
        let best = runs.map(\.report.makespanSeconds).min() ?? 0
        let extra = (showErrors ? ["σ"] : []) + (showSeeds ? ["seed"] : [])
        print(Formatting.table(header: ["mix", "scheduler"] + extra + ["makespan s", "vs best", "energy J", "cost $", "moved", "write-backs", "mean util."],
                               rows: runs.map { r in
                                   [r.mix.isEmpty ? "-" : r.mix, r.report.scheduler]
                                       + (showErrors ? [TickLabel.value(r.modelError)] : []) + (showSeeds ? [String(r.seed)] : []) + [number(r.report.makespanSeconds),
                                    Formatting.fixed(r.report.makespanSeconds / best, 2) + "×",
                                    r.report.energyJoules > 0 ? number(r.report.energyJoules) : "-", r.report.costUSD.map { String(format: "%.4g", $0) } ?? "-",
                                    Formatting.bytes(r.report.bytesMoved),
                                    String(r.report.writeBackCount),
                                    Formatting.percent(r.report.processors.reduce(0) { $0 + $1.utilisation } / Double(max(1, r.report.processors.count)))]
                               }, rightAligned: Set((2 + extra.count)..<(9 + extra.count))))
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
        if let tco = report.tcoUSDPerHour, let cost = report.costUSD {
            print("cost: $\(String(format: "%.4g", cost)) at the platform's TCO of $\(String(format: "%.4g", tco))/h (all processors, provisioned power; docs/cost-model.md)")
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
