import Foundation
import GRDB
import Testing
@testable import SPUCore
@testable import SPUCost
@testable import SPUHardware
@testable import SPUPerformance
@testable import SPUResults
@testable import SPUSweep
@testable import SPUWorkload
@testable import SPUSimCLI

/// Mapping objectives (latency, energy, EDP), the operating point and the op-evaluation cache.
@Suite struct MappingObjectiveTests {
    static func inputs() throws -> CostInputs { try CostModelTests.inputs() }

    static func energyModel(_ device: DeviceSpec) throws -> EnergyModel {
        let inputs = try inputs()
        let technology = try #require(inputs.technology(for: device.processNode))
        let area = AreaModel(technology: technology, parameters: inputs.model).area(of: device)
        return EnergyModel(device: device, technology: technology, memory: inputs.memory, parameters: inputs.model, area: area)
    }

    static func traces() throws -> [Workload] {
        try Repo.files(in: "workloads/traces").map { try Workload.load(path: $0) }
    }

    /// Over the same candidates, the energy objective's mapping of every op costs no more energy
    /// and takes no less time than the latency objective's, and the EDP objective's mapping has
    /// the lowest energy × latency of the three (per-op energy as the energy model prices it:
    /// dynamic energy plus the chip's leakage over the op).
    @Test func objectivesOrderEnergyLatencyAndEDPOnShippedTraces() throws {
        let tolerance = 1e-9
        let device = try Repo.device("configs/chips/spu-datacenter.json")
        let pricer = try Self.energyModel(device)
        func model(_ objective: MappingObjective) -> PerformanceModel {
            PerformanceModel(device: device, options: MappingSearchOptions(objective: objective, energyPricer: pricer))
        }
        var fewerJoules = 0
        for trace in try Self.traces() {
            let byLatency = model(.latency).evaluate(trace), byEnergy = model(.energy).evaluate(trace), byEDP = model(.edp).evaluate(trace)
            #expect(byEnergy.mappingObjective == .energy && byEDP.mappingObjective == .edp && byLatency.mappingObjective == .latency)
            for ((l, e), d) in zip(zip(byLatency.ops, byEnergy.ops), byEDP.ops) where l.kind == .matmul {
                let (jl, je, jd) = (pricer.joules(l.activity, seconds: l.latencySeconds), pricer.joules(e.activity, seconds: e.latencySeconds),
                                    pricer.joules(d.activity, seconds: d.latencySeconds))
                let label = "\(trace.name) op \(l.name)"
                #expect(je <= jl * (1 + tolerance), "\(label): energy objective \(je) J > latency objective \(jl) J")
                #expect(e.latencySeconds >= l.latencySeconds * (1 - tolerance), "\(label): energy objective faster than the latency objective")
                #expect(jd * d.latencySeconds <= jl * l.latencySeconds * (1 + tolerance), "\(label): EDP above the latency mapping's")
                #expect(jd * d.latencySeconds <= je * e.latencySeconds * (1 + tolerance), "\(label): EDP above the energy mapping's")
                #expect(e.mappingCandidatesEvaluated == l.mappingCandidatesEvaluated && d.mappingCandidatesEvaluated == l.mappingCandidatesEvaluated)
                if je < jl * (1 - 1e-6) { fewerJoules += 1 }
            }
        }
        #expect(fewerJoules > 0, "the energy objective never found a cheaper mapping: it is not searching")
    }

    /// A cache hit returns exactly what a fresh evaluation computes, for every objective, and a
    /// cache shared by designs on different process nodes never hands one design's energy-optimal
    /// mappings to another.
    @Test func cacheHitsEqualFreshEvaluations() throws {
        let designs = [try Repo.device("configs/chips/spu-datacenter.json"),
                       try JSONEdit.variant("configs/chips/spu-datacenter.json", [(["memory", "offchip", "type"], .string("ddr5"))]),
                       try JSONEdit.variant("configs/chips/spu-datacenter.json", [(["clock_ghz"], .number(0.7))])]
        let trace = try Workload.load(path: Repo.path("workloads/traces/llama-3-8b-decode-b32-ctx4096.json"))
        for objective in MappingObjective.allCases {
            let cache = OpEvaluationCache()
            for device in designs {
                let options = MappingSearchOptions(budget: 512, objective: objective, energyPricer: try Self.energyModel(device))
                let fresh = PerformanceModel(device: device, options: options).evaluate(trace)
                for point in [OperatingPoint.nominal, OperatingPoint(clockScale: 0.5)] {
                    let reference = point == .nominal ? fresh : PerformanceModel(device: device, operatingPoint: point, options: options).evaluate(trace)
                    for _ in 0..<2 {
                        let cached = PerformanceModel(device: device, operatingPoint: point, options: options, cache: cache).evaluate(trace)
                        Self.expectSameOps(cached, reference, "\(device.name) \(objective) at \(point.clockScale)")
                    }
                }
            }
            #expect(cache.hits > 0)
        }
    }

    static func expectSameOps(_ a: EvaluationResult, _ b: EvaluationResult, _ label: String) {
        #expect(a.ops.count == b.ops.count, "\(label)")
        #expect(a.latencySeconds == b.latencySeconds, "\(label)")
        #expect(a.activity == b.activity, "\(label)")
        for (x, y) in zip(a.ops, b.ops) {
            let sameIdentity = x.name == y.name && x.kind == y.kind && x.repeatCount == y.repeatCount && x.einsum == y.einsum
            let sameTimes = x.bound == y.bound && x.latencySeconds == y.latencySeconds && x.computeCycles == y.computeCycles
                && x.times == y.times
            let sameWork = x.activity == y.activity && x.flops == y.flops
            let sameMapping = x.mapping == y.mapping && x.mappingCandidatesEvaluated == y.mappingCandidatesEvaluated
            #expect(sameIdentity && sameTimes && sameWork && sameMapping, "\(label): op \(x.name) differs between the cached and the fresh evaluation")
        }
    }

    /// Evaluating at an operating point gives bit for bit what rewriting the design's clock gave
    /// (the model before operating points), and the design is left as it was.
    @Test func operatingPointMatchesARewrittenClock() throws {
        let device = try Repo.device("configs/chips/spu-training.json")
        let trace = try Workload.load(path: Repo.path("workloads/traces/llama-2-7b-prefill-b1-prompt2048.json"))
        for scale in [1.0, 0.61328125, 0.02] {
            var rewritten = device
            rewritten.clockGHz *= scale
            let old = PerformanceModel(device: rewritten).evaluate(trace)
            let new = PerformanceModel(device: device, operatingPoint: OperatingPoint(clockScale: scale)).evaluate(trace)
            Self.expectSameOps(new, old, "clock scale \(scale)")
            #expect(new.macUtilization == old.macUtilization)
            #expect(new.operatingPoint.clockScale == scale)
        }
    }

    /// The throttle factor of a cost result is the clock scale of the operating point its
    /// performance was evaluated at; the evaluator's design keeps its clock and hash.
    @Test func throttleFactorIsTheOperatingPoint() throws {
        let device = try Repo.device("configs/chips/spu-training.json")
        let evaluator = try DesignEvaluator(device: device, inputs: try Self.inputs())
        let trace = try Workload.load(path: Repo.path("workloads/traces/transformer-gemms.json"))
        let result = evaluator.evaluate(trace)
        #expect(result.cost.throttleFactor == result.performance.operatingPoint.clockScale)
        #expect(evaluator.device.clockGHz == device.clockGHz && evaluator.device.contentHash == device.contentHash)
    }

    /// The design's `mapping.objective` applies unless the run overrides it.
    @Test func designObjectiveAppliesUnlessOverridden() throws {
        let device = try JSONEdit.variant("configs/chips/spu-datacenter.json", [(["mapping"], .object([("objective", .string("edp"))]))])
        #expect(device.mapping?.objective == .edp)
        let trace = try Workload.load(path: Repo.path("workloads/traces/transformer-gemms.json"))
        let inputs = try Self.inputs()
        #expect(try DesignEvaluator(device: device, inputs: inputs).evaluate(trace).performance.mappingObjective == .edp)
        let overridden = try DesignEvaluator(device: device, inputs: inputs, options: MappingSearchOptions(objective: .latency))
        #expect(overridden.evaluate(trace).performance.mappingObjective == .latency)
        #expect(try DesignEvaluator(device: try Repo.device("configs/chips/spu-datacenter.json"), inputs: inputs)
            .evaluate(trace).performance.mappingObjective == .latency)
    }

    @Test func badMappingObjectiveNamesThePathAndTheChoices() throws {
        var value = try JSONParser.parse(String(contentsOfFile: Repo.path("configs/chips/spu-datacenter.json"), encoding: .utf8))
        value = JSONEdit.set(.object([("objective", .string("power"))]), at: ["mapping"], in: value)
        #expect(throws: ConfigError.self) { try DeviceSpec.decode(text: JSONWriter.pretty(value), file: "x.json") }
        do {
            _ = try DeviceSpec.decode(text: JSONWriter.pretty(value), file: "x.json")
        } catch {
            #expect(error.description == #"x.json: $.mapping.objective: unknown value "power" (expected one of: latency, energy, edp)"#)
        }
        value = JSONEdit.set(.object([("objective", .string("energy")), ("budget", .number(3))]), at: ["mapping"], in: value)
        do {
            _ = try DeviceSpec.decode(text: JSONWriter.pretty(value), file: "x.json")
            Issue.record("accepted an unknown key in mapping")
        } catch {
            #expect(error.description.hasPrefix("x.json: $.mapping.budget: unknown key"))
        }
    }

    @Test func sweepMappingObjectiveIsParsed() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let axes = #"[{"path": "$.compute.mesh.rows", "values": [4, 8]}]"#
        let plain = try SweepSpec.load(path: try SweepTests.sweepFile(dir, name: "plain", axes: axes))
        #expect(plain.mappingObjective == nil)
        let path = try SweepTests.sweepFile(dir, name: "edp", axes: axes)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try text.replacingOccurrences(of: #""name": "edp","#, with: #""name": "edp", "mapping_objective": "edp","#)
            .write(toFile: path, atomically: true, encoding: .utf8)
        let edp = try SweepSpec.load(path: path)
        #expect(edp.mappingObjective == .edp)
        #expect(edp.contentHash != plain.contentHash)
        // The sweep's objective reaches every design's evaluator, with the energy model as pricer.
        let evaluator = try SweepRunner(spec: edp, options: SweepOptions(jobs: 1)).evaluator.costModel(try Repo.device("configs/chips/spu-edge-inference.json"))
        #expect(evaluator.options.objective == .edp && evaluator.options.energyPricer != nil)
        try text.replacingOccurrences(of: #""name": "edp","#, with: #""name": "edp", "mapping_objective": "speed","#)
            .write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try SweepSpec.load(path: path)
            Issue.record("accepted mapping_objective \"speed\"")
        } catch {
            #expect("\(error)".contains("$.mapping_objective: unknown value \"speed\""))
        }
    }

    /// `spusim run --mapping-objective energy` stores per-op energies no higher than the latency
    /// objective's.
    @Test func runTakesAMappingObjective() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let trace = Repo.path("workloads/traces/transformer-gemms.json")
        // At one operating point: without a TDP limit neither run is throttled, so both price
        // their ops at the nominal supply the mapper optimises for (a throttled run would price
        // them at its own, lower voltage).
        var design = try String(contentsOfFile: Repo.path("configs/chips/spu-datacenter.json"), encoding: .utf8)
        design = design.replacingOccurrences(of: #""tdp_w": 600"#, with: #""tdp_w": 100000"#)
        let arch = dir.appendingPathComponent("spu-unlimited.json").path
        try design.write(toFile: arch, atomically: true, encoding: .utf8)
        var energies: [String: [Double]] = [:]
        for objective in ["latency", "energy"] {
            let db = dir.appendingPathComponent("\(objective).sqlite").path
            #expect(CLI.run(["run", "--arch", arch, "--workload", trace, "--db", db, "--mapping-objective", objective, "--top", "1"]) == 0)
            energies[objective] = try ResultsStore(path: db).read { db in
                try Double.fetchAll(db, sql: "SELECT energy_j FROM op_results ORDER BY op_index")
            }
        }
        let latency = try #require(energies["latency"]), energy = try #require(energies["energy"])
        #expect(latency.count == 8 && energy.count == 8)
        for (l, e) in zip(latency, energy) { #expect(e <= l * (1 + 1e-9)) }
        #expect(CLI.run(["run", "--arch", arch, "--workload", trace, "--no-store", "--mapping-objective", "speed"]) != 0)
    }
}
