/// A static scheduler: maps every task of a problem to a processor and a start time.
///
/// Static list schedulers (HEFT, CPOP) and the baselines implement this; dynamic ones (StarPU's
/// `dmda`, work stealing), which decide as tasks complete in a simulated runtime, are a later
/// step of issue 17 and will produce the same `Schedule`.
public protocol Scheduler: Sendable {
    /// Short name used on the command line and in results (`heft`).
    var name: String { get }
    func schedule(_ problem: SchedulingProblem) -> Schedule
}

/// The schedulers the command line offers.
public enum SchedulerKind: String, CaseIterable, Sendable {
    case heft, cpop, eager, random

    public func make(seed: UInt64 = 1) -> any Scheduler {
        switch self {
        case .heft: HEFTScheduler()
        case .cpop: CPOPScheduler()
        case .eager: EagerScheduler()
        case .random: RandomScheduler(seed: seed)
        }
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
            let arrival = a.finishSeconds + (a.processor == p ? 0 : problem.remoteSeconds[predecessors.edge[k]])
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
