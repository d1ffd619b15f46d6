import SPUCore

/// The JSON platform format (`docs/scheduling.md`): nodes, the devices in each, and the links
/// between them, decoded into a topology `SchedulingPlatform`.
///
/// ```json
/// {"name": "rag-node", "source": "…",
///  "nodes": [{"name": "node", "count": 1,
///    "network": {"bandwidth_bytes_per_s": 5e10, "latency_s": 3e-6, "energy_pj_per_bit": 20, "source": "…"},
///    "fabrics": [{"name": "nvlink", "port_bandwidth_bytes_per_s": 4.5e11, "latency_s": 1e-6, "energy_pj_per_bit": 1.3, "source": "…"}],
///    "devices": [
///      {"name": "cpu", "count": 2, "class": "cpu", "host": true, "active_power_w": 360, "idle_power_w": 100, "source": "…"},
///      {"name": "gpu", "count": 8, "design": "../gpus/h100-sxm.json", "fabric": "nvlink",
///       "host_link": {"pcie_generation": 5, "lanes": 16, "latency_s": 1e-6, "energy_pj_per_bit": 5, "source": "…"}}]}]}
/// ```
///
/// A device gives its facts explicitly (`class`, `memory_bytes`, `active_power_w`,
/// `idle_power_w`), or names a `design` file that a `DesignResolver` turns into them (the
/// command line resolves SPU, GPU and CPU designs through the hardware and power models);
/// explicit keys override the design's. A host device (`"host": true`, a CPU) works in its node's
/// host memory and has no host link; every other device needs a `host_link`. Devices named in a
/// fabric get a port of the fabric's bandwidth each. Node and device `count`s replicate them:
/// processor names are `node[.k].device[k]` (`gpu3` on a single-node platform).
public struct PlatformFile: Sendable {
    /// What a device design contributes to a platform.
    public struct DesignFacts: Sendable, Equatable {
        public var deviceClass: String
        public var memoryBytes: Double?
        public var activePowerWatts: Double
        public var idlePowerWatts: Double
        /// Whether the design is a host processor (a CPU).
        public var isHost: Bool
        /// TCO per hour of one device (`TCOModel`), when known.
        public var tcoUSDPerHour: Double?

        public init(deviceClass: String, memoryBytes: Double?, activePowerWatts: Double, idlePowerWatts: Double, isHost: Bool, tcoUSDPerHour: Double? = nil) {
            self.deviceClass = deviceClass
            self.memoryBytes = memoryBytes
            self.activePowerWatts = activePowerWatts
            self.idlePowerWatts = idlePowerWatts
            self.isHost = isHost
            self.tcoUSDPerHour = tcoUSDPerHour
        }
    }

    /// Resolves a `design` path (relative to the platform file) into facts, or throws a
    /// `ConfigError` naming the design file.
    public typealias DesignResolver = (_ path: String) throws(ConfigError) -> DesignFacts

    /// Usable bandwidth per lane and direction of each PCIe generation, bytes per second: the
    /// raw rate after line coding (PCI-SIG base specifications: Gen3 8 GT/s 128b/130b, Gen4
    /// 16 GT/s, Gen5 32 GT/s, Gen6 64 GT/s PAM4 with FLIT mode, ~242/256 efficiency).
    public static let pcieBytesPerSecondPerLane: [Int: Double] = [3: 0.985e9, 4: 1.969e9, 5: 3.938e9, 6: 7.563e9]

    public var name: String?
    public var source: String?
    public var platform: SchedulingPlatform
    /// Design file of each processor (nil when given explicitly), resolved against the platform file.
    public var designPaths: [String?]

    public enum Limits {
        public static let count = 1...4096
        public static let processors = 1...4096
        public static let bandwidth: ClosedRange<Double> = 1e3...1e15
        public static let latency: ClosedRange<Double> = 0...1
        public static let energyPicojoulesPerBit: ClosedRange<Double> = 0...1e4
        public static let power: ClosedRange<Double> = 0...1e6
        public static let memory: ClosedRange<Double> = 1...1e15
    }

    /// Loads a platform; `counts` overrides the `count` of devices by name in every node (the
    /// platform mix of a study; 0 removes the device), and must name devices the file has.
    public static func load(path: String, counts: [String: Int] = [:], resolveDesign: DesignResolver? = nil) throws(ConfigError) -> PlatformFile {
        let root = try InputFile.readJSONObject(path)
        let directory = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        return try decode(root, designDirectory: directory, counts: counts, resolveDesign: resolveDesign)
    }

    public static func decode(_ root: JSONObjectReader, designDirectory: String = ".", counts: [String: Int] = [:],
                              resolveDesign: DesignResolver? = nil) throws(ConfigError) -> PlatformFile {
        var unusedCounts = Set(counts.keys)
        root.expecting(["name", "source", "nodes"])
        let name = try root.optionalString("name")
        let source = try root.optionalString("source")
        var links: [Link] = [], nodes: [Topology.Node] = [], attachments: [Topology.Attachment] = []
        var processors: [SchedulingPlatform.Processor] = [], designPaths: [String?] = []
        var fabricCount = 0
        let nodeItems = try root.array("nodes")
        guard !nodeItems.isEmpty else { throw root.fail("nodes", "must list at least one node") }

        struct DeviceTemplate {
            var name: String
            var count: Int
            var facts: DesignFacts
            var design: String?
            var hostLink: (bytesPerSecond: Double, latency: Double, joulesPerByte: Double)?
            var fabric: String?
        }
        struct FabricTemplate { var name: String; var bytesPerSecond: Double; var latency: Double; var joulesPerByte: Double }

        var decoded: [(name: String, count: Int, network: (Double, Double, Double)?, fabrics: [FabricTemplate], devices: [DeviceTemplate])] = []
        for item in nodeItems {
            let node = try JSONObjectReader(file: root.file, path: item.path, value: item.value)
            node.expecting(["name", "count", "network", "fabrics", "devices", "source"])
            let nodeName = try node.string("name")
            let count = try node.optionalInt("count", in: Limits.count) ?? 1
            _ = try node.optionalString("source")
            var network: (Double, Double, Double)? = nil
            if let n = try node.optionalObject("network") {
                network = try linkFacts(n, bandwidthKey: "bandwidth_bytes_per_s")
                try n.finish()
            }
            var fabrics: [FabricTemplate] = []
            if node.has("fabrics") {
                for f in try node.array("fabrics") {
                    let reader = try JSONObjectReader(file: root.file, path: f.path, value: f.value)
                    let fabricName = try reader.string("name")
                    let facts = try linkFacts(reader, bandwidthKey: "port_bandwidth_bytes_per_s", extra: ["name"])
                    guard !fabrics.contains(where: { $0.name == fabricName }) else { throw reader.fail("name", "duplicate fabric \"\(fabricName)\" in this node") }
                    fabrics.append(FabricTemplate(name: fabricName, bytesPerSecond: facts.0, latency: facts.1, joulesPerByte: facts.2))
                    try reader.finish()
                }
            }
            var devices: [DeviceTemplate] = []
            for d in try node.array("devices") {
                let reader = try JSONObjectReader(file: root.file, path: d.path, value: d.value)
                reader.expecting(["name", "count", "design", "class", "host", "memory_bytes", "active_power_w", "idle_power_w", "tco_usd_per_hour", "host_link", "fabric", "source"])
                let deviceName = try reader.string("name")
                guard !devices.contains(where: { $0.name == deviceName }) else { throw reader.fail("name", "duplicate device \"\(deviceName)\" in this node") }
                var deviceCount = try reader.optionalInt("count", in: Limits.count) ?? 1
                if let override = counts[deviceName] {
                    guard (0...Limits.count.upperBound).contains(override) else { throw reader.fail("count", "the mix asks for \(override) \(deviceName) devices; give 0…\(Limits.count.upperBound)") }
                    deviceCount = override
                    unusedCounts.remove(deviceName)
                }
                _ = try reader.optionalString("source")
                var facts: DesignFacts
                let design = try reader.optionalString("design")
                if let design {
                    guard let resolveDesign else { throw reader.fail("design", "designs are resolved by the command line; give class, active_power_w and idle_power_w instead") }
                    let path = design.hasPrefix("/") ? design : designDirectory + "/" + design
                    facts = try resolveDesign(path)
                } else {
                    guard reader.has("source") else { throw reader.fail("source", "a device given without a design needs a source for its numbers (or \"assumption\")") }
                    facts = DesignFacts(deviceClass: try reader.string("class"), memoryBytes: nil,
                                        activePowerWatts: try reader.number("active_power_w", in: Limits.power),
                                        idlePowerWatts: try reader.number("idle_power_w", in: Limits.power), isHost: false)
                }
                if let c = try reader.optionalString("class") { facts.deviceClass = c }
                if let h = reader.has("host") ? try reader.bool("host") : nil { facts.isHost = h }
                if let m = try reader.optionalNumber("memory_bytes", in: Limits.memory) { facts.memoryBytes = m }
                if let w = try reader.optionalNumber("active_power_w", in: Limits.power) { facts.activePowerWatts = w }
                if let w = try reader.optionalNumber("idle_power_w", in: Limits.power) { facts.idlePowerWatts = w }
                if let usd = try reader.optionalNumber("tco_usd_per_hour", in: 0...1e6) { facts.tcoUSDPerHour = usd }
                guard !facts.deviceClass.isEmpty else { throw reader.fail("class", "must be a non-empty device class") }
                guard facts.idlePowerWatts <= facts.activePowerWatts else { throw reader.fail("idle_power_w", "idle power \(facts.idlePowerWatts) W exceeds active power \(facts.activePowerWatts) W") }
                var hostLink: (Double, Double, Double)? = nil
                if let h = try reader.optionalObject("host_link") {
                    guard !facts.isHost else { throw reader.fail("host_link", "a host device works in host memory and has no host link") }
                    h.expecting(["pcie_generation", "lanes", "bandwidth_bytes_per_s", "latency_s", "energy_pj_per_bit", "source"])
                    _ = try h.source()
                    let bandwidth: Double
                    if let explicit = try h.optionalNumber("bandwidth_bytes_per_s", in: Limits.bandwidth) {
                        guard !h.has("pcie_generation") && !h.has("lanes") else { throw h.fail("bandwidth_bytes_per_s", "give either bandwidth_bytes_per_s or pcie_generation and lanes") }
                        bandwidth = explicit
                    } else {
                        let generation = try h.int("pcie_generation", in: 3...6)
                        let lanes = try h.int("lanes", in: 1...32)
                        guard [1, 2, 4, 8, 16, 32].contains(lanes) else { throw h.fail("lanes", "PCIe links have 1, 2, 4, 8, 16 or 32 lanes, got \(lanes)") }
                        bandwidth = pcieBytesPerSecondPerLane[generation]! * Double(lanes)
                    }
                    hostLink = (bandwidth, try h.number("latency_s", in: Limits.latency),
                                try h.number("energy_pj_per_bit", in: Limits.energyPicojoulesPerBit) * 1e-12 * 8)
                    try h.finish()
                } else if !facts.isHost {
                    throw reader.fail("host_link", "a device that is not a host needs a host_link (its PCIe connection to host memory)")
                }
                let fabric = try reader.optionalString("fabric")
                if let fabric {
                    guard !facts.isHost else { throw reader.fail("fabric", "a host device works in host memory and joins no fabric") }
                    guard fabrics.contains(where: { $0.name == fabric }) else { throw reader.fail("fabric", "unknown fabric \"\(fabric)\" (not among this node's fabrics[*].name)") }
                }
                try reader.finish()
                devices.append(DeviceTemplate(name: deviceName, count: deviceCount, facts: facts, design: design, hostLink: hostLink, fabric: fabric))
            }
            guard devices.contains(where: { $0.count > 0 }) else { throw node.fail("devices", "a node needs at least one device") }
            try node.finish()
            guard !decoded.contains(where: { $0.name == nodeName }) else { throw node.fail("name", "duplicate node \"\(nodeName)\"") }
            decoded.append((nodeName, count, network, fabrics, devices))
        }
        try root.finish()
        if let unknown = unusedCounts.sorted().first {
            throw root.fail("nodes", "the mix names device \"\(unknown)\", which no node of the platform has")
        }

        let nodeTotal = decoded.reduce(0) { $0 + $1.count }
        for (k, node) in decoded.enumerated() where nodeTotal > 1 && node.network == nil {
            throw ConfigError(file: root.file, path: "$.nodes[\(k)].network", message: "the platform has \(nodeTotal) nodes, so every node needs a network port")
        }
        for node in decoded {
            for copy in 0..<node.count {
                let nodeName = node.count > 1 ? "\(node.name)\(copy)" : node.name
                let prefix = nodeTotal > 1 ? nodeName + "." : ""
                var networkLink: Int? = nil
                if let (bw, latency, energy) = node.network, nodeTotal > 1 {
                    networkLink = links.count
                    links.append(Link(name: "\(prefix)nic", kind: .network, bytesPerSecond: bw, latencySeconds: latency, joulesPerByte: energy))
                }
                let nodeIndex = nodes.count
                nodes.append(Topology.Node(name: nodeName, networkLink: networkLink))
                var fabricIds: [String: Int] = [:]
                for f in node.fabrics { fabricIds[f.name] = fabricCount; fabricCount += 1 }
                for device in node.devices {
                    for k in 0..<device.count {
                        let processorName = prefix + (device.count > 1 ? "\(device.name)\(k)" : device.name)
                        var attachment = Topology.Attachment(node: nodeIndex)
                        if let h = device.hostLink {
                            attachment.hostLink = links.count
                            links.append(Link(name: "\(processorName).pcie", kind: .pcie, bytesPerSecond: h.bytesPerSecond, latencySeconds: h.latency, joulesPerByte: h.joulesPerByte))
                        }
                        if let fabricName = device.fabric, let f = node.fabrics.first(where: { $0.name == fabricName }) {
                            attachment.fabric = fabricIds[fabricName]
                            attachment.fabricLink = links.count
                            links.append(Link(name: "\(processorName).\(fabricName)", kind: .fabric, bytesPerSecond: f.bytesPerSecond, latencySeconds: f.latency, joulesPerByte: f.joulesPerByte))
                        }
                        attachments.append(attachment)
                        processors.append(.init(name: processorName, deviceClass: device.facts.deviceClass, activePowerWatts: device.facts.activePowerWatts,
                                                idlePowerWatts: device.facts.idlePowerWatts, memoryBytes: device.facts.isHost ? nil : device.facts.memoryBytes,
                                                tcoUSDPerHour: device.facts.tcoUSDPerHour))
                        designPaths.append(device.design.map { $0.hasPrefix("/") ? $0 : designDirectory + "/" + $0 })
                        guard Limits.processors.contains(processors.count) else {
                            throw root.fail("nodes", "the platform has more than \(Limits.processors.upperBound) processors")
                        }
                    }
                }
            }
        }
        let topology = Topology(links: links, nodes: nodes, attachments: attachments)
        if let problem = topology.problem() { throw root.fail("nodes", problem) }
        return PlatformFile(name: name, source: source, platform: SchedulingPlatform(name: name, processors: processors, interconnect: .topology(topology)),
                            designPaths: designPaths)
    }

    /// Bandwidth (under `bandwidthKey`), latency and energy of a link object, as (bytes/s, s, J/byte); requires a `source`.
    private static func linkFacts(_ reader: JSONObjectReader, bandwidthKey: String, extra: [String] = []) throws(ConfigError) -> (Double, Double, Double) {
        reader.expecting(extra + [bandwidthKey, "latency_s", "energy_pj_per_bit", "source"])
        _ = try reader.source()
        return (try reader.number(bandwidthKey, in: Limits.bandwidth), try reader.number("latency_s", in: Limits.latency),
                try reader.number("energy_pj_per_bit", in: Limits.energyPicojoulesPerBit) * 1e-12 * 8)
    }
}
