/// A static scheduler: maps every task of a problem to a processor and a start time before
/// anything runs (HEFT, CPOP). `RuntimeSimulator` then executes the plan (`StaticPlanPolicy`).
public protocol Scheduler: Sendable {
    /// Short name used on the command line and in results (`heft`).
    var name: String { get }
    func schedule(_ problem: SchedulingProblem) -> Schedule
}

/// The schedulers the command line and sweeps offer: static list schedulers planned on the
/// predicted costs and executed by the runtime, and dynamic runtime policies.
public enum SchedulerKind: String, CaseIterable, Sendable {
    case heft, cpop, dmda, dm, ws, eager, random

    public var isStatic: Bool { self == .heft || self == .cpop }

    /// What the scheduler does, for help texts and docs.
    public var summary: String {
        switch self {
        case .heft: "static: HEFT list scheduling (Topcuoglu et al. 2002), planned, then run"
        case .cpop: "static: CPOP list scheduling (Topcuoglu et al. 2002), planned, then run"
        case .dmda: "dynamic: StarPU deque model, data aware (earliest expected termination incl. transfers)"
        case .dm: "dynamic: StarPU deque model (earliest expected termination, transfers ignored)"
        case .ws: "dynamic: work stealing (StarPU lws), model-free"
        case .eager: "dynamic: StarPU eager, one shared FIFO, model-free"
        case .random: "dynamic: a random capable processor per task (baseline)"
        }
    }

    /// The static planner (nil for dynamic policies).
    public var planner: (any Scheduler)? {
        switch self {
        case .heft: HEFTScheduler()
        case .cpop: CPOPScheduler()
        default: nil
        }
    }

    /// A fresh runtime policy for one run (a static kind needs its plan: `execute`).
    func dynamicPolicy(processors: Int, seed: UInt64) -> (any RuntimePolicy)? {
        switch self {
        case .heft, .cpop: nil
        case .dmda: DequeModelPolicy(processors: processors, dataAware: true)
        case .dm: DequeModelPolicy(processors: processors, dataAware: false)
        case .ws: WorkStealingPolicy(processors: processors, seed: seed)
        case .eager: EagerPolicy()
        case .random: RandomPolicy(processors: processors, seed: seed)
        }
    }

    /// Runs `problem` under this scheduler in the runtime simulator. Decisions use the costs
    /// `error` predicts; tasks run for their actual costs. A static scheduler plans first (on the
    /// predicted costs and idle links) and the runtime executes its plan.
    public func execute(_ problem: SchedulingProblem, error: PredictionError = PredictionError(sigma: 0), seed: UInt64 = 1) -> Execution {
        let predicted = error.predictions(for: problem)
        let simulator = RuntimeSimulator(problem: problem, predicted: predicted)
        if let planner {
            let plan = planner.schedule(predicted)
            return simulator.run(StaticPlanPolicy(plan: plan, processors: problem.processorCount, topologicalOrder: problem.graph.topologicalOrder), plannedMakespanSeconds: plan.makespanSeconds)
        }
        return simulator.run(dynamicPolicy(processors: problem.processorCount, seed: seed)!)
    }
}

/// Shared steps of the list schedulers.
enum ListScheduling {
    /// When task `v`'s data can be on processor `p`: the latest arrival over its predecessors
    /// (finish + communication, zero from the same processor).
    @inline(__always)
    static func dataReady(_ v: Int, on p: Int, problem: SchedulingProblem, assignments: [Schedule.Assignment]) -> Double {
        var ready = 0.0
        let predecessors = problem.predecessors
        for k in predecessors.range(v) {
            let a = assignments[predecessors.items[k]]
            let arrival = a.finishSeconds + problem.communicationSeconds(edge: predecessors.edge[k], from: a.processor, to: p)
            if arrival > ready { ready = arrival }
        }
        return ready
    }

    /// The processor giving `v` the earliest finish with insertion, as (processor, start, position);
    /// ties go to the lowest processor index.
    static func earliestFinish(_ v: Int, problem: SchedulingProblem, timeline: ProcessorTimeline,
                               assignments: [Schedule.Assignment]) -> (processor: Int, start: Double, position: Int) {
        var best = (processor: -1, start: 0.0, position: 0)
        var bestFinish = Double.infinity
        for p in 0..<problem.processorCount {
            let duration = problem.cost(task: v, processor: p)
            guard duration.isFinite else { continue }
            let ready = dataReady(v, on: p, problem: problem, assignments: assignments)
            let slot = timeline.earliestStart(on: p, ready: ready, duration: duration)
            if slot.start + duration < bestFinish {
                bestFinish = slot.start + duration
                best = (p, slot.start, slot.position)
            }
        }
        return best
    }

    /// Places `v` on `p` at `start` and records it.
    static func place(_ v: Int, on p: Int, start: Double, position: Int, problem: SchedulingProblem,
                      timeline: inout ProcessorTimeline, assignments: inout [Schedule.Assignment]) {
        let finish = start + problem.cost(task: v, processor: p)
        timeline.insert(on: p, at: position, start: start, finish: finish)
        assignments[v] = Schedule.Assignment(processor: p, startSeconds: start, finishSeconds: finish)
    }
}
