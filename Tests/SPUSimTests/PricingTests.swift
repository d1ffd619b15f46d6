import Foundation
import GRDB
import Testing
@testable import SPUCore
@testable import SPUCost
@testable import SPUHardware
@testable import SPUReport
@testable import SPUResults
@testable import SPUSimCLI
@testable import SPUWorkload

/// Pricing policies (list, cost-plus, equal margin), design NRE and volume, and fleet energy from
/// the modelled power (issue 14, "comparisons on equal terms").
@Suite struct PricingTests {
    static func inputs() throws -> CostInputs { try CostModelTests.inputs() }

    static func decode(_ relative: String, price: JSONValue?) throws -> DeviceSpec {
        var value = try JSONParser.parse(String(contentsOfFile: Repo.path(relative), encoding: .utf8))
        value = price.map { JSONEdit.set($0, at: ["price"], in: value) } ?? JSONEdit.remove(["price"], in: value)
        return try DeviceSpec.decode(text: JSONWriter.pretty(value), file: relative)
    }

    static func price(_ pairs: [(String, JSONValue)]) -> JSONValue { .object(pairs + [("source", .string("test"))]) }

    // MARK: list and cost-plus

    @Test func listPriceIsPublishedAndCostPlusIsCostTimesMargin() throws {
        let inputs = try Self.inputs()
        // GPUs: list (the existing price objects, with or without "policy").
        let h100 = try DesignEvaluator(device: try Repo.device("configs/gpus/h100-sxm.json"), inputs: inputs)
        #expect(h100.device.price?.policy == .list)
        #expect(h100.silicon.priceUSD == 25000)
        let legacy = try Self.decode("configs/gpus/h100-sxm.json",
                                     price: Self.price([("low_usd", .number(25000)), ("default_usd", .number(25000)), ("high_usd", .number(40000))]))
        #expect(legacy.price?.policy == .list && legacy.price?.nreUSD == nil)
        // SPUs: cost-plus at their stated margin, with their own NRE and volume.
        let spu = try DesignEvaluator(device: try Repo.device("configs/chips/spu-datacenter.json"), inputs: inputs)
        let spec = try #require(spu.device.price)
        #expect(spec.policy == .costPlus && spec.margin == 1.6 && (spec.nreUSD ?? 0) > 0 && (spec.volumeUnits ?? 0) > 0)
        #expect(abs(spu.silicon.priceUSD - spu.silicon.manufacturingCostUSD * 1.6) <= 1e-9 * spu.silicon.priceUSD)
        // No price object: cost-plus at the TCO file's margin, NRE and volume.
        let bare = try DesignEvaluator(device: try Self.decode("configs/chips/spu-datacenter.json", price: nil), inputs: inputs)
        #expect(abs(bare.silicon.priceUSD - bare.silicon.manufacturingCostUSD * inputs.tco.spuPriceMargin) <= 1e-9 * bare.silicon.priceUSD)
        let n3 = try #require(inputs.technology(for: "n3"))
        #expect(abs(bare.silicon.nrePerUnitUSD - (inputs.tco.nreUSD + n3.wafer.maskSetUSD) / inputs.tco.volumeUnits) < 1e-9)
        // A cost-plus object without a margin takes the TCO file's; a list price ignores margins.
        let noMargin = try Self.decode("configs/chips/spu-datacenter.json", price: Self.price([("policy", .string("cost-plus"))]))
        #expect(PricingPolicy.configuredPriceUSD(noMargin.price, manufacturingCostUSD: 1000, defaultMargin: 2.5) == 2500)
        #expect(PricingPolicy.configuredPriceUSD(.list(lowUSD: 1, defaultUSD: 7, highUSD: 9), manufacturingCostUSD: 1000, defaultMargin: 2.5) == 7)
        #expect(PricingPolicy.configuredPriceUSD(.costPlus(margin: 3), manufacturingCostUSD: 1000, defaultMargin: 2.5) == 3000)
        // A higher margin is a higher price at the same manufacturing cost.
        let rich = try DesignEvaluator(device: try JSONEdit.variant("configs/chips/spu-datacenter.json", [(["price", "margin"], .number(3))]),
                                       inputs: inputs)
        #expect(rich.silicon.manufacturingCostUSD == spu.silicon.manufacturingCostUSD && rich.silicon.priceUSD > spu.silicon.priceUSD)
        #expect(rich.tco.totalUSDPerHour > spu.tco.totalUSDPerHour)
    }

    /// Each rule of the price object fails with the file, the JSON path and the rule.
    @Test func badPriceObjectsNameTheirPathAndRule() throws {
        func error(_ price: JSONValue) -> ConfigError? {
            do {
                _ = try Self.decode("configs/chips/spu-datacenter.json", price: price)
                return nil
            } catch let error as ConfigError {
                return error
            } catch {
                return nil
            }
        }
        let cases: [(JSONValue, String, String)] = [
            (Self.price([("policy", .string("cost-plus")), ("margin", .number(0))]), "$.price.margin", "must be a number in [0.001, 1000]"),
            (Self.price([("policy", .string("cost-plus")), ("margin", .number(1.6)), ("default_usd", .number(5000))]), "$.price.default_usd", "applies to policy \"list\" only"),
            (Self.price([("policy", .string("list")), ("low_usd", .number(1)), ("default_usd", .number(2)), ("high_usd", .number(3)), ("margin", .number(2))]), "$.price.margin", "applies to policy \"cost-plus\" only"),
            (Self.price([("policy", .string("list")), ("margin", .number(2))]), "$.price.low_usd", "is required"),
            (Self.price([("policy", .string("retail"))]), "$.price.policy", "unknown value \"retail\""),
            (Self.price([("nre_usd", .number(-1))]), "$.price.nre_usd", "must be a number in [0, 1000000000000]"),
            (Self.price([("volume_units", .number(0))]), "$.price.volume_units", "must be a number in [1, 1000000000000]"),
            (Self.price([("nre_usd", .number(1)), ("volumes", .number(5))]), "$.price", "unknown key"),
        ]
        for (price, path, message) in cases {
            let e = error(price)
            #expect(e?.file == "configs/chips/spu-datacenter.json", "\(price)")
            #expect(e?.path.hasPrefix(path) == true, "\(String(describing: e)) for \(path)")
            #expect(e?.message.contains(message) == true, "\(String(describing: e)) for \(message)")
        }
        // `spusim validate` reports it and exits 2.
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("bad.json").path
        let value = JSONEdit.set(.number(-2), at: ["price", "margin"], in: try JSONParser.parse(String(contentsOfFile: Repo.path("configs/chips/spu-datacenter.json"), encoding: .utf8)))
        try JSONWriter.pretty(value).write(toFile: file, atomically: true, encoding: .utf8)
        let (status, stderr) = CLI.runCapturing(["validate", file])
        #expect(status == 2 && stderr.contains("$.price.margin"), "\(stderr)")
    }

    // MARK: NRE and volume

    @Test func nreAndVolumeAmortisationIsMonotone() throws {
        let inputs = try Self.inputs()
        func cost(nre: Double, volume: Double) throws -> SiliconCost.Result {
            try DesignEvaluator(device: try JSONEdit.variant("configs/chips/spu-datacenter.json",
                                                             [(["price", "nre_usd"], .number(nre)), (["price", "volume_units"], .number(volume))]),
                                inputs: inputs).silicon
        }
        let masks = try #require(inputs.technology(for: "n3")).wafer.maskSetUSD
        var previous: SiliconCost.Result?
        for volume in [1e4, 1e5, 1e6, 1e7] {
            let s = try cost(nre: 5e8, volume: volume)
            #expect(abs(s.nrePerUnitUSD - (5e8 + masks) / volume) <= 1e-9 * s.nrePerUnitUSD)
            if let previous {
                #expect(s.manufacturingCostUSD < previous.manufacturingCostUSD && s.priceUSD < previous.priceUSD)
                #expect(s.dieCostUSD == previous.dieCostUSD)   // NRE is not in the silicon
            }
            previous = s
        }
        var last = 0.0
        for nre in [0.0, 1e8, 5e8, 1e9] {
            let s = try cost(nre: nre, volume: 250_000)
            #expect(s.manufacturingCostUSD > last)
            last = s.manufacturingCostUSD
        }
        // The shipped SPU's NRE is a real share of its cost, a GPU's (millions of units) is not.
        let spu = try DesignEvaluator(device: try Repo.device("configs/chips/spu-datacenter.json"), inputs: inputs).silicon
        let h100 = try DesignEvaluator(device: try Repo.device("configs/gpus/h100-sxm.json"), inputs: inputs).silicon
        #expect(spu.nrePerUnitUSD > 1000 && h100.nrePerUnitUSD < 500)
    }

    // MARK: equal margin

    /// Under equal margin every design, GPU included, costs manufacturing cost × the margin, and
    /// its TCO is exactly the TCO model's at that price; the stored-row re-pricing gives the same.
    @Test func equalMarginPricesEveryDesignAtCostTimesTheSameMargin() throws {
        let inputs = try Self.inputs()
        for design in ["configs/gpus/h100-sxm.json", "configs/gpus/b200.json", "configs/gpus/mi300x.json",
                       "configs/chips/spu-datacenter.json", "configs/chips/spu-edge-inference.json"] {
            let e = try DesignEvaluator(device: try Repo.device(design), inputs: inputs)
            for margin in [1.0, 1.6, 4.0] {
                let policy = PricingPolicy.equalMargin(margin)
                let (silicon, tco) = policy.repriced(silicon: e.silicon, tco: e.tco)
                #expect(silicon.priceUSD == e.silicon.manufacturingCostUSD * margin, "\(design)")
                #expect(silicon.manufacturingCostUSD == e.silicon.manufacturingCostUSD)
                let direct = TCOModel.perAcceleratorHour(priceUSD: silicon.priceUSD, tdpW: e.device.tdpWatts, parameters: inputs.tco)
                #expect(abs(tco.totalUSDPerHour - direct.totalUSDPerHour) <= 1e-12 * direct.totalUSDPerHour, "\(design)")
                #expect(abs(tco.itCapexUSD - direct.itCapexUSD) <= 1e-9 * direct.itCapexUSD)
                #expect(tco.electricityUSDPerHour == e.tco.electricityUSDPerHour && tco.facilityUSDPerHour == e.tco.facilityUSDPerHour)
                let stored = policy.repriced(PricingPolicy.StoredPricing(priceUSD: e.silicon.priceUSD, manufacturingCostUSD: e.silicon.manufacturingCostUSD,
                                                                         tcoUSDPerHour: e.tco.totalUSDPerHour,
                                                                         tcoUSDPerHourPerPriceUSD: e.tco.usdPerHourPerPriceUSD))
                #expect(stored.priceUSD == silicon.priceUSD)
                #expect(abs(stored.tcoUSDPerHour - direct.totalUSDPerHour) <= 1e-12 * direct.totalUSDPerHour, "\(design)")
            }
            // As configured leaves everything as evaluated.
            let same = PricingPolicy.asConfigured.repriced(silicon: e.silicon, tco: e.tco)
            #expect(same.silicon == e.silicon && same.tco == e.tco)
        }
        // The modelled H100 manufacturing cost sits near the published ~$3,300 BOM (table 3.3):
        // at equal margin 1.6 its price is a fraction of its $25,000 list price.
        let h100 = try DesignEvaluator(device: try Repo.device("configs/gpus/h100-sxm.json"), inputs: inputs)
        #expect(h100.silicon.manufacturingCostUSD > 2000 && h100.silicon.manufacturingCostUSD < 4000)
        #expect(PricingPolicy.equalMargin(1.6).repriced(silicon: h100.silicon, tco: h100.tco).silicon.priceUSD < 0.3 * 25000)
    }

    // MARK: sweeps, compare and report on stored results

    /// A sweep over `$.price.margin` (the base design's price object), the H100 as baseline.
    private func marginSweep(_ dir: URL) throws -> String {
        let specPath = try Repo.writeEdgeSweep(in: dir, name: "margin-sweep", axes: """
            [{"path": "$.price.margin", "values": [1.2, 2, 3]}, {"path": "$.price.volume_units", "values": [100000, 1000000]}]
            """)
        let db = dir.appendingPathComponent("m.sqlite").path
        #expect(CLI.run(["sweep", specPath, "--db", db]) == 0)
        return db
    }

    @Test func sweepOverMarginThenCompareAndReportAtEqualMargin() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = try marginSweep(dir)
        struct Stored { var name: String; var margin: Double?; var volume: Double?; var price: Double; var manufacturing: Double; var usd: Double }
        let rows = try ResultsReader(path: db).read { db in
            let designs = try StoredDesign.json(db)   // sweep points are stored as base + overrides
            return try Row.fetchAll(db, sql: """
                SELECT r.design_name, r.design_hash, r.price_usd, r.manufacturing_cost_usd, r.usd_per_million_items
                FROM results r ORDER BY r.id
                """).map { row -> Stored in
                let json = try JSONParser.parse(designs[row["design_hash"] as String] ?? "")
                func number(_ key: String) -> Double? { if case let .number(x)? = json["price"]?[key] { return x } else { return nil } }
                return Stored(name: row["design_name"], margin: number("margin"), volume: number("volume_units"), price: row["price_usd"],
                              manufacturing: row["manufacturing_cost_usd"], usd: row["usd_per_million_items"])
            }
        }
        let points = rows.filter { $0.name != "h100-sxm" }
        #expect(points.count == 6 && rows.count == 7)
        for p in points {
            let margin = try #require(p.margin)
            #expect(abs(p.price / p.manufacturing - margin) < 1e-9, "\(p.margin ?? 0)")
        }
        // Same volume: same manufacturing cost, cost per token rising with the margin; more volume: cheaper.
        for volume in [1e5, 1e6] {
            let same = points.filter { $0.volume == volume }.sorted { $0.margin! < $1.margin! }
            #expect(Set(same.map(\.manufacturing)).count == 1)
            #expect(zip(same, same.dropFirst()).allSatisfy { $0.usd < $1.usd })
        }
        #expect(points.filter { $0.volume == 1e5 }[0].manufacturing > points.filter { $0.volume == 1e6 }[0].manufacturing)

        // compare: as configured the baseline is at its list price; at equal margin every row is
        // at manufacturing cost × the margin, so the swept margin no longer changes the cost.
        let reader = try ResultsReader(path: db)
        let listed = try BaselineComparison.compute(reader: reader, baseline: "h100-sxm", top: 10)
        let equal = try BaselineComparison.compute(reader: reader, baseline: "h100-sxm", top: 10, pricing: .equalMargin(1.6))
        let l0 = try #require(listed.workloads.first), e0 = try #require(equal.workloads.first)
        #expect(l0.baseline.priceUSD == 25000)
        let h100Cost = try #require(e0.baseline.manufacturingCostUSD)
        #expect(e0.baseline.priceUSD == h100Cost * 1.6)
        #expect(e0.designs.count == 6)
        for entry in e0.designs {
            #expect(entry.design.priceUSD == entry.design.manufacturingCostUSD! * 1.6)
            #expect(entry.ratios == BaselineComparison.Ratios(design: entry.design, baseline: e0.baseline))
        }
        let byVolume = Dictionary(grouping: e0.designs, by: { $0.design.manufacturingCostUSD! })
        for group in byVolume.values {
            let usd = group.map { $0.design.usdPerMillionItems! }
            #expect(usd.max()! - usd.min()! <= 1e-9 * usd.max()!)
        }
        // The GPU gains most: its list price carries a far larger margin than 1.6.
        let listedRatio = try #require(l0.designs.first?.ratios.throughputPerTCODollar)
        let equalRatio = try #require(e0.designs.first { $0.design.designHash == l0.designs.first?.design.designHash }?.ratios.throughputPerTCODollar)
        #expect(equalRatio < listedRatio)

        // The stored re-pricing agrees with evaluating the H100 priced cost-plus at 1.6 outright.
        let h100 = try Self.decode("configs/gpus/h100-sxm.json", price: Self.price([("policy", .string("cost-plus")), ("margin", .number(1.6)),
                                                                                    ("nre_usd", .number(542_200_000)), ("volume_units", .number(3_000_000))]))
        let live = try DesignEvaluator(device: h100, inputs: try Self.inputs())
            .evaluate(try Repo.transformer("llama-2-7b", phase: .decode, batch: 1, length: 128))
        let repriced = try #require(e0.baseline.usdPerMillionItems)
        #expect(abs(live.cost.usdPerMillionItems - repriced) <= 1e-9 * repriced)
        #expect(abs(live.cost.silicon.priceUSD - e0.baseline.priceUSD!) <= 1e-9 * live.cost.silicon.priceUSD)

        // The CLI, with the TCO file's margin; the JSON names the policy.
        #expect(CLI.run(["compare", "--db", db, "--baseline", "h100-sxm", "--pricing", "equal-margin"]) == 0)
        guard case let .object(pairs) = equal.jsonValue, case let .object(pricing)? = pairs.first(where: { $0.key == "pricing" })?.value else {
            Issue.record("no pricing in the comparison's JSON")
            return
        }
        #expect(pricing.map(\.key) == ["policy", "margin"] && pricing[0].value == .string("equal-margin") && pricing[1].value == .number(1.6))

        // report: re-priced scores rank the designs; the page names the policy.
        let data = try ReportData.load(path: db, runID: nil)
        let priced = try data.priced(.equalMargin(1.6))
        for design in priced.designs {
            let cost = try #require(design.scores["manufacturing_cost_usd"])
            #expect(abs(design.scores["price_usd"]! - cost * 1.6) <= 1e-9 * cost)
            let before = try #require(data.design(hash: design.hash))
            let scale = design.scores["tco_usd_per_hour"]! / before.scores["tco_usd_per_hour"]!
            #expect(abs(design.scores["weighted_usd_per_million_items"]! - before.scores["weighted_usd_per_million_items"]! * scale)
                    <= 1e-9 * design.scores["weighted_usd_per_million_items"]!)
        }
        let out = dir.appendingPathComponent("report.html").path
        #expect(CLI.run(["report", "--db", db, "--out", out, "--pricing", "equal-margin", "--margin", "1.6"]) == 0)
        #expect(try String(contentsOfFile: out, encoding: .utf8).contains("equal margin: every design at manufacturing cost × 1.6"))
    }

    // MARK: fleet

    /// Fleet energy comes from the modelled power of the operating points (and leakage while
    /// idle), not from TDP: on a memory-bound decode it is well below the TDP-based figure.
    @Test func fleetEnergyUsesModelledPower() throws {
        let e = try CostModelTests.evaluator("configs/gpus/h100-sxm.json")
        let request = FleetRequest(queriesPerDay: 1e9, inputTokens: 1000, outputTokens: 400, sloTTFTSeconds: 2, sloTPOTSeconds: 0.05)
        let plan = FleetSizing.plan(model: try Repo.model("llama-3-8b"), modelName: "llama-3-8b", request: request, evaluator: e)
        #expect(plan.feasible)
        let decode = try #require(plan.decode), prefill = try #require(plan.prefill)
        let p = e.inputs.tco
        #expect(decode.averagePowerW > e.staticPowerW && decode.averagePowerW <= e.device.tdpWatts)
        #expect(prefill.averagePowerW > e.staticPowerW && prefill.averagePowerW <= e.device.tdpWatts)
        // The formula, from the reported points.
        let busy = 400 / decode.tokensPerSecondPerChip * decode.averagePowerW + 1000 / prefill.tokensPerSecondPerChip * prefill.averagePowerW
        let idle = (plan.accelerators * 86400 / 1e9 - 400 / decode.tokensPerSecondPerChip - 1000 / prefill.tokensPerSecondPerChip) * e.staticPowerW
        let expected = (busy + idle) * p.wallPowerRatio * p.pue / 3600
        #expect(abs(plan.whPerQuery - expected) <= 1e-9 * expected)
        #expect(abs(plan.gwhPerYear - plan.whPerQuery * 1e9 * 365 / 1e9) <= 1e-9 * plan.gwhPerYear)
        #expect(plan.averageChipPowerW > e.staticPowerW && plan.averageChipPowerW < e.device.tdpWatts)
        // Lower than the TDP-based figure it replaces; provisioning stays at TDP.
        let tdpBased = plan.accelerators * e.device.tdpWatts * p.wallPowerRatio * p.averageLoadFraction * p.pue * 24 / 1e9
        #expect(plan.whPerQuery < tdpBased)
        #expect(abs(plan.itMW - plan.accelerators * e.device.tdpWatts * p.wallPowerRatio / 1e6) <= 1e-9 * plan.itMW)

        // Equal margin re-prices capex and TCO, not the sizing or the energy.
        let equal = FleetSizing.plan(model: try Repo.model("llama-3-8b"), modelName: "llama-3-8b", request: request, evaluator: e,
                                     pricing: .equalMargin(1.6))
        #expect(equal.accelerators == plan.accelerators && equal.whPerQuery == plan.whPerQuery && equal.itMW == plan.itMW)
        #expect(equal.priceUSDPerChip == e.silicon.manufacturingCostUSD * 1.6 && plan.priceUSDPerChip == 25000)
        #expect(equal.capexUSD < plan.capexUSD && equal.usdPer1000Queries < plan.usdPer1000Queries)
        let repriced = PricingPolicy.equalMargin(1.6).repriced(silicon: e.silicon, tco: e.tco).tco
        #expect(abs(equal.annualTCOUSD - equal.accelerators * repriced.totalUSDPerHour * 8760) < 1e-6 * equal.annualTCOUSD)
    }

    // MARK: command line

    @Test(arguments: [
        (["compare", "--baseline", "b", "--pricing", "equal-margin", "--margin", "0"], "--margin must be"),
        (["compare", "--baseline", "b", "--pricing", "equal-margin", "--margin", "nan"], "--margin must be"),
        (["report", "--out", "r.html", "--pricing", "equal-margin", "--margin", "5000"], "--margin must be"),
        (["fleet", "--model", "m.json", "--arch", "a.json", "--queries-per-day", "1e9", "--pricing", "equal-margin", "--margin=-1"], "--margin must be"),
        (["compare", "--baseline", "b", "--margin", "2"], "--margin applies to --pricing equal-margin"),
        (["fleet", "--model", "m.json", "--arch", "a.json", "--queries-per-day", "1e9", "--margin", "2"], "--margin applies to --pricing equal-margin"),
        (["compare", "--baseline", "b", "--pricing", "equal"], "equal"),
        (["report", "--out", "r.html", "--pricing", "list"], "list"),
        (["fleet", "--model", "m.json", "--arch", "a.json", "--queries-per-day", "1e9", "--pricing", "cost"], "cost"),
    ])
    func badPricingOptionsAreUsageErrors(arguments: [String], message: String) {
        let (status, stderr) = CLI.runCapturing(arguments)
        #expect(status == 64, "\(arguments): \(stderr)")
        #expect(stderr.contains(message), "\(stderr)")
    }

    @Test func pricingOptionsParse() throws {
        var compare = try #require(try SPUSimCommand.parseAsRoot(["compare", "--baseline", "h100-sxm"]) as? CompareCommand)
        #expect(try compare.pricing.policy { 9 } == .asConfigured)
        compare = try #require(try SPUSimCommand.parseAsRoot(["compare", "--baseline", "h100-sxm", "--pricing", "equal-margin"]) as? CompareCommand)
        #expect(try compare.pricing.policy { 1.75 } == .equalMargin(1.75))   // the TCO file's margin
        let fleet = try #require(try SPUSimCommand.parseAsRoot(["fleet", "--model", "m.json", "--arch", "a.json", "--queries-per-day", "1e9",
                                                                 "--pricing", "equal-margin", "--margin", "2.5"]) as? FleetCommand)
        #expect(try fleet.pricing.policy { 9 } == .equalMargin(2.5))
        let report = try #require(try SPUSimCommand.parseAsRoot(["report", "--out", "r.html", "--pricing", "as-configured"]) as? ReportCommand)
        #expect(try report.pricing.policy { 9 } == .asConfigured)
        // A bad TCO file for the default margin is a bad input: exit 2, naming the file.
        let (status, stderr) = CLI.runCapturing(["compare", "--baseline", "b", "--pricing", "equal-margin",
                                                 "--tco", Repo.path("configs/chips/spu-datacenter.json")])
        #expect(status == 2 && stderr.contains("spu-datacenter.json"), "\(stderr)")
    }
}
