import SPUCore

extension ClusterSpec {
    /// Ranges every cluster number must fall in (physical bounds, wide enough for future machines).
    public enum Limits {
        public static let devices = 1...16_777_216
        public static let dimensions = 1...6
        public static let bandwidthGBPerS: ClosedRange<Double> = 1e-3...1e6
        public static let latencyMicroseconds: ClosedRange<Double> = 0...1e5
        public static let oversubscription: ClosedRange<Double> = 1...64
        public static let picojoulesPerBit: ClosedRange<Double> = 0...1e4
        public static let watts: ClosedRange<Double> = 0...1e6
        public static let usd: ClosedRange<Double> = 0...1e9
    }

    public static func load(path: String) throws(ConfigError) -> ClusterSpec {
        try decode(try InputFile.readJSONObject(path))
    }

    /// Decodes a cluster file (format: `docs/training.md`, "Cluster files").
    public static func decode(_ r: JSONObjectReader) throws(ConfigError) -> ClusterSpec {
        r.expecting(["name", "description", "devices_per_node", "scale_up", "scale_out", "host", "source"])
        let name = try r.string("name")
        let description = try r.optionalString("description") ?? ""
        var sources: [String] = []
        if r.has("source") { sources.append(try r.source()) }
        let perNode = try r.int("devices_per_node", in: Limits.devices)

        let up = try r.object("scale_up")
        up.expecting(["devices", "topology", "dimensions", "switch_w_per_device", "switch_usd_per_device", "source"])
        let upTopology: NetworkTopology = try up.choice("topology")
        let scaleUp = ScaleUpTier(
            devices: try up.int("devices", in: Limits.devices), topology: upTopology,
            dimensions: try dimensions(up, topology: upTopology),
            switchWattsPerDevice: try up.optionalNumber("switch_w_per_device", in: Limits.watts) ?? 0,
            switchUSDPerDevice: try up.optionalNumber("switch_usd_per_device", in: Limits.usd) ?? 0)
        sources.append(try up.source())
        try up.finish()
        guard scaleUp.devices % perNode == 0 || perNode % scaleUp.devices == 0 else {
            throw up.fail("devices", "must be a multiple or a divisor of devices_per_node (\(perNode)), got \(scaleUp.devices)")
        }

        var tiers: [NetworkTier] = []
        var below = max(scaleUp.devices, perNode)
        for item in try r.array("scale_out") {
            let t = try JSONObjectReader(file: r.file, path: item.path, value: item.value)
            t.expecting(["name", "devices", "topology", "dimensions", "bandwidth_gb_per_s_per_device", "latency_us", "efficiency",
                         "oversubscription", "pj_per_bit", "nic_w_per_device", "switch_w_per_device", "nic_usd_per_device",
                         "switch_usd_per_device", "source"])
            let topology: NetworkTopology = try t.choice("topology")
            let tier = NetworkTier(
                name: try t.string("name"), devices: try t.int("devices", in: Limits.devices), topology: topology,
                dimensions: try dimensions(t, topology: topology),
                bytesPerSecondPerDevice: try t.number("bandwidth_gb_per_s_per_device", in: Limits.bandwidthGBPerS) * Units.giga,
                latencySeconds: try t.number("latency_us", in: Limits.latencyMicroseconds) * 1e-6,
                efficiency: try t.number("efficiency", in: 0.01...1),
                oversubscription: try t.optionalNumber("oversubscription", in: Limits.oversubscription) ?? 1,
                joulesPerByte: (try t.optionalNumber("pj_per_bit", in: Limits.picojoulesPerBit) ?? 0) * 8e-12,
                nicWattsPerDevice: try t.optionalNumber("nic_w_per_device", in: Limits.watts) ?? 0,
                switchWattsPerDevice: try t.optionalNumber("switch_w_per_device", in: Limits.watts) ?? 0,
                nicUSDPerDevice: try t.optionalNumber("nic_usd_per_device", in: Limits.usd) ?? 0,
                switchUSDPerDevice: try t.optionalNumber("switch_usd_per_device", in: Limits.usd) ?? 0)
            sources.append(try t.source())
            try t.finish()
            guard tier.devices > below, tier.devices % below == 0 else {
                throw t.fail("devices", "must be a multiple of the tier below (\(below) devices) and larger, got \(tier.devices)")
            }
            below = tier.devices
            tiers.append(tier)
        }

        let h = try r.object("host")
        h.expecting(["w_per_node", "usd_per_node", "source"])
        let host = HostSpec(watts: try h.number("w_per_node", in: Limits.watts), usd: try h.number("usd_per_node", in: Limits.usd))
        sources.append(try h.source())
        try h.finish()
        try r.finish()
        return ClusterSpec(name: name, description: description, devicesPerNode: perNode, scaleUp: scaleUp, scaleOut: tiers,
                           host: host, sources: sources)
    }

    private static func dimensions(_ r: JSONObjectReader, topology: NetworkTopology) throws(ConfigError) -> Int {
        switch topology {
        case .torus, .mesh:
            guard r.has("dimensions") else { throw r.fail("dimensions", "is required for a \(topology.rawValue) (1 to 6)") }
            return try r.int("dimensions", in: Limits.dimensions)
        case .switch, .fatTree:
            if r.has("dimensions") { throw r.fail("dimensions", "applies only to a torus or a mesh, not a \(topology.rawValue)") }
            return 1
        }
    }
}
