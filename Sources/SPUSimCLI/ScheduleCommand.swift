import ArgumentParser
import Foundation
import SPUCore
import SPUFormats
import SPUScheduling
import SPUSystem
import SPUWorkload

/// `spusim schedule`: schedule a task graph on its processors and report the schedule.
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

    @Option(help: "Scheduler: \(SchedulerKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var scheduler = "heft"

    @Option(help: "Seed of the random and work-stealing schedulers, of the model error and of --random-graph.")
    var seed: UInt64 = 1

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        guard SchedulerKind(rawValue: scheduler) != nil else {
            throw unknownValue("--scheduler", scheduler, accepted: SchedulerKind.allCases.map(\.rawValue))
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
        guard modelError.isFinite, (0...3).contains(modelError) else { throw ValidationError("--model-error must be in [0, 3], got \(modelError)") }
    }

    func run() throws {
        let problem: SchedulingProblem
        let label: String
        if workload != nil || pipeline != nil, let platformPath = platform {
            (problem, label) = try systemProblem(platformPath: platformPath)
        } else if let path = graph {
            let inputs = platform == nil ? nil : try loadCostInputs(tech: tech, tco: tco)
            do throws(ConfigError) {
                let file = try TaskGraphFile.load(path: path)
                if let platformPath = platform, let inputs {
                    let catalog = DeviceCatalog(inputs: inputs)
                    let platformFile = try PlatformFile.load(path: platformPath) { path throws(ConfigError) in try catalog.facts(path: path) }
                    problem = try file.problem(on: platformFile.platform, file: path)
                } else {
                    guard file.platform != nil else {
                        throw ConfigError(file: path, path: "$.processors", message: "the graph lists no processors: give them, or a platform with --platform FILE")
                    }
                    problem = file.problem()
                }
            } catch {
                throw failInput(error)
            }
            label = URL(fileURLWithPath: path).lastPathComponent
        } else {
            let generator = RandomLayeredGraph(tasks: randomGraph ?? 0, processors: processors ?? 16, seed: seed)
            problem = try SchedulingProblem(graph: generator.graph(), platform: generator.platform)
            label = "random layered graph (seed \(seed))"
        }
        let kind = SchedulerKind(rawValue: scheduler)!
        let clock = ContinuousClock()
        let began = clock.now
        let execution = kind.execute(problem, error: PredictionError(sigma: modelError, seed: seed), seed: seed)
        let elapsed = clock.now - began
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let report = ExecutionReport(execution: execution, problem: problem)
        if json {
            print(JSONWriter.pretty(report.jsonValue))
            return
        }
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

    /// A trace's op DAG or a generated pipeline on a platform of real designs.
    private func systemProblem(platformPath: String) throws -> (SchedulingProblem, String) {
        let inputs = try loadCostInputs(tech: tech, tco: tco)
        let catalog = DeviceCatalog(inputs: inputs)
        let platformFile: PlatformFile
        let coster: TaskCoster
        do throws(ConfigError) {
            platformFile = try PlatformFile.load(path: platformPath) { path throws(ConfigError) in try catalog.facts(path: path) }
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

    /// Exact integers as integers (the paper's examples), others with 4 significant digits.
    private func number(_ x: Double) -> String {
        x.rounded() == x && abs(x) < 1e15 ? String(Int(x)) : String(format: "%.4g", x)
    }
}
