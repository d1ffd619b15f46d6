/// One physical link of a platform: a PCIe slot, a device's port into a fabric (NVLink, chip
/// links), or a node's network port. Full duplex: each direction is its own resource with the
/// link's bandwidth, so traffic into a device never contends with traffic out of it.
public struct Link: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// A device's host link (PCIe): between the device's memory and its node's host memory.
        case pcie
        /// A device's port into a switched fabric of its node (NVLink through NVSwitch, SPU chip links).
        case fabric
        /// A node's network port (InfiniBand or Ethernet NIC) into a non-blocking network.
        case network
    }

    public var name: String
    public var kind: Kind
    /// Bytes per second in each direction.
    public var bytesPerSecond: Double
    /// Seconds added to every transfer that crosses the link.
    public var latencySeconds: Double
    /// Joules per byte moved across the link (both ends' PHYs and SerDes).
    public var joulesPerByte: Double

    public init(name: String, kind: Kind, bytesPerSecond: Double, latencySeconds: Double, joulesPerByte: Double) {
        self.name = name
        self.kind = kind
        self.bytesPerSecond = bytesPerSecond
        self.latencySeconds = latencySeconds
        self.joulesPerByte = joulesPerByte
    }
}

/// How the processors of a platform are wired: nodes with host memory, each device's host link
/// and optional fabric port, and each node's network port.
///
/// Memory *locations*: every device (a processor with a host link) has its own memory; host
/// processors (CPUs, no host link) work in their node's host memory, which is also where a
/// graph's persistent data lives and where evicted data is written back. Location `p` is
/// processor `p`'s memory; location `processorCount + n` is node `n`'s host memory.
///
/// Routes are fixed by the wiring (no adaptive routing):
/// - device → host of its node: the device's host link (up); host → device: the same link (down);
/// - device → device in one node and one fabric: the source's fabric port (out), the target's (in);
/// - device → device in one node otherwise: up the source's host link, down the target's (P2P
///   through the PCIe root or switch);
/// - across nodes: to the source node's host side, its network port (out), the target node's
///   network port (in), then down to the target. The network core is non-blocking.
///
/// A transfer holds every link of its route at once for `bytes / bottleneck bandwidth` (cut-through,
/// as PCIe and NVLink forward packets, not whole messages) and arrives after that plus the sum of
/// the links' latencies. Links serve transfers first come, first served (Sinnen & Sousa, IEEE TPDS
/// 16(6), 2005, schedule edges on links as tasks on processors; here without insertion).
public struct Topology: Sendable, Equatable {
    /// A machine: host memory and an optional network port. Host memory is not limited: it holds
    /// the master copies of persistent data and every write-back (a server's 1–2 TB of DDR is
    /// far larger than any device memory; stated simplification).
    public struct Node: Sendable, Equatable {
        public var name: String
        /// Index into `links` of the node's network port; nil for a single-node platform.
        public var networkLink: Int?

        public init(name: String, networkLink: Int? = nil) {
            self.name = name
            self.networkLink = networkLink
        }
    }

    /// Where one processor sits.
    public struct Attachment: Sendable, Equatable {
        public var node: Int
        /// Index into `links` of its host link; nil for a host processor (a CPU in host memory).
        public var hostLink: Int?
        /// The fabric it belongs to (an identifier shared by the devices of one NVLink domain) and
        /// its port into it; nil when it has none.
        public var fabric: Int?
        public var fabricLink: Int?

        public init(node: Int, hostLink: Int? = nil, fabric: Int? = nil, fabricLink: Int? = nil) {
            self.node = node
            self.hostLink = hostLink
            self.fabric = fabric
            self.fabricLink = fabricLink
        }
    }

    public var links: [Link]
    public var nodes: [Node]
    /// One per processor, in the platform's processor order.
    public var attachments: [Attachment]

    public init(links: [Link], nodes: [Node], attachments: [Attachment]) {
        self.links = links
        self.nodes = nodes
        self.attachments = attachments
    }

    public var processorCount: Int { attachments.count }
    public var locationCount: Int { attachments.count + nodes.count }

    /// The memory location processor `p` works in.
    @inline(__always) public func location(ofProcessor p: Int) -> Int {
        let a = attachments[p]
        return a.hostLink == nil ? attachments.count + a.node : p
    }

    public func hostLocation(node n: Int) -> Int { attachments.count + n }

    public func node(ofLocation l: Int) -> Int { l < attachments.count ? attachments[l].node : l - attachments.count }

    public func isHost(location l: Int) -> Bool { l >= attachments.count }

    /// Directed link resources: `2 × link` carries traffic out of a device or node (up), `2 × link + 1` into it (down).
    public static func outbound(_ link: Int) -> Int { 2 * link }
    public static func inbound(_ link: Int) -> Int { 2 * link + 1 }
    public static func link(ofResource r: Int) -> Int { r / 2 }

    /// The directed link resources a transfer from location `a` to location `b` crosses (empty when
    /// `a == b`). Precondition: the topology is valid (`validate`).
    public func route(from a: Int, to b: Int) -> [Int] {
        if a == b { return [] }
        let na = node(ofLocation: a), nb = node(ofLocation: b)
        if na == nb, !isHost(location: a), !isHost(location: b),
           let fa = attachments[a].fabric, fa == attachments[b].fabric,
           let la = attachments[a].fabricLink, let lb = attachments[b].fabricLink {
            return [Self.outbound(la), Self.inbound(lb)]
        }
        var hops: [Int] = []
        if !isHost(location: a), let up = attachments[a].hostLink { hops.append(Self.outbound(up)) }
        if na != nb {
            hops.append(Self.outbound(nodes[na].networkLink!))
            hops.append(Self.inbound(nodes[nb].networkLink!))
        }
        if !isHost(location: b), let down = attachments[b].hostLink { hops.append(Self.inbound(down)) }
        return hops
    }

    /// Latency and bottleneck bandwidth of the route from `a` to `b`, ignoring other traffic
    /// ((0, ∞) for the same location).
    public func profile(from a: Int, to b: Int) -> (latencySeconds: Double, bytesPerSecond: Double) {
        var latency = 0.0, bandwidth = Double.infinity
        for r in route(from: a, to: b) {
            let link = links[Self.link(ofResource: r)]
            latency += link.latencySeconds
            bandwidth = min(bandwidth, link.bytesPerSecond)
        }
        return (latency, bandwidth)
    }

    /// Seconds to move `bytes` from `a` to `b` on idle links.
    public func seconds(bytes: Double, from a: Int, to b: Int) -> Double {
        if a == b { return 0 }
        let p = profile(from: a, to: b)
        return p.latencySeconds + bytes / p.bytesPerSecond
    }

    /// Why the wiring is inconsistent, or nil: every processor on an existing node, link indices
    /// in range and of the right kind, a fabric port with every fabric, and a network port on
    /// every node when there is more than one node.
    public func problem() -> String? {
        func check(_ index: Int?, _ kind: Link.Kind, _ owner: String) -> String? {
            guard let index else { return nil }
            guard links.indices.contains(index) else { return "\(owner): link index \(index) out of range" }
            guard links[index].kind == kind else { return "\(owner): link \(links[index].name) is \(links[index].kind.rawValue), expected \(kind.rawValue)" }
            return nil
        }
        for (p, a) in attachments.enumerated() {
            guard nodes.indices.contains(a.node) else { return "processor \(p): node \(a.node) does not exist" }
            if let m = check(a.hostLink, .pcie, "processor \(p) host link") ?? check(a.fabricLink, .fabric, "processor \(p) fabric port") { return m }
            if (a.fabric == nil) != (a.fabricLink == nil) { return "processor \(p): a fabric needs a fabric port and a port needs a fabric" }
            if a.hostLink == nil, a.fabric != nil { return "processor \(p): a host processor works in host memory and has no fabric port" }
        }
        for (n, node) in nodes.enumerated() {
            if let m = check(node.networkLink, .network, "node \(n) network port") { return m }
            if nodes.count > 1, node.networkLink == nil { return "node \(node.name) needs a network port: the platform has \(nodes.count) nodes" }
        }
        for link in links where !(link.bytesPerSecond > 0 && link.bytesPerSecond.isFinite && link.latencySeconds >= 0 && link.joulesPerByte >= 0) {
            return "link \(link.name): bandwidth must be > 0 and finite, latency and energy ≥ 0"
        }
        return nil
    }
}
