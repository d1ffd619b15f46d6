import SPUCore

/// A training cluster around one accelerator design: how devices are grouped into nodes, the
/// network tiers that join them, and the power and cost of everything that is not an
/// accelerator (hosts, NICs, switches). The accelerator itself (its compute, memory, chip links,
/// power and price) comes from its design file, so an SPU cluster and a GPU cluster are described
/// the same way and priced by the same rule. Read from `configs/clusters/*.json`
/// (`ClusterSpec+JSON.swift`); every number there carries a source.
public struct ClusterSpec: Sendable, Equatable {
    public var name: String
    public var description: String
    /// Accelerators per node (server), each node with one host.
    public var devicesPerNode: Int
    /// The scale-up domain: devices joined by their chip links (NVLink/NVSwitch, SPU chip links).
    /// Its bandwidth and latency are the design's chip links; the cluster says how many devices
    /// the domain holds and how the links are wired.
    public var scaleUp: ScaleUpTier
    /// Scale-out tiers, innermost first (e.g. a rail-optimised fat tree), each a domain of
    /// `devices` devices that is a multiple of the tier below.
    public var scaleOut: [NetworkTier]
    /// Per-node power and price of the host (CPUs, memory, storage, fans, power supplies).
    public var host: HostSpec
    public var sources: [String]

    public init(name: String, description: String = "", devicesPerNode: Int, scaleUp: ScaleUpTier, scaleOut: [NetworkTier],
                host: HostSpec, sources: [String] = []) {
        self.name = name
        self.description = description
        self.devicesPerNode = devicesPerNode
        self.scaleUp = scaleUp
        self.scaleOut = scaleOut
        self.host = host
        self.sources = sources
    }

    /// The most devices the cluster's outermost tier joins.
    public var maxDevices: Int { scaleOut.last?.devices ?? scaleUp.devices }
}

/// How a tier's links are wired, which sets what fraction of a device's injection bandwidth a
/// collective reaches and how many hops its bytes travel.
public enum NetworkTopology: String, CaseIterable, Sendable {
    /// Every device one hop from every other through non-blocking switches (NVSwitch, a leaf switch).
    case `switch`
    /// A folded-Clos (fat-tree) of switches; `oversubscription` > 1 divides the bandwidth that leaves a leaf.
    case fatTree = "fat-tree"
    /// A k-dimensional torus of direct links (wrap-around in each dimension).
    case torus
    /// A k-dimensional mesh of direct links (no wrap-around).
    case mesh
}

/// The scale-up domain: the devices' own chip links.
public struct ScaleUpTier: Sendable, Equatable {
    /// Devices in one domain (8 for an HGX board, 72 for NVL72, a whole SPU mesh).
    public var devices: Int
    public var topology: NetworkTopology
    /// Dimensions of a torus or mesh (2 for a 2-D torus); 1 for a switch.
    public var dimensions: Int
    /// Switch chips of the domain (NVSwitch), per device: power and price, 0 for direct links.
    public var switchWattsPerDevice: Double
    public var switchUSDPerDevice: Double

    public init(devices: Int, topology: NetworkTopology, dimensions: Int = 1, switchWattsPerDevice: Double = 0, switchUSDPerDevice: Double = 0) {
        self.devices = devices
        self.topology = topology
        self.dimensions = dimensions
        self.switchWattsPerDevice = switchWattsPerDevice
        self.switchUSDPerDevice = switchUSDPerDevice
    }
}

/// One scale-out tier: each device's NIC into it, its wiring, latency, achieved efficiency,
/// energy, and the NIC and switch power and price it adds per device.
public struct NetworkTier: Sendable, Equatable {
    public var name: String
    /// Devices in one domain of this tier (the whole cluster for the outermost).
    public var devices: Int
    public var topology: NetworkTopology
    public var dimensions: Int
    /// Injection bandwidth of one device into the tier, one direction (its NIC share).
    public var bytesPerSecondPerDevice: Double
    /// Latency of one step of a collective (NIC, switches and software), seconds.
    public var latencySeconds: Double
    /// Achieved fraction of `bytesPerSecondPerDevice` in large collectives (NCCL bus bandwidth / line rate).
    public var efficiency: Double
    /// Bandwidth that leaves a leaf switch over the bandwidth that enters it (1: full bisection).
    public var oversubscription: Double
    /// Energy of one bit carried through the tier (NICs, optics, switch hops), joules per byte here.
    public var joulesPerByte: Double
    public var nicWattsPerDevice: Double
    public var switchWattsPerDevice: Double
    public var nicUSDPerDevice: Double
    public var switchUSDPerDevice: Double

    public init(name: String, devices: Int, topology: NetworkTopology, dimensions: Int = 1, bytesPerSecondPerDevice: Double,
                latencySeconds: Double, efficiency: Double, oversubscription: Double = 1, joulesPerByte: Double = 0,
                nicWattsPerDevice: Double = 0, switchWattsPerDevice: Double = 0, nicUSDPerDevice: Double = 0, switchUSDPerDevice: Double = 0) {
        self.name = name
        self.devices = devices
        self.topology = topology
        self.dimensions = dimensions
        self.bytesPerSecondPerDevice = bytesPerSecondPerDevice
        self.latencySeconds = latencySeconds
        self.efficiency = efficiency
        self.oversubscription = oversubscription
        self.joulesPerByte = joulesPerByte
        self.nicWattsPerDevice = nicWattsPerDevice
        self.switchWattsPerDevice = switchWattsPerDevice
        self.nicUSDPerDevice = nicUSDPerDevice
        self.switchUSDPerDevice = switchUSDPerDevice
    }
}

/// The host of one node: CPUs, DRAM, storage, fans and power-supply losses, as power drawn at
/// the wall and price, beside the accelerators.
public struct HostSpec: Sendable, Equatable {
    public var watts: Double
    public var usd: Double
    public init(watts: Double, usd: Double) {
        self.watts = watts
        self.usd = usd
    }
}
