import Foundation
import SPUHardware

/// The collectives of a training step over a cluster's network tiers, by the alpha-beta model
/// (time = bytes ÷ achieved bandwidth + steps × latency) with hierarchical algorithms across
/// tiers, as NCCL runs them. Equations and sources: `docs/training.md`, "Networks".
///
/// Level 0 is the scale-up domain: the design's chip links (bandwidth, per-step latency and the
/// measured collective efficiency curve of its calibration). Levels 1… are the cluster's
/// scale-out tiers. A group of `size` devices placed `stride` apart (Megatron's rank order:
/// tensor-parallel innermost, then data, then pipeline) has, at each level, the members that
/// share one domain of that level; a collective over a group that spans several domains reduces
/// (or gathers) inside each domain first and across domains on the shard, each member using its
/// own link into the upper tier (rail-optimised).
public struct ClusterNetwork: Sendable {
    public enum Collective: String, Sendable, CaseIterable {
        case allReduce = "all-reduce", allGather = "all-gather", reduceScatter = "reduce-scatter"
        case allToAll = "all-to-all", sendReceive = "send-receive"
    }

    /// One level of the hierarchy as the collectives see it.
    public struct Level: Sendable {
        public var name: String
        /// Devices in one domain of the level.
        public var devices: Int
        public var topology: NetworkTopology
        public var dimensions: Int
        /// Injection bandwidth of one device into the level, one direction.
        public var bytesPerSecond: Double
        public var latencySeconds: Double
        public var oversubscription: Double
        public var joulesPerByte: Double
        /// Constant achieved efficiency (scale-out tiers); level 0 uses the design's curve.
        public var efficiency: Double?
    }

    /// Time of one collective on one device, and the bytes it sent into each level.
    public struct Cost: Sendable, Equatable {
        public var seconds: Double
        public var bytesByLevel: [Double]
        public static func zero(levels: Int) -> Cost { Cost(seconds: 0, bytesByLevel: Array(repeating: 0, count: levels)) }
    }

    public let levels: [Level]
    let calibration: CalibrationSpec
    let launchSeconds: Double

    public init(cluster: ClusterSpec, device: DeviceSpec) {
        let links = device.chipLinks
        var levels = [Level(name: "scale-up (\(device.name) chip links)", devices: cluster.scaleUp.devices, topology: cluster.scaleUp.topology,
                            dimensions: cluster.scaleUp.dimensions, bytesPerSecond: links.totalBytesPerSecondPerDirection,
                            latencySeconds: links.latencySeconds, oversubscription: 1, joulesPerByte: 0, efficiency: nil)]
        for tier in cluster.scaleOut {
            levels.append(Level(name: tier.name, devices: tier.devices, topology: tier.topology, dimensions: tier.dimensions,
                                bytesPerSecond: tier.bytesPerSecondPerDevice, latencySeconds: tier.latencySeconds,
                                oversubscription: tier.oversubscription, joulesPerByte: tier.joulesPerByte, efficiency: tier.efficiency))
        }
        self.levels = levels
        self.calibration = device.calibration
        self.launchSeconds = device.calibration.kernelLaunchOverheadSeconds
    }

    /// The most devices the network joins.
    public var maxDevices: Int { levels.last?.devices ?? 1 }

    /// Cost on one device of `collective` over `size` devices `stride` apart. `bytes` is the whole
    /// buffer: the reduced tensor (all-reduce), the gathered output (all-gather), the scattered
    /// input (reduce-scatter), all the bytes a device sends (all-to-all) or the message (send-receive).
    public func cost(_ collective: Collective, bytes: Double, size: Int, stride: Int = 1) -> Cost {
        guard size > 1, bytes > 0 else { return .zero(levels: levels.count) }
        var cost = Cost.zero(levels: levels.count)
        switch collective {
        case .allReduce, .allGather, .reduceScatter:
            cost.seconds = hierarchical(collective, bytes: bytes, size: size, stride: stride, level: 0, bytesByLevel: &cost.bytesByLevel)
        case .allToAll:
            cost.seconds = allToAll(bytes: bytes, size: size, stride: stride, bytesByLevel: &cost.bytesByLevel)
        case .sendReceive:
            let level = spanningLevel(size: size, stride: stride)
            cost.bytesByLevel[level] = bytes
            cost.seconds = bytes / (ringBandwidth(level, members: 2) * efficiency(level, bytes: bytes)) + levels[level].latencySeconds
        }
        cost.seconds += launchSeconds
        return cost
    }

    /// Members of a group (`size` devices `stride` apart) inside one domain of `level`.
    func membersPerDomain(_ level: Int, size: Int, stride: Int) -> Int {
        let domain = levels[level].devices
        return stride >= domain ? 1 : min(size, max(1, domain / stride))
    }

    /// The innermost level one of whose domains holds the whole group (the outermost if none does).
    func spanningLevel(size: Int, stride: Int) -> Int {
        levels.indices.first { membersPerDomain($0, size: size, stride: stride) >= size } ?? levels.count - 1
    }

    private func hierarchical(_ c: Collective, bytes: Double, size: Int, stride: Int, level: Int, bytesByLevel: inout [Double]) -> Double {
        let local = membersPerDomain(level, size: size, stride: stride)
        if local >= size || level == levels.count - 1 { return ring(c, bytes: bytes, members: size, level: level, bytesByLevel: &bytesByLevel) }
        if local == 1 { return hierarchical(c, bytes: bytes, size: size, stride: stride, level: level + 1, bytesByLevel: &bytesByLevel) }
        let outer = size / local, shard = bytes / Double(local)
        switch c {
        case .allReduce:
            return ring(.reduceScatter, bytes: bytes, members: local, level: level, bytesByLevel: &bytesByLevel)
                + hierarchical(.allReduce, bytes: shard, size: outer, stride: stride * local, level: level + 1, bytesByLevel: &bytesByLevel)
                + ring(.allGather, bytes: bytes, members: local, level: level, bytesByLevel: &bytesByLevel)
        default:   // reduce-scatter inside then across on the shard; all-gather across then inside: the same time
            return ring(c, bytes: bytes, members: local, level: level, bytesByLevel: &bytesByLevel)
                + hierarchical(c, bytes: shard, size: outer, stride: stride * local, level: level + 1, bytesByLevel: &bytesByLevel)
        }
    }

    /// A ring (NCCL) over `members` devices of one domain of `level`: all-reduce moves 2(n−1)/n of
    /// the buffer in 2(n−1) steps, all-gather and reduce-scatter (n−1)/n in n−1 steps; on a torus or
    /// mesh the ring runs per dimension, so the steps are Σ over the dimensions it spans of (side − 1).
    private func ring(_ c: Collective, bytes: Double, members: Int, level: Int, bytesByLevel: inout [Double]) -> Double {
        guard members > 1 else { return 0 }
        let n = Double(members), l = levels[level]
        let passes: Double = c == .allReduce ? 2 : 1
        let traffic = passes * (n - 1) / n * bytes
        bytesByLevel[level] += traffic
        let stepsPerPass: Double
        switch l.topology {
        case .switch, .fatTree: stepsPerPass = n - 1
        case .torus, .mesh:
            let spanned = Double(spannedDimensions(level, members: members))
            stepsPerPass = spanned * (pow(n, 1 / spanned) - 1)
        }
        return traffic / (ringBandwidth(level, members: members) * efficiency(level, bytes: bytes)) + passes * stepsPerPass * l.latencySeconds
    }

    /// All-to-all: each device sends `bytes`, an equal share to every member (its own stays); the
    /// shares to members of the same level-i domain (and not of level i−1) cross level i, all
    /// levels at once; a byte on a torus or mesh uses a link per hop (mean hops: side/4 per
    /// dimension on a torus, side/3 on a mesh).
    private func allToAll(bytes: Double, size: Int, stride: Int, bytesByLevel: inout [Double]) -> Double {
        var slowest = 0.0, inner = 1
        for level in levels.indices {
            let local = level == levels.count - 1 ? size : membersPerDomain(level, size: size, stride: stride)
            guard local > inner else { continue }
            let share = bytes * Double(local - inner) / Double(size)
            bytesByLevel[level] += share
            let l = levels[level]
            let hops: Double
            switch l.topology {
            case .switch, .fatTree: hops = 1
            case .torus, .mesh:
                let k = Double(spannedDimensions(level, members: local))
                let side = pow(Double(local), 1 / k)
                hops = max(1, k * side / (l.topology == .torus ? 4 : 3))
            }
            let bandwidth = l.bytesPerSecond / l.oversubscription * efficiency(level, bytes: share)
            slowest = max(slowest, share * hops / bandwidth + l.latencySeconds)
            inner = local
            if local >= size { break }
        }
        return slowest
    }

    /// Dimensions of a torus or mesh a group of `members` spans (members fill one dimension's side first).
    func spannedDimensions(_ level: Int, members: Int) -> Int {
        let l = levels[level]
        let side = pow(Double(l.devices), 1 / Double(l.dimensions))
        guard side > 1.5 else { return 1 }
        return min(l.dimensions, max(1, Int((log(Double(members)) / log(side) - 1e-9).rounded(.up))))
    }

    /// Bandwidth a ring reaches per device: a switch gives the full injection bandwidth (a fat
    /// tree over its oversubscription); a torus the links of the dimensions the ring spans, in both
    /// directions; a mesh half of that (a ring embedded in a mesh uses one of the two directions of
    /// each link it crosses twice).
    func ringBandwidth(_ level: Int, members: Int) -> Double {
        let l = levels[level]
        switch l.topology {
        case .switch: return l.bytesPerSecond
        case .fatTree: return l.bytesPerSecond / l.oversubscription
        case .torus, .mesh:
            let share = Double(spannedDimensions(level, members: members)) / Double(l.dimensions)
            return l.bytesPerSecond * share * (l.topology == .torus ? 1 : 0.5)
        }
    }

    func efficiency(_ level: Int, bytes: Double) -> Double {
        levels[level].efficiency ?? calibration.collectiveFraction(bytes: bytes)
    }
}

extension ClusterNetwork {
    /// Energy of a collective's bytes: the scale-up bytes at the design's chip-link energy, each
    /// scale-out tier's at its own (NICs, optics, switch hops).
    public func energy(_ cost: Cost, chipLinkJoulesPerByte: Double) -> Double {
        var joules = 0.0
        for (level, bytes) in cost.bytesByLevel.enumerated() {
            joules += bytes * (level == 0 ? chipLinkJoulesPerByte : levels[level].joulesPerByte)
        }
        return joules
    }
}
