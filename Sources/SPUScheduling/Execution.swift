/// What the runtime simulator did with a task graph on a platform: where and when every task ran,
/// every transfer on the links, and every copy of data held in a memory — enough for
/// `ExecutionChecker` to re-verify dependencies, link exclusivity and memory capacities without
/// trusting the simulator, and for `ExecutionReport` to price energy and traffic.
public struct Execution: Sendable {
    /// A piece of data the runtime moves: the output an edge carries to its consumer, or a
    /// persistent data item (`TaskGraph.data`).
    public enum Item: Sendable, Hashable {
        case edge(Int)
        case data(Int)
    }

    /// One copy of `bytes` from memory location `from` to `to`.
    public struct Transfer: Sendable, Equatable {
        public var item: Item
        public var bytes: Double
        public var from: Int
        public var to: Int
        /// The directed link resources held (`Topology.route`); empty on a uniform platform.
        public var resources: [Int]
        /// When the links start carrying it.
        public var startSeconds: Double
        /// When the last byte has arrived (start + latency + bytes / bottleneck bandwidth).
        public var arrivalSeconds: Double
        /// True when it writes an evicted, still-needed output back to host memory.
        public var isWriteBack: Bool

        public init(item: Item, bytes: Double, from: Int, to: Int, resources: [Int], startSeconds: Double, arrivalSeconds: Double, isWriteBack: Bool) {
            self.item = item
            self.bytes = bytes
            self.from = from
            self.to = to
            self.resources = resources
            self.startSeconds = startSeconds
            self.arrivalSeconds = arrivalSeconds
            self.isWriteBack = isWriteBack
        }
    }

    /// Space held for an item in a memory location over [from, to).
    public struct Residency: Sendable, Equatable {
        public var item: Item
        public var location: Int
        public var bytes: Double
        public var fromSeconds: Double
        public var toSeconds: Double

        public init(item: Item, location: Int, bytes: Double, fromSeconds: Double, toSeconds: Double) {
            self.item = item
            self.location = location
            self.bytes = bytes
            self.fromSeconds = fromSeconds
            self.toSeconds = toSeconds
        }
    }

    public var scheduler: String
    /// `assignments[task]`.
    public var assignments: [Schedule.Assignment]
    public var transfers: [Transfer]
    /// Space held in memories with a capacity (device memories); nothing for host memories or
    /// uniform platforms, which have no limit.
    public var residencies: [Residency]
    /// The static scheduler's planned makespan (idle links, exact or predicted costs); nil for dynamic policies.
    public var plannedMakespanSeconds: Double?

    public var schedule: Schedule { Schedule(scheduler: scheduler, assignments: assignments) }
    public var makespanSeconds: Double { schedule.makespanSeconds }
}
