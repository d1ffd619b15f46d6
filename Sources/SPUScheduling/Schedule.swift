/// A static schedule: for every task of a graph, the processor it runs on and when.
///
/// What a scheduler returns; `ScheduleChecker` validates it against the graph and platform
/// independently of the scheduler that made it.
public struct Schedule: Sendable, Equatable {
    /// Where and when one task runs.
    public struct Assignment: Sendable, Equatable {
        public var processor: Int
        public var startSeconds: Double
        public var finishSeconds: Double

        public init(processor: Int, startSeconds: Double, finishSeconds: Double) {
            self.processor = processor
            self.startSeconds = startSeconds
            self.finishSeconds = finishSeconds
        }
    }

    /// The scheduler's name (`heft`, `cpop`, …).
    public var scheduler: String
    /// `assignments[task]`, indexed as the graph's tasks.
    public var assignments: [Assignment]

    public init(scheduler: String, assignments: [Assignment]) {
        self.scheduler = scheduler
        self.assignments = assignments
    }

    /// The schedule length: the latest finish (0 for an empty graph).
    public var makespanSeconds: Double { assignments.reduce(0) { max($0, $1.finishSeconds) } }

    /// Seconds each processor is busy.
    public func busySeconds(processors: Int) -> [Double] {
        var busy = [Double](repeating: 0, count: processors)
        for a in assignments { busy[a.processor] += a.finishSeconds - a.startSeconds }
        return busy
    }

    /// Busy time over makespan, per processor (0 for an empty schedule).
    public func utilisation(processors: Int) -> [Double] {
        let makespan = makespanSeconds
        return busySeconds(processors: processors).map { makespan > 0 ? $0 / makespan : 0 }
    }
}
