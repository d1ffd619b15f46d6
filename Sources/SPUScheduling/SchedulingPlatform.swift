/// The machine a task graph is scheduled on: processors, each of a device class, and how data
/// moves between them.
///
/// Two interconnect models:
/// - `uniform` is the model of Topcuoglu, Hariri & Wu (2002, §2): communication between tasks on
///   the same processor is free, and between two different processors costs the edge's given
///   time, or `latency + bytes / bandwidth`, the same for every pair, with no contention and no
///   memory limits.
/// - `topology` wires processors into nodes with host memory, PCIe host links, fabrics and a
///   network (`Topology`): transfers take routes, contend for links, and device memories have
///   capacities (`RuntimeSimulator`).
public struct SchedulingPlatform: Sendable, Equatable {
    /// One processor (a CPU socket, a GPU, an SPU): a name, the device class whose costs it uses,
    /// and what the energy and memory models need.
    public struct Processor: Sendable, Equatable {
        public var name: String
        public var deviceClass: String
        /// Power while running a task that gives no energy of its own, watts per processor.
        public var activePowerWatts: Double
        /// Power while idle, watts per processor.
        public var idlePowerWatts: Double
        /// The processor's own memory (HBM, DDR of an accelerator), bytes; nil: not limited. Host
        /// processors use their node's host memory instead, which is not limited.
        public var memoryBytes: Double?
        /// Total cost of ownership per hour of the processor (capital, operations, electricity
        /// and facility at its provisioned power: `TCOModel`); nil when unknown.
        public var tcoUSDPerHour: Double?

        public init(name: String, deviceClass: String, activePowerWatts: Double = 0, idlePowerWatts: Double = 0, memoryBytes: Double? = nil,
                    tcoUSDPerHour: Double? = nil) {
            self.name = name
            self.deviceClass = deviceClass
            self.activePowerWatts = activePowerWatts
            self.idlePowerWatts = idlePowerWatts
            self.memoryBytes = memoryBytes
            self.tcoUSDPerHour = tcoUSDPerHour
        }
    }

    public enum Interconnect: Sendable, Equatable {
        case uniform(UniformCommunication)
        case topology(Topology)
    }

    public var name: String?
    public var processors: [Processor]
    public var interconnect: Interconnect

    public init(name: String? = nil, processors: [Processor], interconnect: Interconnect = .uniform(UniformCommunication())) {
        self.name = name
        self.processors = processors
        self.interconnect = interconnect
    }

    public init(processors: [Processor], communication: UniformCommunication) {
        self.init(processors: processors, interconnect: .uniform(communication))
    }

    public var topology: Topology? {
        if case let .topology(t) = interconnect { return t }
        return nil
    }

    /// Memory location processor `p` works in: its own index on a uniform platform.
    @inline(__always) public func location(ofProcessor p: Int) -> Int {
        if case let .topology(t) = interconnect { return t.location(ofProcessor: p) }
        return p
    }

    /// TCO per hour of all processors, or nil when some processor's is unknown.
    public var tcoUSDPerHour: Double? {
        processors.reduce(Double?(0)) { sum, p in sum.flatMap { s in p.tcoUSDPerHour.map { s + $0 } } }
    }

    /// Number of memory locations (processors, then nodes' host memories).
    public var locationCount: Int { topology?.locationCount ?? processors.count }

    /// Capacity of a memory location in bytes; nil: not limited (host memories, and every
    /// location of a uniform platform).
    public func capacityBytes(location l: Int) -> Double? {
        guard let t = topology, !t.isHost(location: l) else { return nil }
        return processors[l].memoryBytes
    }

    /// Seconds an edge's data takes from processor `p` to `q` on idle links (0 on the same processor
    /// or memory); nil for bytes on a uniform platform without a bandwidth.
    public func idleCommunicationSeconds(_ data: TaskGraph.EdgeData, from p: Int, to q: Int) -> Double? {
        if p == q { return 0 }
        switch interconnect {
        case let .uniform(communication): return communication.remoteSeconds(data)
        case let .topology(topology):
            guard case let .bytes(b) = data else { return 0 }
            return topology.seconds(bytes: b, from: topology.location(ofProcessor: p), to: topology.location(ofProcessor: q))
        }
    }

    /// Display name of a memory location.
    public func locationName(_ l: Int) -> String {
        guard let t = topology, t.isHost(location: l) else { return processors[l].name }
        return "\(t.nodes[t.node(ofLocation: l)].name).host"
    }
}

/// Uniform interconnect: every pair of different processors sees the same latency and bandwidth.
public struct UniformCommunication: Sendable, Equatable {
    /// Added to every transfer of an edge given in bytes.
    public var latencySeconds: Double
    /// Bytes per second between two different processors; nil when every edge gives its time.
    public var bandwidthBytesPerSecond: Double?

    public init(latencySeconds: Double = 0, bandwidthBytesPerSecond: Double? = nil) {
        self.latencySeconds = latencySeconds
        self.bandwidthBytesPerSecond = bandwidthBytesPerSecond
    }

    /// Seconds to move an edge's data between two different processors (zero on the same one is
    /// the caller's rule). Nil for bytes without a bandwidth.
    public func remoteSeconds(_ data: TaskGraph.EdgeData) -> Double? {
        switch data {
        case let .seconds(s): return s
        case let .bytes(b):
            guard let bandwidth = bandwidthBytesPerSecond else { return nil }
            return latencySeconds + b / bandwidth
        }
    }
}
