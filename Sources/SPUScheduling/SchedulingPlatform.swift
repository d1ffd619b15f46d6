/// The machine a task graph is scheduled on: processors, each of a device class, and how long
/// data takes between two of them.
///
/// This is the paper's model (Topcuoglu, Hariri & Wu 2002, §2): communication between tasks on the
/// same processor is free, and between two different processors costs the edge's given time, or
/// `latency + bytes / bandwidth` for an edge given in bytes, the same for every pair (no link
/// contention). Per-link topologies (PCIe, NVLink, network) with contention are a later step of
/// issue 17 and will replace `UniformCommunication` behind the same two questions.
public struct SchedulingPlatform: Sendable, Equatable {
    /// One processor (a CPU socket, a GPU, an SPU): a name and the device class whose costs it uses.
    public struct Processor: Sendable, Equatable {
        public var name: String
        public var deviceClass: String

        public init(name: String, deviceClass: String) {
            self.name = name
            self.deviceClass = deviceClass
        }
    }

    public var processors: [Processor]
    public var communication: UniformCommunication

    public init(processors: [Processor], communication: UniformCommunication = UniformCommunication()) {
        self.processors = processors
        self.communication = communication
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
