import SPUCore
import SPUFormats

extension DeviceSpec {
    /// Loads and validates a hardware description file.
    public static func load(path: String) throws(ConfigError) -> DeviceSpec {
        try decode(try InputFile.readJSONObject(path))
    }

    /// Decodes a hardware description from JSON text; `file` is used in error messages.
    public static func decode(text: String, file: String) throws(ConfigError) -> DeviceSpec {
        try decode(try JSONObjectReader.document(file: file, text: text))
    }

    /// Decodes strictly: unknown keys, missing fields, non-positive sizes and unknown names fail.
    public static func decode(_ root: JSONObjectReader) throws(ConfigError) -> DeviceSpec {
        try decode(root, identified: true)
    }

    /// `decode(root)` when the caller already has the canonical JSON of `root.value` and its
    /// SHA-256 (a sweep writes each point's canonical JSON to name it): they become the spec's
    /// `canonicalJSON` and `contentHash` instead of being computed again.
    public static func decode(_ root: JSONObjectReader, canonicalJSON: String, contentHash: String) throws(ConfigError) -> DeviceSpec {
        try decode(root, identified: true, identity: (canonicalJSON, contentHash))
    }

    /// Applies every rule of `decode` and returns nothing: for checking many candidate designs
    /// (a sweep axis's values) without building each one's canonical JSON and content hash, which
    /// is most of a decode's time.
    public static func check(_ root: JSONObjectReader) throws(ConfigError) {
        _ = try decode(root, identified: false)
    }

    /// `identified`: whether to compute the canonical JSON and content hash (empty otherwise).
    private static func decode(_ root: JSONObjectReader, identified: Bool,
                               identity: (canonicalJSON: String, contentHash: String)? = nil) throws(ConfigError) -> DeviceSpec {
        root.expecting(["name", "kind", "description", "process_node", "clock_ghz", "tdp_w", "source",
                        "compute", "memory", "noc", "chip_links", "calibration", "silicon", "price", "mapping"])
        var sources: [String: String] = [:]
        func cite(_ reader: JSONObjectReader) throws(ConfigError) { sources[reader.path] = try reader.source() }

        let name = try root.string("name")
        guard name.unicodeScalars.allSatisfy({ ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || "._-".unicodeScalars.contains($0) }) else {
            throw root.fail("name", "must use only a-z, 0-9, '.', '_' and '-', got \"\(name)\"")
        }
        let kind = try root.choice("kind", as: Kind.self)
        let description = try root.optionalString("description")
        let processNode = try root.string("process_node")
        let clockGHz = try root.number("clock_ghz", in: HardwareLimits.clockGHz)
        let tdp = try root.number("tdp_w", in: HardwareLimits.tdpWatts)
        try cite(root)

        let computeReader = try root.object("compute")
        let compute = try decodeCompute(computeReader, cite: cite)
        if kind == .cpu, case .mesh = compute.arrangement {
            throw computeReader.fail("mesh", "a CPU's cores are a pool behind its cache fabric: give compute.units (the number of enabled cores), not a mesh")
        }
        let memory = try decodeMemory(try root.object("memory"), cite: cite)
        let nocReader = try root.object("noc")
        let noc = try decodeNoC(nocReader, cite: cite)
        if noc.topology != .crossbar, case .pool = compute.arrangement {
            throw nocReader.fail("topology", "\"\(noc.topology.rawValue)\" needs compute.mesh (a rows x cols arrangement); use \"crossbar\" with compute.units")
        }
        let links = try decodeChipLinks(try root.object("chip_links"), cite: cite)
        let calibration = try decodeCalibration(try root.object("calibration"), cite: cite)
        let silicon = try root.optionalObject("silicon").map { (r) throws(ConfigError) in try decodeSilicon(r, cite: cite) } ?? .default
        let price = try root.optionalObject("price").map { (r) throws(ConfigError) in try decodePrice(r, cite: cite) }
        let mapping = try root.optionalObject("mapping").map { (r) throws(ConfigError) in try decodeMapping(r, sources: &sources) }
        if kind == .cpu { try checkCPU(root, silicon: silicon, price: price) }
        try root.finish()
        let canonical = identified ? identity?.canonicalJSON ?? JSONWriter.canonical(root.value) : ""
        let hash = identified ? identity?.contentHash ?? SHA256.hex(canonical) : ""
        return DeviceSpec(name: name, kind: kind, description: description, processNode: processNode,
                          clockGHz: clockGHz, tdpWatts: tdp, compute: compute, memory: memory, noc: noc,
                          chipLinks: links, calibration: calibration, silicon: silicon, price: price, mapping: mapping, sources: sources,
                          canonicalJSON: canonical, contentHash: hash,
                          architectureHash: identified ? architectureHash(of: root.value) : "")
    }

    /// What a CPU must state beyond the common rules: its published die area, because the area
    /// model's compute overhead is fitted on accelerators (GPU SMs, spatial tiles), not on
    /// out-of-order cores, so a CPU's modelled area is only a breakdown of the published one
    /// (`AreaModel`); and a published list price, because a cost-plus price would apply the
    /// accelerator margin of the TCO file to a merchant CPU.
    private static func checkCPU(_ root: JSONObjectReader, silicon: SiliconSpec, price: PriceSpec?) throws(ConfigError) {
        guard silicon.publishedDieAreaMM2 != nil else {
            throw root.fail("silicon", "a CPU needs silicon.published_die_area_mm2 (all dies): the area model's compute overhead is fitted on GPUs and spatial chips, not on CPU cores")
        }
        guard let price, price.policy == .list else {
            throw root.fail("price", "a CPU needs a price object with policy \"list\" (low_usd, default_usd, high_usd from the published list price): a cost-plus price would apply the accelerator margin")
        }
    }

    private static func decodeCompute(_ r: JSONObjectReader, cite: (JSONObjectReader) throws(ConfigError) -> Void) throws(ConfigError) -> ComputeSpec {
        r.expecting(["units", "mesh", "mac_array", "vector_unit", "source"])
        let arrangement: ComputeSpec.Arrangement
        switch (r.has("units"), r.has("mesh")) {
        case (true, false):
            arrangement = .pool(units: try r.int("units", in: HardwareLimits.units))
        case (false, true):
            let mesh = try r.object("mesh")
            mesh.expecting(["rows", "cols"])
            arrangement = .mesh(rows: try mesh.int("rows", in: HardwareLimits.meshSide), cols: try mesh.int("cols", in: HardwareLimits.meshSide))
            try mesh.finish()
        default:
            throw r.fail(nil, "must have exactly one of \"units\" (a pool of units) or \"mesh\" (rows x cols tiles)")
        }
        let array = try r.object("mac_array")
        array.expecting(["rows", "cols", "dataflow", "macs_per_cycle", "accumulation", "shared_datapaths", "source"])
        let rows = try array.int("rows", in: HardwareLimits.macArraySide), cols = try array.int("cols", in: HardwareLimits.macArraySide)
        let dataflow = try array.choice("dataflow", as: Dataflow.self)
        var macs: [NumberFormat: Int] = [:]
        let entries = try array.entries("macs_per_cycle")
        if entries.isEmpty { throw array.fail("macs_per_cycle", "must list at least one number format") }
        for entry in entries {
            guard let format = NumberFormat(rawValue: entry.key) else {
                throw ConfigError(file: r.file, path: entry.path, message: "unknown number format \"\(entry.key)\" (expected one of: \(NumberFormat.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            let n = try JSONObjectReader.int(entry.value, in: HardwareLimits.macsPerCycle, file: r.file, path: entry.path)
            // rows × cols ≤ 4096² = 2^24 (HardwareLimits.macArraySide): cannot overflow.
            guard n % (rows * cols) == 0 else {
                throw ConfigError(file: r.file, path: entry.path, message: "must be a multiple of mac_array rows x cols = \(rows * cols), got \(n)")
            }
            macs[format] = n
        }
        let accumulators = try decodeAccumulation(array, formats: macs)
        let shared = try decodeSharedDatapaths(array, formats: macs)
        if array.has("shared_datapaths") { try cite(array) }
        try array.finish()
        let vector = try r.object("vector_unit")
        vector.expecting(["lanes", "ops_per_lane_per_cycle"])
        let vectorUnit = VectorUnitSpec(lanes: try vector.int("lanes", in: HardwareLimits.vectorLanes),
                                        opsPerLanePerCycle: try vector.number("ops_per_lane_per_cycle", in: HardwareLimits.opsPerLanePerCycle))
        try vector.finish()
        try cite(r)
        try r.finish()
        return ComputeSpec(arrangement: arrangement,
                           macArray: MACArraySpec(rows: rows, cols: cols, dataflow: dataflow, macsPerCycleByFormat: macs,
                                                  declaredAccumulators: accumulators, declaredSharedDatapaths: shared),
                           vectorUnit: vectorUnit)
    }

    /// `mac_array.accumulation`: per format in `macs_per_cycle`, `{"mode": …, "width_bits": W,
    /// "source": …}` — the accumulator register (`AccumulatorSpec`). Modes must suit the format
    /// (`AccumulatorSpec.allows`); widths: fp32 exactly 32, fixed-point 8…64, Gaussian-log from
    /// the product log's range (`AccumulatorSpec.minimumWidth`) to 64.
    private static func decodeAccumulation(_ array: JSONObjectReader, formats: [NumberFormat: Int]) throws(ConfigError) -> [NumberFormat: AccumulatorSpec] {
        guard array.has("accumulation") else { return [:] }
        var out: [NumberFormat: AccumulatorSpec] = [:]
        for entry in try array.entries("accumulation") {
            guard let format = NumberFormat(rawValue: entry.key) else {
                throw ConfigError(file: array.file, path: entry.path, message: "unknown number format \"\(entry.key)\" (expected one of: \(NumberFormat.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            guard formats[format] != nil else {
                throw ConfigError(file: array.file, path: entry.path, message: "format \"\(entry.key)\" is not in macs_per_cycle (declare the accumulator of a supported format)")
            }
            let r = try JSONObjectReader(file: array.file, path: entry.path, value: entry.value)
            r.expecting(["mode", "width_bits", "source"])
            let text = try r.string("mode")
            guard let mode = AccumulationMode(text) else {
                throw r.fail("mode", "unknown accumulation mode \"\(text)\" (expected one of: fp32, exact, mitchell, mitchell-corrected, gaussian-log-f<F>, remainder-binning)")
            }
            guard AccumulatorSpec.allows(mode, for: format.codec) else {
                throw r.fail("mode", "\(entry.key) (\(format.entry.kind.rawValue)) cannot accumulate in mode \(text); its default is \(AccumulatorSpec.default(for: format).mode)")
            }
            let range: ClosedRange<Int>
            switch mode {
            case .float32: range = 32...32
            case .gaussianLog: range = (AccumulatorSpec.minimumWidth(mode: mode, codec: format.codec) ?? 8)...64
            default: range = AccumulatorSpec.fixedPointWidths
            }
            let width = try r.int("width_bits", in: range)
            _ = try r.source()
            try r.finish()
            out[format] = AccumulatorSpec(mode: mode, widthBits: width)
        }
        return out
    }

    /// `mac_array.shared_datapaths`: an array of groups (arrays of format names in
    /// `macs_per_cycle`), each group one datapath; a format in at most one group.
    private static func decodeSharedDatapaths(_ array: JSONObjectReader, formats: [NumberFormat: Int]) throws(ConfigError) -> [[NumberFormat]]? {
        guard array.has("shared_datapaths") else { return nil }
        var seen: Set<NumberFormat> = []
        var groups: [[NumberFormat]] = []
        for (path, value) in try array.array("shared_datapaths") {
            guard case let .array(items) = value, !items.isEmpty else {
                throw ConfigError(file: array.file, path: path, message: "must be a non-empty array of format names")
            }
            var group: [NumberFormat] = []
            for (index, item) in items.enumerated() {
                let itemPath = "\(path)[\(index)]"
                guard case let .string(name) = item, let format = NumberFormat(rawValue: name) else {
                    throw ConfigError(file: array.file, path: itemPath, message: "must be a number format name (one of: \(NumberFormat.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                guard formats[format] != nil else {
                    throw ConfigError(file: array.file, path: itemPath, message: "format \"\(name)\" is not in macs_per_cycle")
                }
                guard seen.insert(format).inserted else {
                    throw ConfigError(file: array.file, path: itemPath, message: "format \"\(name)\" is in more than one datapath group")
                }
                group.append(format)
            }
            groups.append(group)
        }
        return groups
    }

    private static func decodeMemory(_ r: JSONObjectReader, cite: (JSONObjectReader) throws(ConfigError) -> Void) throws(ConfigError) -> MemorySpec {
        r.expecting(["local_sram", "shared_sram", "offchip"])
        let local = try r.object("local_sram")
        local.expecting(["capacity_kib", "read_bytes_per_cycle", "write_bytes_per_cycle", "latency_cycles", "source"])
        let localSpec = LocalSRAMSpec(capacityBytes: try local.number("capacity_kib", in: HardwareLimits.localCapacityKiB) * Units.kibi,
                                      readBytesPerCycle: try local.number("read_bytes_per_cycle", in: HardwareLimits.bytesPerCycle),
                                      writeBytesPerCycle: try local.number("write_bytes_per_cycle", in: HardwareLimits.bytesPerCycle),
                                      latencyCycles: try local.number("latency_cycles", in: HardwareLimits.latencyCycles))
        try cite(local)
        try local.finish()
        var sharedSpec: SharedSRAMSpec?
        if let shared = try r.optionalObject("shared_sram") {
            shared.expecting(["capacity_mib", "bytes_per_cycle", "latency_cycles", "source"])
            sharedSpec = SharedSRAMSpec(capacityBytes: try shared.number("capacity_mib", in: HardwareLimits.sharedCapacityMiB) * Units.mebi,
                                        bytesPerCycle: try shared.number("bytes_per_cycle", in: HardwareLimits.bytesPerCycle),
                                        latencyCycles: try shared.number("latency_cycles", in: HardwareLimits.latencyCycles))
            try cite(shared)
            try shared.finish()
        }
        let off = try r.object("offchip")
        off.expecting(["type", "stacks", "capacity_gb_per_stack", "bandwidth_gb_per_s_per_stack", "latency_ns", "source"])
        let offSpec = OffchipMemorySpec(type: try off.choice("type", as: MemoryType.self),
                                        stacks: try off.int("stacks", in: HardwareLimits.memoryStacks),
                                        capacityBytesPerStack: try off.number("capacity_gb_per_stack", in: HardwareLimits.capacityGBPerStack) * Units.giga,
                                        bandwidthBytesPerSecondPerStack: try off.number("bandwidth_gb_per_s_per_stack", in: HardwareLimits.bandwidthGBPerSecond) * Units.giga,
                                        latencySeconds: try off.number("latency_ns", in: HardwareLimits.latencyNanoseconds) * Units.nanosecond)
        try cite(off)
        try off.finish()
        try r.finish()
        return MemorySpec(localSRAM: localSpec, sharedSRAM: sharedSpec, offchip: offSpec)
    }

    private static func decodeNoC(_ r: JSONObjectReader, cite: (JSONObjectReader) throws(ConfigError) -> Void) throws(ConfigError) -> NetworkOnChipSpec {
        r.expecting(["topology", "link_bytes_per_cycle", "hop_latency_cycles", "source"])
        let spec = NetworkOnChipSpec(topology: try r.choice("topology", as: NetworkOnChipSpec.Topology.self),
                                     linkBytesPerCycle: try r.number("link_bytes_per_cycle", in: HardwareLimits.bytesPerCycle),
                                     hopLatencyCycles: try r.number("hop_latency_cycles", in: HardwareLimits.latencyCycles))
        try cite(r)
        try r.finish()
        return spec
    }

    private static func decodeChipLinks(_ r: JSONObjectReader, cite: (JSONObjectReader) throws(ConfigError) -> Void) throws(ConfigError) -> ChipLinkSpec {
        r.expecting(["count", "bandwidth_gb_per_s_per_direction", "latency_us", "source"])
        let count = try r.int("count", in: HardwareLimits.chipLinks)
        let spec = ChipLinkSpec(count: count,
                                bandwidthBytesPerSecondPerDirection: (count == 0 ? try r.number("bandwidth_gb_per_s_per_direction", in: 0...HardwareLimits.bandwidthGBPerSecond.upperBound)
                                                                                  : try r.number("bandwidth_gb_per_s_per_direction", in: HardwareLimits.bandwidthGBPerSecond)) * Units.giga,
                                latencySeconds: try r.number("latency_us", in: HardwareLimits.latencyMicroseconds) * Units.microsecond)
        try cite(r)
        try r.finish()
        return spec
    }

    private static func decodeSilicon(_ r: JSONObjectReader, cite: (JSONObjectReader) throws(ConfigError) -> Void) throws(ConfigError) -> SiliconSpec {
        r.expecting(["dies", "die_to_die_links", "physical_units", "physical_memory_stacks", "package", "published_die_area_mm2", "source"])
        let dies = try r.int("dies", in: HardwareLimits.dies)
        let links = r.has("die_to_die_links") ? try r.int("die_to_die_links", in: HardwareLimits.dieToDieLinks) : 0
        if dies > 1, links == 0 { throw r.fail("die_to_die_links", "a design with \(dies) dies needs at least one die-to-die link per die") }
        let spec = SiliconSpec(dies: dies, dieToDieLinks: links,
                               physicalUnits: r.has("physical_units") ? try r.int("physical_units", in: HardwareLimits.units) : nil,
                               physicalMemoryStacks: r.has("physical_memory_stacks") ? try r.int("physical_memory_stacks", in: HardwareLimits.physicalMemoryStacks) : nil,
                               package: r.has("package") ? try r.choice("package", as: SiliconSpec.Package.self) : .auto,
                               publishedDieAreaMM2: r.has("published_die_area_mm2") ? try r.number("published_die_area_mm2", in: HardwareLimits.dieAreaMM2) : nil)
        try cite(r)
        try r.finish()
        return spec
    }

    /// The optional `mapping` block: the objective is one of `MappingObjective`'s names; a
    /// `source` (why this objective) is optional, as the block carries no hardware numbers.
    private static func decodeMapping(_ r: JSONObjectReader, sources: inout [String: String]) throws(ConfigError) -> MappingSpec {
        r.expecting(["objective", "source"])
        let spec = MappingSpec(objective: try r.choice("objective", as: MappingObjective.self))
        if let source = try r.optionalString("source") { sources[r.path] = source }
        try r.finish()
        return spec
    }

    /// `policy` defaults to `list` when `default_usd` is given (the GPU files' price ranges) and
    /// to `cost-plus` otherwise; a list price needs its range, a cost-plus price must not state one.
    private static func decodePrice(_ r: JSONObjectReader, cite: (JSONObjectReader) throws(ConfigError) -> Void) throws(ConfigError) -> PriceSpec {
        r.expecting(["policy", "low_usd", "default_usd", "high_usd", "margin", "nre_usd", "volume_units", "source"])
        let policy: PriceSpec.Policy = r.has("policy") ? try r.choice("policy") : (r.has("default_usd") ? .list : .costPlus)
        var spec = PriceSpec(policy: policy, nreUSD: try r.optionalNumber("nre_usd", in: HardwareLimits.nreUSD),
                             volumeUnits: try r.optionalNumber("volume_units", in: HardwareLimits.volumeUnits))
        switch policy {
        case .list:
            let low = try r.number("low_usd", in: HardwareLimits.priceUSD), listed = try r.number("default_usd", in: HardwareLimits.priceUSD)
            let high = try r.number("high_usd", in: HardwareLimits.priceUSD)
            guard low <= listed, listed <= high else { throw r.fail("default_usd", "must lie between low_usd and high_usd") }
            (spec.lowUSD, spec.defaultUSD, spec.highUSD) = (low, listed, high)
            if r.has("margin") { throw r.fail("margin", "applies to policy \"cost-plus\" only (a list price is published, not cost × margin)") }
        case .costPlus:
            for key in ["low_usd", "default_usd", "high_usd"] where r.has(key) {
                throw r.fail(key, "applies to policy \"list\" only (a cost-plus price is manufacturing cost × margin)")
            }
            spec.margin = try r.optionalNumber("margin", in: HardwareLimits.priceMargin)
        }
        try cite(r)
        try r.finish()
        return spec
    }

    /// An efficiency curve of [bytes, fraction] points in increasing byte order.
    private static func bytesCurve(_ r: JSONObjectReader, _ key: String) throws(ConfigError) -> [(bytes: Double, fraction: Double)] {
        var points: [(bytes: Double, fraction: Double)] = []
        for (index, item) in try r.array(key).enumerated() {
            guard case let .array(pair) = item.value, pair.count == 2, case let .number(b) = pair[0], case let .number(f) = pair[1],
                  HardwareLimits.calibrationBytes.contains(b), JSONObjectReader.fractionRange.contains(f) else {
                throw ConfigError(file: r.file, path: item.path,
                                  message: "must be [bytes in \(JSONObjectReader.describe(HardwareLimits.calibrationBytes)), fraction in \(JSONObjectReader.describe(JSONObjectReader.fractionRange))]")
            }
            if let last = points.last, b <= last.bytes {
                throw ConfigError(file: r.file, path: item.path, message: "points must be in increasing byte order (point \(index))")
            }
            points.append((b, f))
        }
        return points
    }

    private static func decodeCalibration(_ r: JSONObjectReader, cite: (JSONObjectReader) throws(ConfigError) -> Void) throws(ConfigError) -> CalibrationSpec {
        r.expecting(["compute_fraction", "offchip_bandwidth_fraction", "gemm_offchip_efficiency", "kernel_launch_overhead_us", "gemm_efficiency",
                     "collective_bandwidth_fraction", "collective_efficiency", "low_latency_all_reduce", "attention_kernel", "grouped_gemm", "source"])
        var spec = CalibrationSpec(computeFraction: try r.fraction("compute_fraction"),
                                   offchipBandwidthFraction: try r.fraction("offchip_bandwidth_fraction"),
                                   kernelLaunchOverheadSeconds: try r.number("kernel_launch_overhead_us", in: HardwareLimits.latencyMicroseconds) * Units.microsecond)
        if r.has("collective_bandwidth_fraction") { spec.collectiveBandwidthFraction = try r.fraction("collective_bandwidth_fraction") }
        if r.has("collective_efficiency") { spec.collectiveEfficiency = try bytesCurve(r, "collective_efficiency") }
        if r.has("gemm_offchip_efficiency") { spec.gemmOffchipEfficiency = try bytesCurve(r, "gemm_offchip_efficiency") }
        if r.has("low_latency_all_reduce") {
            let l = try r.object("low_latency_all_reduce")
            l.expecting(["max_bytes", "max_bytes_two_chips", "base_latency_us", "per_peer_latency_us", "bandwidth_gb_per_s", "source"])
            spec.lowLatencyAllReduce = LowLatencyAllReduceSpec(
                maxBytes: try l.number("max_bytes", in: HardwareLimits.calibrationBytes),
                maxBytesTwoChips: l.has("max_bytes_two_chips") ? try l.number("max_bytes_two_chips", in: HardwareLimits.calibrationBytes) : nil,
                baseLatencySeconds: try l.number("base_latency_us", in: HardwareLimits.latencyMicroseconds) * Units.microsecond,
                perPeerLatencySeconds: try l.number("per_peer_latency_us", in: HardwareLimits.latencyMicroseconds) * Units.microsecond,
                bytesPerSecond: try l.number("bandwidth_gb_per_s", in: HardwareLimits.bandwidthGBPerSecond) * Units.giga)
            try cite(l)
            try l.finish()
        }
        if r.has("attention_kernel") {
            let a = try r.object("attention_kernel")
            a.expecting(["fixed_us", "kv_cache_bandwidth_fraction", "source"])
            spec.attentionKernel = AttentionKernelSpec(fixedSeconds: try a.number("fixed_us", in: HardwareLimits.latencyMicroseconds) * Units.microsecond,
                                                       kvCacheBandwidthFraction: try a.fraction("kv_cache_bandwidth_fraction"))
            try cite(a)
            try a.finish()
        }
        if r.has("grouped_gemm") {
            let g = try r.object("grouped_gemm")
            g.expecting(["fixed_us", "offchip_bandwidth_fraction", "compute_fraction", "overlap_exponent", "source"])
            var grouped = GroupedGEMMSpec(fixedSeconds: try g.number("fixed_us", in: HardwareLimits.latencyMicroseconds) * Units.microsecond,
                                          offchipBandwidthFraction: try g.fraction("offchip_bandwidth_fraction"),
                                          computeFraction: try g.fraction("compute_fraction"))
            if g.has("overlap_exponent") {
                // 1: compute and data movement do not overlap.
                grouped.overlapExponent = try g.number("overlap_exponent", in: HardwareLimits.overlapExponent)
            }
            spec.groupedGEMM = grouped
            try cite(g)
            try g.finish()
        }
        if r.has("gemm_efficiency") {
            for entry in try r.entries("gemm_efficiency") {
                guard let format = NumberFormat(rawValue: entry.key) else {
                    throw ConfigError(file: r.file, path: entry.path, message: "unknown number format \"\(entry.key)\"")
                }
                guard case let .array(items) = entry.value, !items.isEmpty else {
                    throw ConfigError(file: r.file, path: entry.path, message: "must be a non-empty array of [gflop, fraction] points")
                }
                var points: [(gflop: Double, fraction: Double)] = []
                for (index, item) in items.enumerated() {
                    guard case let .array(pair) = item, pair.count == 2, case let .number(g) = pair[0], case let .number(f) = pair[1],
                          HardwareLimits.calibrationGFLOP.contains(g), JSONObjectReader.fractionRange.contains(f) else {
                        throw ConfigError(file: r.file, path: "\(entry.path)[\(index)]",
                                          message: "must be [gflop in \(JSONObjectReader.describe(HardwareLimits.calibrationGFLOP)), fraction in \(JSONObjectReader.describe(JSONObjectReader.fractionRange))]")
                    }
                    if let last = points.last, g <= last.gflop {
                        throw ConfigError(file: r.file, path: "\(entry.path)[\(index)]", message: "points must be in increasing gflop order")
                    }
                    points.append((g, f))
                }
                spec.gemmEfficiency[format] = points
            }
        }
        try cite(r)
        try r.finish()
        return spec
    }
}
