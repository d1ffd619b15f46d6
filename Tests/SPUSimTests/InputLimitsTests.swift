import Foundation
import Testing
@testable import SPUCore
@testable import SPUCost
@testable import SPUHardware
@testable import SPUPerformance
@testable import SPUWorkload

/// Issue 13 (inputs): every number read from a file is range-checked where it is read, nothing
/// traps or hangs on huge values, and no non-finite number leaves the model. One test per
/// reproduction of the issue's fuzzing run.
@Suite struct InputLimitsTests {
    // MARK: Helpers

    /// The ConfigError a throwing body raises, or nil when it succeeds.
    private func configError(_ body: () throws -> Void) -> ConfigError? {
        do { try body() } catch let error as ConfigError { return error } catch { Issue.record("unexpected \(error)") }
        return nil
    }

    /// Decodes a shipped hardware config with one field replaced.
    private func hardwareError(_ file: String, _ path: [String], _ value: JSONValue) -> ConfigError? {
        configError { _ = try JSONEdit.variant(file, [(path, value)]) }
    }

    /// Reads a shipped JSON file, replaces one field, and decodes it with `decode`.
    private func edited<T>(_ file: String, _ path: [String], _ value: JSONValue,
                           _ decode: (JSONObjectReader) throws -> T) -> ConfigError? {
        configError {
            let root = JSONEdit.set(value, at: path, in: try JSONParser.parse(String(contentsOfFile: Repo.path(file), encoding: .utf8)))
            _ = try decode(try JSONObjectReader(file: file, value: root))
        }
    }

    private func expectRange(_ error: ConfigError?, path: String, _ range: ClosedRange<Int>, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(error?.path == path, sourceLocation: sourceLocation)
        #expect(error?.message.hasPrefix("must be an integer in \(JSONObjectReader.describe(range)), got") == true, "\(String(describing: error))",
                sourceLocation: sourceLocation)
    }

    private func expectRange(_ error: ConfigError?, path: String, _ range: ClosedRange<Double>, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(error?.path == path, sourceLocation: sourceLocation)
        #expect(error?.message.hasPrefix("must be a number in \(JSONObjectReader.describe(range)), got") == true, "\(String(describing: error))",
                sourceLocation: sourceLocation)
    }

    static let spu = "configs/chips/spu-datacenter.json"
    static let gpu = "configs/gpus/h100-sxm.json"

    // MARK: Hardware specs

    /// `macs_per_cycle` ≥ 2^63 crashed `spusim validate` (Int of an unbounded double).
    @Test func macsPerCycleBeyondIntIsRefused() {
        let huge = Double(HardwareLimits.macsPerCycle.upperBound) * Double(1 << 31)   // 2^63
        expectRange(hardwareError(Self.spu, ["compute", "mac_array", "macs_per_cycle", "bf16"], .number(huge)),
                    path: "$.compute.mac_array.macs_per_cycle.bf16", HardwareLimits.macsPerCycle)
    }

    /// `mesh.cols` 4,294,967,297 aborted on allocation; 24,000,000 hung `run`.
    @Test(arguments: [Double(UInt32.max) + 2, 24_000_000])
    func hugeMeshIsRefused(cols: Double) {
        expectRange(hardwareError(Self.spu, ["compute", "mesh", "cols"], .number(cols)), path: "$.compute.mesh.cols", HardwareLimits.meshSide)
    }

    /// `silicon.physical_units` 9e15 hung `run` (the harvest-yield sum over spare units).
    @Test func hugePhysicalUnitsAreRefused() {
        expectRange(hardwareError(Self.gpu, ["silicon", "physical_units"], .number(9e15)), path: "$.silicon.physical_units", HardwareLimits.units)
    }

    /// `ops_per_lane_per_cycle` 5e-324 gave a NaN latency in a "feasible" result.
    @Test func subnormalVectorRateIsRefused() {
        expectRange(hardwareError(Self.spu, ["compute", "vector_unit", "ops_per_lane_per_cycle"], .number(5e-324)),
                    path: "$.compute.vector_unit.ops_per_lane_per_cycle", HardwareLimits.opsPerLanePerCycle)
    }

    @Test func clockAndBandwidthNear1e308AreRefused() {
        expectRange(hardwareError(Self.gpu, ["clock_ghz"], .number(1e308)), path: "$.clock_ghz", HardwareLimits.clockGHz)
        expectRange(hardwareError(Self.gpu, ["memory", "offchip", "bandwidth_gb_per_s_per_stack"], .number(1e308)),
                    path: "$.memory.offchip.bandwidth_gb_per_s_per_stack", HardwareLimits.bandwidthGBPerSecond)
    }

    // MARK: Technology and TCO

    /// Technology values near 1e308 trapped in `DesignEvaluator` and gave a null TCO.
    @Test func technologyNear1e308IsRefused() {
        expectRange(edited("configs/tech/n5.json", ["wafer", "price_usd"], .number(1e308), TechnologySpec.decode),
                    path: "$.wafer.price_usd", CostInputLimits.waferPriceUSD)
        expectRange(edited("configs/tech/n5.json", ["logic", "area_factor_vs_45nm"], .number(1e308), TechnologySpec.decode),
                    path: "$.logic.area_factor_vs_45nm", CostInputLimits.scalingFactorVs45nm)
        let edge = edited("configs/tech/n5.json", ["wafer", "edge_exclusion_mm"], .number(CostInputLimits.edgeExclusionMM.upperBound),
                          TechnologySpec.decode)
        #expect(edge?.path == "$.wafer.edge_exclusion_mm")
    }

    @Test func tcoNear1e308IsRefused() {
        expectRange(edited("configs/tco/default.json", ["facility", "capex_usd_per_mw_it"], .number(1e308), TCOParameters.decode),
                    path: "$.facility.capex_usd_per_mw_it", CostInputLimits.usdPerMW)
        expectRange(edited("configs/tco/default.json", ["system", "accelerators_per_server"], .number(1e300), TCOParameters.decode),
                    path: "$.system.accelerators_per_server", CostInputLimits.acceleratorsPerServer)
    }

    /// A compute overhead factor below 1 gave a negative area component.
    @Test func overheadFactorBelowOneIsRefused() {
        expectRange(edited("configs/tech/model-parameters.json", ["compute_overhead_factor", "gpu"], .number(0.5), ModelParameters.decode),
                    path: "$.compute_overhead_factor.gpu", CostInputLimits.computeOverheadFactor)
    }

    // MARK: Workloads

    /// `hidden_size` 8.2e12 trapped in the performance model.
    @Test func hugeHiddenSizeIsRefused() {
        expectRange(edited("workloads/models/llama-3-8b.json", ["hidden_size"], .number(8.2e12), TransformerConfig.decode),
                    path: "$.hidden_size", WorkloadLimits.modelWidth)
    }

    /// Prompt or batch Int.max overflowed in the generators.
    @Test func generatorsThrowOnHugeArguments() throws {
        let generator = TransformerGenerator(model: try Repo.model("llama-3-8b"), modelName: "llama-3-8b")
        #expect(throws: WorkloadGeneratorError.self) { try generator.generate(phase: .prefill, batch: 1, sequenceLength: .max, tensorParallel: 1) }
        #expect(throws: WorkloadGeneratorError.self) { try generator.generate(phase: .decode, batch: .max, sequenceLength: 1, tensorParallel: 1) }
        #expect(throws: WorkloadGeneratorError.self) { try generator.generate(phase: .decode, batch: 1, sequenceLength: 1, tensorParallel: .max) }
        // Each argument in range, their product (tokens) beyond a trace dimension.
        #expect(throws: WorkloadGeneratorError.self) {
            try generator.generate(phase: .prefill, batch: WorkloadLimits.batch.upperBound, sequenceLength: WorkloadLimits.sequenceLength.upperBound,
                                   tensorParallel: 1)
        }
        #expect(throws: WorkloadGeneratorError.self) { try CNNGenerator.resnet50(batch: .max) }
        #expect(throws: WorkloadGeneratorError.self) { try CNNGenerator.resnet50(batch: WorkloadLimits.batch.upperBound + 1) }
    }

    /// A generated trace always reads back: the generator checks the reader's limits.
    @Test func generatedTracesReadBack() throws {
        let traces = [try Repo.transformer("mixtral-8x7b", phase: .prefill, batch: 64, length: 32_768, tp: 2),
                      try Repo.transformer("gpt-3-175b", phase: .decode, batch: 1024, length: 1 << 20, tp: 8),
                      try CNNGenerator.resnet50(batch: 4096)]
        for trace in traces {
            #expect(trace.ops.allSatisfy { WorkloadLimits.check($0) == nil })
            let decoded = try Workload.decode(text: JSONWriter.pretty(trace.jsonValue()), file: "generated.json")
            #expect(decoded.contentHash == trace.contentHash)
        }
    }

    @Test func traceDimensionsAreRangeChecked() throws {
        let file = "workloads/traces/transformer-gemms.json"
        let root = try JSONParser.parse(String(contentsOfFile: Repo.path(file), encoding: .utf8))
        guard case let .object(pairs) = root, case let .array(ops)? = pairs.first(where: { $0.key == "ops" })?.value,
              case let .object(op)? = ops.first, case let .object(dims)? = op.first(where: { $0.key == "dims" })?.value else {
            Issue.record("unexpected trace layout")
            return
        }
        func decode(dims value: JSONValue) -> ConfigError? {
            let edited = JSONEdit.set(.array([JSONEdit.set(value, at: ["dims"], in: .object(op))] + ops.dropFirst()), at: ["ops"], in: root)
            return configError { _ = try Workload.decode(try JSONObjectReader(file: file, value: edited)) }
        }
        let letter = dims[0].key
        expectRange(decode(dims: .object(dims.map { ($0.key, $0.key == letter ? .number(1e16) : $0.value) })),
                    path: "$.ops[0].dims.\(letter)", WorkloadLimits.dimension)
        let largest = JSONValue.number(Double(WorkloadLimits.dimension.upperBound))
        let product = decode(dims: .object(dims.map { ($0.key, largest) }))
        #expect(product?.path == "$.ops[0].dims")
        #expect(product?.message.contains("2^62") == true)
        expectRange(configError { _ = try Workload.decode(try JSONObjectReader(file: file, value: JSONEdit.set(.number(1e300), at: ["devices"], in: root))) },
                    path: "$.devices", WorkloadLimits.devices)
    }

    @Test func gemmListSizesAreRangeChecked() {
        let beyond = WorkloadLimits.dimension.upperBound + 1
        let single = configError { _ = try GEMMListImporter.parse(text: "Layer, M, N, K,\nfc, \(beyond), 1, 1,\n", file: "g.csv") }
        #expect(single?.path == "line 2, column M")
        #expect(single?.message.contains(JSONObjectReader.describe(WorkloadLimits.dimension)) == true)
        let top = WorkloadLimits.dimension.upperBound
        let product = configError { _ = try GEMMListImporter.parse(text: "fc, \(top), \(top), \(top)\n", file: "g.csv") }
        #expect(product?.path == "line 1")
        #expect(product?.message.contains("2^62") == true)
    }

    // MARK: The model with large values

    /// `fleet --input-tokens 1000000000` trapped converting a vector op's unit count.
    @Test func hugeVectorOpEvaluatesFinitely() throws {
        let device = try Repo.device(Self.spu)
        let side = 1 << 31   // 2^31 × 2^31 = 2^62 elements, the largest op a trace may hold
        let op = Op(name: "huge", kind: .elementwise, dims: ["t": side, "d": side], inputs: [TensorRef(dims: ["t", "d"], format: .bf16)],
                    output: TensorRef(dims: ["t", "d"], format: .bf16))
        #expect(WorkloadLimits.check(op) == nil)
        let workload = Workload(name: "huge", phase: .other, throughputUnit: "items", itemsPerIteration: 1, ops: [op])
        let result = PerformanceModel(device: device).evaluate(workload)
        #expect(result.latencySeconds.isFinite && result.latencySeconds > 0)
    }

    /// Output tokens Int.max overflowed `input + output` in fleet sizing.
    @Test func fleetWithHugeTokenCountsIsInfeasibleNotATrap() throws {
        let evaluator = try DesignEvaluator(device: try Repo.device(Self.gpu), inputs: try CostModelTests.inputs())
        let plan = FleetSizing.plan(model: try Repo.model("llama-3-8b"), modelName: "llama-3-8b",
                                    request: FleetRequest(queriesPerDay: 1e6, inputTokens: 1000, outputTokens: .max), evaluator: evaluator)
        #expect(!plan.feasible)
        #expect(plan.reason?.contains(String(WorkloadLimits.sequenceLength.upperBound)) == true)
    }

    /// Harvest yield over the most units a design may have stays a probability and returns quickly.
    @Test func harvestYieldOverMaximumUnitsIsAProbability() {
        let units = HardwareLimits.units.upperBound
        for area in [1e-6, 0.01, 4.0] {
            let y = SiliconCost.harvestYield(units: units, spares: units - 1, unitAreaMM2: area, defectDensityPerCM2: 0.1)
            #expect(y.isFinite && y >= 0 && y <= 1, "\(area): \(y)")
        }
    }

    // MARK: The safety net: no non-finite number leaves the model

    /// A spec built in code skips the file checks; the evaluation must then be infeasible, naming
    /// the quantity and the input, never a feasible result with a NaN latency.
    @Test func nonFiniteLatencyMakesTheResultInfeasible() throws {
        // A design that is otherwise legal (spu-datacenter's calibrated area is over the reticle).
        var device = try Repo.device("configs/chips/spu-edge-inference.json")
        device.compute.vectorUnit.opsPerLanePerCycle = 5e-324
        let evaluator = try DesignEvaluator(device: device, inputs: try CostModelTests.inputs())
        let e = evaluator.evaluate(try Repo.transformer("llama-3-8b", phase: .decode, batch: 1, length: 128))
        #expect(!e.performance.feasible)
        #expect(e.performance.reason?.contains("\(device.name) on ") == true)
        #expect(e.performance.reason?.contains("latency is not finite (check compute.vector_unit.ops_per_lane_per_cycle)") == true,
                "\(e.performance.reason ?? "")")
        #expect(e.performance.throughputPerSecond.isNaN && e.cost.usdPerMillionItems.isNaN && e.cost.itemsPerJoule.isNaN)
    }

    @Test func negativeAreaAndInfiniteTCOMakeTheResultInfeasible() throws {
        let workload = try Repo.transformer("llama-3-8b", phase: .decode, batch: 1, length: 128)
        var inputs = try CostModelTests.inputs()
        inputs.model.gpuComputeOverheadFactor = 0.5
        let negative = try DesignEvaluator(device: try Repo.device(Self.gpu), inputs: inputs).evaluate(workload)
        #expect(!negative.performance.feasible)
        #expect(negative.performance.reason?.contains("area compute_overhead is negative") == true, "\(negative.performance.reason ?? "")")

        inputs = try CostModelTests.inputs()
        inputs.tco.facilityCapexUSDPerMWIT = .greatestFiniteMagnitude
        let infinite = try DesignEvaluator(device: try Repo.device(Self.gpu), inputs: inputs).evaluate(workload)
        #expect(!infinite.performance.feasible)
        #expect(infinite.performance.reason?.contains("is not finite (check the TCO file") == true, "\(infinite.performance.reason ?? "")")
    }

    /// Every shipped design on a shipped workload passes the check untouched, with every catalogue value finite.
    @Test func shippedDesignsPassTheCheck() throws {
        let inputs = try CostModelTests.inputs()
        let workload = try Repo.transformer("llama-3-8b", phase: .decode, batch: 8, length: 1024)
        for file in Repo.files(in: "configs/chips") + Repo.files(in: "configs/gpus") + Repo.files(in: "configs/cpus") {
            let e = try DesignEvaluator(device: try DeviceSpec.load(path: file), inputs: inputs).evaluate(workload)
            #expect(FiniteResultCheck.violation(e) == nil, "\(file)")
            if e.performance.feasible {
                // Optional metrics (a sweep's serving scenario) have no value outside such a sweep.
                let values = MetricCatalogue.values(e)
                #expect(MetricCatalogue.all.allSatisfy { $0.isOptional ? values[$0.name]?.isNaN == true : values[$0.name]?.isFinite == true }, "\(file)")
            }
        }
    }
}
