import ArgumentParser
import Foundation
import SPUAccuracy
import SPUCore
import SPUFormats
import SPUCost
import SPUHardware
import SPUPerformance
import SPUServing
import SPUWorkload

/// `spusim fleet`: accelerators, power and cost to serve a query volume, per design.
struct FleetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fleet",
        abstract: "Size an LLM serving fleet (e.g. 10 billion queries a day) for each design, side by side.")

    @Option(help: "Hugging Face style config.json of the served model.")
    var model: String

    @Option(name: .customLong("queries-per-day"), help: "Queries per day, e.g. 1e10.")
    var queriesPerDay: Double

    @Option(name: .customLong("input-tokens"), help: "Prompt tokens per query.")
    var inputTokens: Int = 1000

    @Option(name: .customLong("output-tokens"), help: "Generated tokens per query.")
    var outputTokens: Int = 400

    @Option(name: .customLong("slo-ttft-ms"), help: "Time-to-first-token limit (prefill latency of the batch), ms.")
    var sloTTFTMs: Double?

    @Option(name: .customLong("slo-tpot-ms"), help: "Time-per-output-token limit (decode step latency), ms.")
    var sloTPOTMs: Double?

    @Option(help: "Design to size (hardware config); FILE@RECIPE serves it in its own precision recipe.")
    var arch: String

    @Option(help: "Baseline designs to size beside it (repeatable); FILE@RECIPE as for --arch.")
    var baseline: [String] = []

    @Option(help: ArgumentHelp("Precision recipe of every design without its own @RECIPE: a recipe name (bf16, fp8, fp8-kv16, int8-w8a8, w4a16, mxfp8, mxfp4, pal8, pal16), a format name, w=F,a=F,kv=F[,acc=MODE[:BITS]], or auto (each design's cheapest supported recipe per 1,000 queries).", valueName: "recipe"))
    var format: String = "bf16"

    @Option(help: "Technology directory; default: configs/tech of the SPUSim installation.")
    var tech: String?

    @Option(help: "TCO parameters file; default: configs/tco/default.json of the SPUSim installation.")
    var tco: String?

    @Option(help: "Sizing: simulated (serving simulator: highest request rate per serving unit within the SLOs at p99) or static (the chip-seconds formula with a utilisation factor).")
    var sizing = "simulated"

    @Option(name: .customLong("decode-arch"), help: "Decode design for disaggregated serving of --arch (simulated sizing searches the prefill:decode split).")
    var decodeArch: String?

    @Option(help: "Serving engine profile for simulated sizing (host time per iteration), e.g. vllm-0.11; 'ideal' for none.")
    var engine = "vllm-0.11"

    @Option(help: "Engine profiles file; default: configs/serving/engines.json of the SPUSim installation.")
    var engines: String?

    @Option(name: .customLong("diurnal-peak"), help: "Peak-to-average request rate the fleet is provisioned for (default: the TCO file's peak_to_average).")
    var diurnalPeak: Double?

    @Option(name: .customLong("requests-per-trial"), help: "Requests per simulation of the capacity search (simulated sizing).")
    var requestsPerTrial = 1000

    @Option(name: .customLong("min-embedding-cosine"), help: "Accuracy budget for --format auto: only recipes whose all-MiniLM-L6-v2 embeddings, emulated on the design's accumulator, keep a mean cosine to fp32 of at least this (docs/accuracy.md; needs the model: python3 scripts/minilm_reference.py).")
    var minEmbeddingCosine: Double?

    @Option(name: .customLong("accuracy-model-dir"), help: "all-MiniLM-L6-v2 directory for accuracy (default: $SPUSIM_MINILM_DIR, else .cache/minilm).")
    var accuracyModelDir: String?

    @OptionGroup var pricing: PricingOptions

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        try OptionRange.check(queriesPerDay, in: OptionRange.queriesPerDay, option: "--queries-per-day")
        try OptionRange.check(inputTokens, in: OptionRange.queryTokens, option: "--input-tokens")
        try OptionRange.check(outputTokens, in: OptionRange.queryTokens, option: "--output-tokens")
        try OptionRange.check(sloTTFTMs, in: OptionRange.latencyMs, option: "--slo-ttft-ms")
        try OptionRange.check(sloTPOTMs, in: OptionRange.latencyMs, option: "--slo-tpot-ms")
        try OptionRange.check(diurnalPeak, in: 1...2, option: "--diurnal-peak")
        try OptionRange.check(requestsPerTrial, in: 10...1_000_000, option: "--requests-per-trial")
        try OptionRange.check(minEmbeddingCosine, in: -1...1, option: "--min-embedding-cosine")
        guard ["simulated", "static"].contains(sizing) else { throw unknownValue("--sizing", sizing, accepted: ["simulated", "static"]) }
        if decodeArch != nil, sizing == "static" { throw ValidationError("--decode-arch needs --sizing simulated") }
    }

    func run() throws {
        let defaultChoice = try RecipeChoice.parse(format, option: "--format")
        let targets = try ([arch] + baseline).map { try RecipeChoice.split($0, default: defaultChoice) }
        let config: TransformerConfig, inputs: CostInputs, designs: [DeviceSpec], decodeDesign: DeviceSpec?
        do {
            config = try TransformerConfig.load(path: model)
            designs = try targets.map { (target) throws(ConfigError) in try DeviceSpec.load(path: target.path) }
            decodeDesign = try decodeArch.map { (path) throws(ConfigError) in try DeviceSpec.load(path: path) }
        } catch {
            throw failInput(error)
        }
        inputs = try loadCostInputs(tech: tech, tco: tco)
        let oracle = try loadAccuracyOracle(modelDirectory: accuracyModelDir, required: minEmbeddingCosine != nil)
        let policy = try pricing.policy { inputs.tco.spuPriceMargin }
        let request = FleetRequest(queriesPerDay: queriesPerDay, inputTokens: inputTokens, outputTokens: outputTokens,
                                   sloTTFTSeconds: sloTTFTMs.map { $0 / 1000 }, sloTPOTSeconds: sloTPOTMs.map { $0 / 1000 },
                                   recipe: .uniform(.bf16))
        let modelName = URL(fileURLWithPath: model).deletingPathExtension().lastPathComponent
        let simulated = sizing == "simulated"
        let profile = simulated ? try loadEngineProfile(engine, file: engines) : EngineProfile.ideal
        let peak = diurnalPeak ?? inputs.tco.peakToAverage
        var sizer = SimulatedFleetSizing(model: config, modelName: modelName, request: request, engine: profile, peakToAverage: peak)
        sizer.requestsPerTrial = requestsPerTrial
        var plans: [FleetPlan] = []
        let cache = OpEvaluationCache()
        func evaluator(_ design: DeviceSpec) throws -> DesignEvaluator {
            do throws(CostError) {
                return try DesignEvaluator(device: design, inputs: inputs, cache: cache)
            } catch {
                printError("error: \(error.description)")
                throw ExitCode(2)
            }
        }
        for (index, design) in designs.enumerated() {
            let e = try evaluator(design)
            let decodeEvaluator = try index == 0 ? decodeDesign.map(evaluator) : nil
            // One plan per candidate recipe; `auto` keeps the cheapest feasible one per 1,000 queries.
            func plan(_ recipe: PrecisionRecipe, decode: DesignEvaluator?) -> FleetPlan {
                var r = request
                r.recipe = recipe
                var p: FleetPlan
                if simulated {
                    var s = sizer
                    s.request = r
                    p = s.plan(evaluator: e, decodeEvaluator: decode, pricing: policy)
                } else {
                    p = FleetSizing.plan(model: config, modelName: modelName, request: r, evaluator: e, pricing: policy)
                }
                p.recipe = recipe.name
                return p
            }
            // The recipe's accuracy on the design's accumulator (the decode design's when disaggregated).
            func accuracy(_ recipe: PrecisionRecipe, decode: DesignEvaluator?) -> AccuracyScores? {
                let device = decode?.device ?? design
                return try? oracle?.scores(recipe, accumulator: device.compute.macArray.accumulator(for: recipe.computeFormat)).get()
            }
            func choose(decode: DesignEvaluator?) -> FleetPlan {
                var candidates = targets[index].choice.candidates(for: [design] + (decode.map { [$0.device] } ?? []))
                var rejected: [String] = []
                if let budget = minEmbeddingCosine, case .auto = targets[index].choice {
                    candidates = candidates.filter { recipe in
                        let cosine = accuracy(recipe, decode: decode)?.embeddingCosine ?? -.infinity
                        if cosine < budget { rejected.append("\(recipe.name) \(cosine.isFinite ? Formatting.fixed(cosine, 4) : "n/a")") }
                        return cosine >= budget
                    }
                }
                let sized = candidates.map { (recipe: $0, plan: plan($0, decode: decode)) }
                let fallback = targets[index].choice.fallback
                var (recipe, chosen) = RecipeChoice.cheapest(sized) ?? sized.first ?? (fallback, plan(fallback, decode: decode))
                if candidates.isEmpty, !rejected.isEmpty {
                    chosen = FleetSizing.infeasible(design: chosen.design, reason: "no supported recipe meets embedding cosine ≥ \(Formatting.fixed(minEmbeddingCosine ?? 0, 4)) (\(rejected.joined(separator: ", ")))",
                                                    evaluator: e, pricing: policy)
                }
                if chosen.feasible { chosen.accuracy = accuracy(recipe, decode: decode) }
                return chosen
            }
            plans.append(choose(decode: nil))
            if let decodeEvaluator { plans.append(choose(decode: decodeEvaluator)) }
        }
        if json {
            print(JSONWriter.pretty(.array(plans.map { Self.json($0, pricing: policy) })))
            return
        }
        if simulated {
            let slo = sizer.slo
            print("serving \(modelName): \(Formatting.si(queriesPerDay)) queries/day, \(inputTokens) input + \(outputTokens) output tokens"
                  + "; SLO at p99: TTFT ≤ \(Formatting.seconds(slo.ttftSeconds ?? .nan)), TPOT ≤ \(Formatting.seconds(slo.tpotSeconds ?? .nan))"
                  + (sloTTFTMs == nil && sloTPOTMs == nil ? " (MLPerf server defaults)" : "")
                  + "\nsized by the serving simulator (engine \(profile.identifier), peak/average \(Formatting.fixed(peak, 2)), \(requestsPerTrial) requests per trial)"
                  + "\npricing \(policy); power provisioned at TDP, energy from the modelled power")
        } else {
            print("serving \(modelName): \(Formatting.si(queriesPerDay)) queries/day, \(inputTokens) input + \(outputTokens) output tokens"
                  + (sloTTFTMs.map { ", TTFT ≤ \($0) ms" } ?? "") + (sloTPOTMs.map { ", TPOT ≤ \($0) ms" } ?? "")
                  + "; static formula, utilisation \(Formatting.fixed(inputs.tco.fleetUtilization * 100, 0))%, peak/average \(Formatting.fixed(inputs.tco.peakToAverage, 2))"
                  + "\npricing \(policy); power provisioned at TDP, energy from the modelled power")
        }
        func point(_ p: ServingPoint?) -> String {
            guard let p else { return Formatting.notApplicable }
            return "tp\(p.tensorParallel) b\(p.batch) \(Formatting.seconds(p.latencySeconds)) \(Formatting.si(p.tokensPerSecondPerChip)) tok/s/chip \(Formatting.fixed(p.averagePowerW, 0)) W"
        }
        func unit(_ u: SimulatedServingUnit?) -> String {
            guard let u else { return Formatting.notApplicable }
            let pools = u.decodeReplicas.map { "\(u.prefillReplicas)P×tp\(u.tensorParallel) + \($0)D×tp\(u.decodeTensorParallel ?? 0)" } ?? "tp\(u.tensorParallel)"
            return "\(pools) (\(u.chips) chips) \(Formatting.fixed(u.requestsPerSecond, 2)) req/s"
        }
        func p99(_ u: SimulatedServingUnit?) -> String {
            guard let u else { return Formatting.notApplicable }
            return "TTFT \(Formatting.seconds(u.ttftP99Seconds)), TPOT \(Formatting.seconds(u.tpotP99Seconds))"
        }
        let pointRows: [[String]] = simulated
            ? [["serving unit"] + plans.map { unit($0.simulated) }, ["p99 at capacity"] + plans.map { p99($0.simulated) },
               ["output tok/s/chip"] + plans.map { $0.decode.map { Formatting.si($0.tokensPerSecondPerChip) } ?? Formatting.notApplicable },
               ["chip power W at capacity"] + plans.map { $0.simulated.map { Formatting.fixed($0.powerWPerChipAtCapacity, 0) } ?? Formatting.notApplicable }]
            : [["decode point"] + plans.map { point($0.decode) }, ["prefill point"] + plans.map { point($0.prefill) }]
        let rows: [[String]] = [
            ["feasible"] + plans.map { $0.feasible ? "yes" : "NO: \($0.reason ?? "")" },
            ["recipe"] + plans.map { $0.recipe ?? Formatting.notApplicable },
            ["embedding cosine (MiniLM)"] + plans.map { p in p.accuracy.map { Formatting.fixed($0.embeddingCosine, 4) } ?? Formatting.notApplicable },
        ] + pointRows + [
            ["accelerators"] + plans.map { Formatting.si($0.accelerators) },
            ["servers"] + plans.map { Formatting.si($0.servers) },
            ["IT power MW (TDP)"] + plans.map { Formatting.fixed($0.itMW, 1) },
            ["facility power MW (TDP)"] + plans.map { Formatting.fixed($0.facilityMW, 1) },
            ["avg chip power W (model)"] + plans.map { Formatting.fixed($0.averageChipPowerW, 0) },
            ["energy GWh/year (model)"] + plans.map { Formatting.fixed($0.gwhPerYear, 0) },
            ["price $/chip"] + plans.map { Formatting.fixed($0.priceUSDPerChip, 0) },
            ["capex $"] + plans.map { Formatting.si($0.capexUSD) },
            ["annual TCO $"] + plans.map { Formatting.si($0.annualTCOUSD) },
            ["TCO $/hour/chip"] + plans.map { Formatting.fixed($0.tcoUSDPerHourPerChip, 2) },
            ["$ per 1,000 queries"] + plans.map { Formatting.fixed($0.usdPer1000Queries, 3) },
            ["Wh per query (model)"] + plans.map { Formatting.fixed($0.whPerQuery, 3) },
        ]
        print(Formatting.table(header: [""] + plans.map(\.design), rows: rows, rightAligned: Set(1...plans.count)))
    }

    static func json(_ p: FleetPlan, pricing: PricingPolicy) -> JSONValue {
        let recipe: JSONValue = p.recipe.map(JSONValue.string) ?? .null
        let accuracy = accuracyJSON(p.accuracy)
        func n(_ x: Double) -> JSONValue { x.isFinite ? .number(x) : .null }
        func point(_ o: ServingPoint?) -> JSONValue {
            guard let o else { return .null }
            return .object([("tensor_parallel", .number(Double(o.tensorParallel))), ("batch", .number(Double(o.batch))),
                            ("latency_s", n(o.latencySeconds)), ("tokens_per_s_per_chip", n(o.tokensPerSecondPerChip)),
                            ("throttle_factor", n(o.throttleFactor)), ("avg_power_w", n(o.averagePowerW))])
        }
        return .object([
            ("design", .string(p.design)), ("feasible", .bool(p.feasible)), ("reason", p.reason.map(JSONValue.string) ?? .null),
            ("recipe", recipe), ("accuracy", accuracy),
            ("decode", point(p.decode)), ("prefill", point(p.prefill)), ("accelerators", n(p.accelerators)), ("servers", n(p.servers)),
            ("it_mw", n(p.itMW)), ("facility_mw", n(p.facilityMW)), ("gwh_per_year", n(p.gwhPerYear)), ("capex_usd", n(p.capexUSD)),
            ("annual_tco_usd", n(p.annualTCOUSD)), ("tco_usd_per_hour_per_chip", n(p.tcoUSDPerHourPerChip)),
            ("usd_per_1000_queries", n(p.usdPer1000Queries)), ("wh_per_query", n(p.whPerQuery)),
            ("avg_chip_power_w", n(p.averageChipPowerW)), ("price_usd_per_chip", n(p.priceUSDPerChip)),
            ("pricing", pricing.jsonValue),
            ("simulated", p.simulated.map { u in
                .object([("tensor_parallel", .number(Double(u.tensorParallel))), ("prefill_replicas", .number(Double(u.prefillReplicas))),
                         ("decode_replicas", u.decodeReplicas.map { .number(Double($0)) } ?? .null),
                         ("decode_tensor_parallel", u.decodeTensorParallel.map { .number(Double($0)) } ?? .null),
                         ("decode_design", u.decodeDesign.map(JSONValue.string) ?? .null), ("chips_per_unit", .number(Double(u.chips))),
                         ("requests_per_s_per_unit", n(u.requestsPerSecond)), ("ttft_p99_s", n(u.ttftP99Seconds)), ("tpot_p99_s", n(u.tpotP99Seconds)),
                         ("power_w_per_chip_at_capacity", n(u.powerWPerChipAtCapacity)), ("peak_to_average", n(u.peakToAverage)),
                         ("engine", .string(u.engine))])
            } ?? .null),
        ])
    }
}
