import ArgumentParser
import Foundation
import SPUCore
import SPUScheduling

/// `spusim schedule`: schedule a task graph on its processors and report the schedule.
struct ScheduleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Schedule a task graph on heterogeneous processors (HEFT, CPOP, eager, random); docs/scheduling.md.")

    @Option(help: "Task graph JSON (processors, tasks with costs per device class, edges); docs/scheduling.md.")
    var graph: String?

    @Option(name: .customLong("random-graph"), help: "Instead of --graph: a random layered graph of this many tasks (benchmark).")
    var randomGraph: Int?

    @Option(help: "Processors of the random graph's platform (three device classes, round-robin; default 16).")
    var processors: Int?

    @Option(help: "Scheduler: heft, cpop, eager or random.")
    var scheduler = "heft"

    @Option(help: "Seed of the random scheduler and of --random-graph.")
    var seed: UInt64 = 1

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        guard SchedulerKind(rawValue: scheduler) != nil else {
            throw unknownValue("--scheduler", scheduler, accepted: SchedulerKind.allCases.map(\.rawValue))
        }
        guard (graph == nil) != (randomGraph == nil) else { throw ValidationError("give exactly one of --graph FILE and --random-graph TASKS") }
        try OptionRange.check(randomGraph, in: 1...TaskGraphFile.Limits.tasks.upperBound, option: "--random-graph")
        try OptionRange.check(processors, in: TaskGraphFile.Limits.processors, option: "--processors")
        if graph != nil, processors != nil { throw ValidationError("--processors applies to --random-graph; a --graph file lists its processors") }
    }

    func run() throws {
        let problem: SchedulingProblem
        let label: String
        if let path = graph {
            do {
                problem = try TaskGraphFile.load(path: path).problem()
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
        let schedule = kind.make(seed: seed).schedule(problem)
        let elapsed = clock.now - began
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let report = ScheduleReport(schedule: schedule, problem: problem)
        if json {
            print(JSONWriter.pretty(report.jsonValue))
            return
        }
        print("graph: \(label): \(report.taskCount) tasks, \(report.edgeCount) edges, \(report.processors.count) processors")
        print("scheduler: \(report.scheduler)" + (randomGraph != nil ? " (scheduled in \(Formatting.fixed(seconds, 3)) s)" : ""))
        print("makespan: \(number(report.makespanSeconds)) s (lower bounds: critical path at fastest costs \(number(report.criticalPathBoundSeconds)) s, work / processors \(number(report.workBoundSeconds)) s)")
        let shown = 20
        let names = report.processors.indices.prefix(shown).map { "\(report.processors[$0]) \(Formatting.percent(report.utilisation[$0]))" }
        print("utilisation: " + names.joined(separator: ", ") + (report.processors.count > shown ? ", …" : ""))
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
