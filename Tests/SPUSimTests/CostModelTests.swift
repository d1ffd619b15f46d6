import Foundation
import Testing
@testable import SPUCore
@testable import SPUCost
@testable import SPUHardware
@testable import SPUPerformance
@testable import SPUWorkload

@Suite struct CostModelTests {
    static func inputs() throws -> CostInputs {
        try CostInputs.load(techDirectory: Repo.path("configs/tech"), tcoFile: Repo.path("configs/tco/default.json"))
    }

    static func evaluator(_ design: String) throws -> DesignEvaluator {
        try DesignEvaluator(device: try Repo.device(design), inputs: try inputs())
    }

    /// Known answers from hardware-and-tco-data.md §3.2 (814 mm² die, 300 mm wafer, no edge exclusion).
    @Test func diesPerWaferAndYieldKnownAnswers() {
        let wafer = TechnologySpec.WaferSpec(priceUSD: 17000, diameterMM: 300, edgeExclusionMM: 0, defectDensityPerCM2: 0.1,
                                             clusteringAlpha: 3, reticleLimitMM2: 858, maskSetUSD: 0)
        #expect(abs(SiliconCost.diesPerWafer(dieAreaMM2: 814, wafer: wafer) - 63.5) < 0.1)
        #expect(abs(SiliconCost.diesPerWafer(dieAreaMM2: 826, wafer: wafer) - 62.4) < 0.1)
        #expect(abs(SiliconCost.diesPerWafer(dieAreaMM2: 115, wafer: wafer) - 552) < 1)
        let expected: [(TCOParameters.YieldModel, Double)] = [(.poisson, 0.443), (.murphy, 0.468), (.negativeBinomial, 0.487), (.seeds, 0.551)]
        for (model, y) in expected {
            #expect(abs(SiliconCost.yield(areaMM2: 814, defectDensityPerCM2: 0.10, model: model, alpha: 3) - y) < 0.001, "\(model)")
        }
        #expect(abs(SiliconCost.yield(areaMM2: 814, defectDensityPerCM2: 0.05, model: .negativeBinomial, alpha: 3) - 0.683) < 0.001)
        // Harvesting: with spares, yield rises; with no spares it is the all-units-good probability.
        let noSpares = SiliconCost.harvestYield(units: 144, spares: 0, unitAreaMM2: 4, defectDensityPerCM2: 0.1)
        #expect(abs(noSpares - exp(-144 * 4 / 100 * 0.1)) < 1e-12)
        #expect(SiliconCost.harvestYield(units: 144, spares: 12, unitAreaMM2: 4, defectDensityPerCM2: 0.1) > 0.99)
        #expect(abs(TCOModel.capitalRecoveryFactor(rate: 0.08, years: 5) - 0.25046) < 1e-5)
        #expect(TCOModel.capitalRecoveryFactor(rate: 0, years: 4) == 0.25)
    }

    /// Configured like the real chips, the area model lands within 15 % of A100's 826 mm² and H100's 814 mm².
    @Test(arguments: [("configs/gpus/a100-sxm-80gb.json", 826.0), ("configs/gpus/h100-sxm.json", 814.0)])
    func dieAreaCrossCheck(design: String, published: Double) throws {
        let e = try Self.evaluator(design)
        #expect(abs(e.area.totalMM2 / published - 1) < 0.15, "\(design): modelled \(e.area.totalMM2) mm²")
        #expect(e.area.publishedTotalMM2 == published)
        #expect(e.area.parts.allSatisfy { $0.1 >= 0 })
        #expect(abs(e.area.parts.reduce(0) { $0 + $1.1 } - e.area.totalMM2) < 1e-9)
    }

    /// An owned H100 at default parameters costs $1.3–1.6 per hour (hardware-and-tco-data.md §3.12).
    @Test func h100TCOPerHourMatchesPublishedEstimate() throws {
        let tco = try Self.evaluator("configs/gpus/h100-sxm.json").tco
        #expect((1.3...1.6).contains(tco.totalUSDPerHour), "\(tco)")
        #expect(abs(tco.itCapexUSD - 38_812.5) < 1)                         // ($25,000 + $8,750) × 1.15
        #expect(abs(tco.itCapitalUSDPerHour - 1.11) < 0.01)                 // 5 years at 8 %
        #expect(abs(tco.wallPowerW - 1274) < 1)                             // 700 W × 1.82
        #expect(abs(tco.facilityUSDPerHour - 0.20) < 0.01)
    }

    @Test func powerNeverExceedsTDPAfterThePolicy() throws {
        let workloads = [try Repo.transformer("llama-2-7b", phase: .prefill, batch: 4, length: 2048),
                         try Repo.transformer("llama-2-7b", phase: .decode, batch: 64, length: 2048), try CNNGenerator.resnet50(batch: 64)]
        for design in PerformanceModelTests.designs + ["configs/gpus/b200.json"] {
            let e = try Self.evaluator(design)
            for w in workloads {
                let r = e.evaluate(w)
                guard r.performance.latencySeconds.isFinite else { continue }
                #expect(r.cost.averagePowerW <= e.device.tdpWatts * (1 + 1e-9), "\(design) \(w.name): \(r.cost.averagePowerW) W")
                #expect(r.cost.throttleFactor > 0 && r.cost.throttleFactor <= 1)
                if r.cost.throttleFactor < 1 {
                    // Throttling only where the full-clock point was over TDP, and it runs slower.
                    let full = PerformanceModel(device: e.device).evaluate(w)
                    #expect(r.performance.latencySeconds >= full.latencySeconds)
                }
            }
        }
    }

    @Test func energyIsConserved() throws {
        // A legal, unthrottled SPU (the edge design with its TDP lifted), so the per-op energies are at
        // the nominal operating point; the MoE decode runs in FP8 on one chip (the edge SPU has no links).
        let device = try JSONEdit.variant("configs/chips/spu-edge-inference.json", [(["tdp_w"], .number(10000))])
        let e = try DesignEvaluator(device: device, inputs: try Self.inputs())
        let w = try Repo.transformer("mixtral-8x7b", phase: .decode, batch: 32, length: 1024, tp: 1, format: .fp8E4M3)
        let r = e.evaluate(w)
        #expect(r.performance.feasible && r.cost.throttleFactor == 1)
        let perOp = zip(r.cost.opEnergyJ, r.performance.ops).reduce(0.0) { $0 + $1.0 * Double($1.1.repeatCount) }
        let fromTotals = e.energy(of: r.performance.activity).totalJ
        #expect(abs(perOp - r.cost.dynamicEnergy.totalJ) <= 1e-9 * perOp)
        #expect(abs(fromTotals - perOp) <= 1e-9 * perOp)
        let perChip = r.cost.dynamicEnergy.totalJ + r.cost.staticEnergyJ
        #expect(abs(r.cost.energyJ - perChip * Double(w.devices)) <= 1e-9 * r.cost.energyJ)
        #expect(abs(r.cost.averagePowerW - perChip / r.performance.latencySeconds) < 1e-9 * r.cost.averagePowerW)
    }

    @Test func reticleLimitNeedsMoreDies() throws {
        let inputs = try Self.inputs()
        // The edge SPU grown to 12 × 12 tiles (1,162 mm² with the calibrated SPU area) is over the
        // reticle on one die and legal on two (LPDDR: no interposer).
        func edge(dies: Int) throws -> DeviceSpec {
            try JSONEdit.variant("configs/chips/spu-edge-inference.json", [(["compute", "mesh", "rows"], .number(12)), (["compute", "mesh", "cols"], .number(12)),
                                                                          (["silicon", "dies"], .number(Double(dies))), (["silicon", "die_to_die_links"], .number(Double(dies - 1)))])
        }
        let e = try DesignEvaluator(device: try edge(dies: 1), inputs: inputs)
        #expect(e.area.perDieMM2 > 858)
        let r = e.evaluate(try CNNGenerator.resnet50(batch: 1))
        #expect(!r.performance.feasible && r.performance.reason?.contains("reticle") == true)
        let two = try DesignEvaluator(device: try edge(dies: 2), inputs: inputs)
        #expect(two.area.dieToDiePhyMM2 > 0 && two.area.perDieMM2 < 858)
        #expect(two.evaluate(try CNNGenerator.resnet50(batch: 1)).performance.feasible)
    }

    @Test func unknownProcessNodeIsAClearError() throws {
        let device = try JSONEdit.variant("configs/chips/spu-datacenter.json", [(["process_node"], .string("n1.4"))])
        #expect(throws: CostError.self) { try DesignEvaluator(device: device, inputs: try Self.inputs()) }
        do {
            _ = try CostInputs.load(techDirectory: Repo.path("configs/tech"), tcoFile: Repo.path("configs/chips/spu-datacenter.json"))
            Issue.record("accepted a hardware file as TCO parameters")
        } catch {
            #expect(error.description.hasSuffix("spu-datacenter.json: $.system: is required (an object)"))
        }
    }

    /// The fleet formula uses the per-chip rates of the operating points it reports.
    @Test func fleetSizingIsConsistentWithPerChipThroughput() throws {
        let e = try Self.evaluator("configs/gpus/h100-sxm.json")
        let request = FleetRequest(queriesPerDay: 1e10, inputTokens: 1000, outputTokens: 400, sloTTFTSeconds: 2, sloTPOTSeconds: 0.05)
        let plan = FleetSizing.plan(model: try Repo.model("llama-3-8b"), modelName: "llama-3-8b", request: request, evaluator: e)
        #expect(plan.feasible)
        let decode = try #require(plan.decode), prefill = try #require(plan.prefill)
        #expect(decode.latencySeconds <= 0.05 && prefill.latencySeconds <= 2)
        let p = e.inputs.tco
        let expected = 1e10 / 86400 * p.peakToAverage * (400 / decode.tokensPerSecondPerChip + 1000 / prefill.tokensPerSecondPerChip) / p.fleetUtilization
        #expect(plan.accelerators == expected.rounded(.up))
        #expect(abs(plan.annualTCOUSD - plan.accelerators * plan.tcoUSDPerHourPerChip * 8760) < 1)
        // Energy from the modelled power (PricingTests.fleetEnergyUsesModelledPower), below the TDP-based bound.
        #expect(plan.whPerQuery > 0 && plan.whPerQuery < plan.accelerators * 700 * 1.82 * 24 / 1e10 * p.pue)
        // A tighter TPOT never needs fewer accelerators.
        let tight = FleetSizing.plan(model: try Repo.model("llama-3-8b"), modelName: "llama-3-8b",
                                     request: FleetRequest(queriesPerDay: 1e10, inputTokens: 1000, outputTokens: 400, sloTTFTSeconds: 2, sloTPOTSeconds: 0.02),
                                     evaluator: e)
        #expect(!tight.feasible || tight.accelerators >= plan.accelerators)
    }
}
