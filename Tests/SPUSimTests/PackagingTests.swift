import Foundation
import Testing
@testable import SPUCore
@testable import SPUCost
@testable import SPUHardware
@testable import SPUPerformance
@testable import SPUWorkload

/// The packaging model (issue 14): reticle, HBM shoreline, interposer area → package class and
/// cost. Real packages must come out buildable at their published cost; unbuildable ones must
/// be infeasible with the reason.
@Suite struct PackagingTests {
    static let inputs: CostInputs = try! CostModelTests.inputs()
    static var model: PackagingModel { PackagingModel(parameters: inputs.tco.packaging) }
    static var n3: TechnologySpec { inputs.technology(for: "n3")! }

    /// An area breakdown of `totalMM2` over `dies` dies (the packaging model reads only totals).
    static func area(_ totalMM2: Double, dies: Int = 1) -> AreaBreakdown {
        AreaBreakdown(macArraysMM2: 0, vectorUnitsMM2: 0, computeOverheadMM2: 0, localSRAMMM2: 0, sharedSRAMMM2: 0, nocMM2: 0,
                      memoryPhyMM2: 0, chipLinkPhyMM2: 0, dieToDiePhyMM2: 0, controlIOMM2: totalMM2, dies: dies, publishedTotalMM2: nil)
    }

    /// The datacenter SPU with `stacks` stacks of `memory` and the given package class.
    static func device(stacks: Int, memory: String = "hbm3e", package: String = "auto") throws -> DeviceSpec {
        try JSONEdit.variant("configs/chips/spu-datacenter.json", [
            (["memory", "offchip", "stacks"], .number(Double(stacks))), (["memory", "offchip", "type"], .string(memory)),
            (["silicon", "package"], .string(package)),
        ])
    }

    /// Every shipped design: the GPUs, the three SPUs (resized in issue 14 to fit the reticle
    /// once the SPU area was calibrated on published spatial chips) and the CPUs (organic packages).
    static let shipped = Repo.files(in: "configs/gpus") + Repo.files(in: "configs/chips") + Repo.files(in: "configs/cpus")

    /// Every shipped design, GPUs with their physical stack counts, is buildable in its declared
    /// class (H100 and A100: 6 HBM sites on 814 and 826 mm²; H200: 6 stacks; B200: 8 stacks on two
    /// dies; MI300X: 8 stacks, SoIC + CoWoS; the SPUs on CoWoS-S, CoWoS-L and organic).
    @Test(arguments: shipped)
    func shippedDesignsAreBuildable(design: String) throws {
        let e = try DesignEvaluator(device: try DeviceSpec.load(path: design), inputs: Self.inputs)
        let p = e.silicon.packaging
        #expect(p.buildable, "\(design): \(p.reasons)")
        #expect(p.hbmStacks <= p.hbmStackCapacity)
        #expect(p.interposerAreaMM2 >= e.area.effectiveTotalMM2 && p.packageUSD > 0)
        #expect(abs(e.silicon.packageAndTestUSD - p.packageUSD - Self.inputs.tco.testUSDPerPackage) < 1e-9)
    }

    /// The datacenter SPU with the former 16 × 16 mesh (of today's 32 × 32 PEs; with its former
    /// 64 × 64 PEs it was six reticles) models at about two reticles of N3: the result says why.
    @Test func formerDatacenterSPUIsOverTheReticle() throws {
        var design = try Repo.device("configs/chips/spu-datacenter.json")
        design.compute.arrangement = .mesh(rows: 16, cols: 16)
        let e = try DesignEvaluator(device: design, inputs: Self.inputs)
        let p = e.silicon.packaging
        #expect(!p.buildable && e.area.perDieMM2 > 858)
        #expect(p.reasons.contains { $0.contains("exceeds the 858 mm² reticle limit") }, "\(p.reasons)")
    }

    /// Six stacks fit on an H100-sized die (three per long edge); seven do not, and the result is
    /// infeasible with the reason and without efficiency numbers, like a capacity failure.
    @Test func sevenStacksOnAnH100DieAreIllegal() throws {
        let six = try JSONEdit.variant("configs/gpus/h200.json", [])
        #expect(Self.model.evaluate(device: six, area: Self.area(814), technology: Self.n3).buildable)
        let seven = try JSONEdit.variant("configs/gpus/h200.json", [(["memory", "offchip", "stacks"], .number(7)),
                                                                     (["silicon", "physical_memory_stacks"], .number(7))])
        let e = try DesignEvaluator(device: seven, inputs: Self.inputs)
        let reason = "7 HBM3E stacks need 73.5 mm of die edge (10.5 mm each); the 814 mm² die offers 2 edges of 33 mm, room for 6 stacks; use fewer stacks, more die area or more dies"
        #expect(e.silicon.packaging.reasons == [reason])
        let r = e.evaluate(try Repo.transformer("llama-2-7b", phase: .decode, batch: 8, length: 1024))
        #expect(!r.performance.feasible && r.performance.reason?.contains(reason) == true)
        #expect(MetricCatalogue.metric(named: "items_per_joule")!.value(r).isNaN)
        #expect(MetricCatalogue.metric(named: "usd_per_million_items")!.value(r).isNaN)
        #expect(MetricCatalogue.metric(named: "package_cost_usd")!.value(r) > 0)
        // The physical stack count is what needs shoreline: 5 active stacks on 7 sites still fail.
        let sites = try JSONEdit.variant("configs/gpus/h100-sxm.json", [(["silicon", "physical_memory_stacks"], .number(7))])
        #expect(!Self.model.evaluate(device: sites, area: Self.area(814), technology: Self.n3).buildable)
    }

    /// Shoreline grows with die area and die count: more area or more dies never lose stacks,
    /// and a single die never holds more than 2 edges × ⌊33 / 10.5⌋ = 6 HBM3E stacks.
    @Test func shorelineGrowsWithDieAreaAndDies() throws {
        let device = try Self.device(stacks: 8)
        var last = 0
        for dieArea in stride(from: 50.0, through: 850, by: 25) {
            let capacity = Self.model.evaluate(device: device, area: Self.area(dieArea), technology: Self.n3).hbmStackCapacity
            #expect(capacity >= last && capacity <= 6)
            last = capacity
            let two = Self.model.evaluate(device: device, area: Self.area(2 * dieArea, dies: 2), technology: Self.n3).hbmStackCapacity
            #expect(two == 2 * capacity)
        }
        // The quickstart's former winners: 8 stacks on one ~300 mm² die.
        let r = Self.model.evaluate(device: device, area: Self.area(300), technology: Self.n3)
        #expect(r.reasons == ["8 HBM3E stacks need 84 mm of die edge (10.5 mm each); the 300 mm² die offers 2 edges of 24.5 mm, room for 4 stacks; use fewer stacks, more die area or more dies"])
        // DRAM on the board needs no shoreline.
        let lpddr = try Self.device(stacks: 8, memory: "lpddr5")
        #expect(Self.model.evaluate(device: lpddr, area: Self.area(50), technology: Self.n3).buildable)
    }

    /// The reticle rule moved from `DesignEvaluator` into the packaging model, same text.
    @Test func reticleLimitIsAPackagingRule() throws {
        let device = try Self.device(stacks: 4)
        let r = Self.model.evaluate(device: device, area: Self.area(900), technology: Self.n3)
        #expect(r.reasons == ["die area 900 mm² exceeds the 858 mm² reticle limit; declare more dies in silicon.dies"])
        #expect(Self.model.evaluate(device: device, area: Self.area(1800, dies: 3), technology: Self.n3).buildable)
    }

    /// `auto` moves to larger classes as the interposer grows, never back; the cost rises with
    /// area; past the largest class the design is infeasible. With HBM the organic class is
    /// never chosen.
    @Test(arguments: ["hbm3e", "lpddr5"])
    func autoClassIsMonotoneInArea(memory: String) throws {
        let device = try Self.device(stacks: 8, memory: memory)
        let limits = Self.inputs.tco.packaging.classes.mapValues(\.maxInterposerMM2)
        var lastLimit = 0.0, lastCost = 0.0, lastArea = 0.0
        var seen: [SiliconSpec.Package] = []
        for total in stride(from: 100.0, through: 6000, by: 50) {
            let r = Self.model.evaluate(device: device, area: Self.area(total, dies: 8), technology: Self.n3)
            #expect(r.chosenAutomatically && r.interposerAreaMM2 > lastArea)
            #expect(limits[r.packageClass]! >= lastLimit, "\(total) mm²: \(r.packageClass)")
            #expect(r.packageUSD >= lastCost)
            #expect(r.reasons.contains { $0.contains("the interposer needs") } == (r.interposerAreaMM2 > 4500), "\(total) mm²: \(r.reasons)")
            if memory == "hbm3e" { #expect(r.packageClass != .organic) }
            #expect(r.packageClass != .soicCowos)   // never chosen by auto
            lastLimit = limits[r.packageClass]!
            lastCost = r.packageUSD
            lastArea = r.interposerAreaMM2
            if seen.last != r.packageClass { seen.append(r.packageClass) }
        }
        #expect(seen == (memory == "hbm3e" ? [.cowosS, .cowosL] : [.organic, .cowosS, .cowosL]))
        let huge = Self.model.evaluate(device: device, area: Self.area(6000, dies: 8), technology: Self.n3)
        #expect(huge.reasons.last?.hasSuffix("the largest package class, cowos-l, holds 4500 mm²") == true)
    }

    /// Package cost rises with interposer area and with stacks, in every class.
    @Test func costIsMonotoneInAreaAndStacks() {
        for (name, c) in Self.inputs.tco.packaging.classes {
            for stacks in 0..<12 {
                for area in stride(from: 100.0, through: 4500, by: 100) {
                    let cost = c.costUSD(interposerMM2: area, hbmStacks: stacks)
                    #expect(cost >= c.costUSD(interposerMM2: area - 100, hbmStacks: stacks), "\(name)")
                    #expect(stacks == 0 || cost >= c.costUSD(interposerMM2: area, hbmStacks: stacks - 1), "\(name)")
                }
            }
        }
        // Through the model: more stacks on the same dies mean a larger interposer and a dearer package.
        var last = 0.0
        for stacks in 1...12 {
            let r = Self.model.evaluate(device: try! Self.device(stacks: stacks), area: Self.area(1600, dies: 2), technology: Self.n3)
            #expect(r.packageUSD > last)
            last = r.packageUSD
        }
    }

    /// Calibration: H100 (CoWoS-S) 720–750 USD, B200 (CoWoS-L) ~1,100 USD and MI300X
    /// (SoIC + CoWoS-S) ~1,200 USD (hardware-and-tco-data.md table 3.3); B200's interposer near
    /// the ~2,739 mm² Blackwell package (TrendForce).
    @Test func packageCostsMatchPublishedEstimates() throws {
        func packaging(_ design: String) throws -> PackagingResult {
            try DesignEvaluator(device: try Repo.device(design), inputs: Self.inputs).silicon.packaging
        }
        let h100 = try packaging("configs/gpus/h100-sxm.json"), b200 = try packaging("configs/gpus/b200.json")
        let mi300x = try packaging("configs/gpus/mi300x.json")
        #expect((720...750).contains(h100.packageUSD), "\(h100.packageUSD)")
        #expect(abs(b200.packageUSD / 1100 - 1) < 0.05, "\(b200.packageUSD)")
        #expect(abs(mi300x.packageUSD / 1200 - 1) < 0.05, "\(mi300x.packageUSD)")
        #expect(abs(b200.interposerAreaMM2 / 2739 - 1) < 0.05, "\(b200.interposerAreaMM2)")
        // The GPUs' own class is what `auto` would choose for them too.
        for design in ["configs/gpus/h100-sxm.json", "configs/gpus/b200.json"] {
            let auto = try JSONEdit.variant(design, [(["silicon", "package"], .string("auto"))])
            let e = try DesignEvaluator(device: auto, inputs: Self.inputs)
            #expect(e.silicon.packaging.packageClass == (try Repo.device(design)).silicon.package, "\(design)")
        }
    }

    /// A design without `silicon.package` gets `auto`; declared classes that cannot hold the
    /// design are infeasible with the reason.
    @Test func declaredClassMustHoldTheDesign() throws {
        let absent = JSONEdit.remove(["silicon", "package"], in: try JSONParser.parse(String(contentsOfFile: Repo.path("configs/chips/spu-datacenter.json"), encoding: .utf8)))
        let device = try DeviceSpec.decode(text: JSONWriter.pretty(absent), file: "spu-datacenter.json")
        #expect(device.silicon.package == .auto)
        let auto = Self.model.evaluate(device: device, area: Self.area(747), technology: Self.n3)
        #expect(auto.buildable && auto.chosenAutomatically && auto.packageClass == .cowosS)

        let organic = Self.model.evaluate(device: try Self.device(stacks: 4, package: "organic"), area: Self.area(400), technology: Self.n3)
        #expect(organic.reasons == ["package class organic cannot carry HBM stacks (they need a silicon interposer or bridge); declare a class that does, or \"auto\""])
        let small = Self.model.evaluate(device: try Self.device(stacks: 8, package: "cowos-s"), area: Self.area(1700, dies: 2), technology: Self.n3)
        #expect(small.reasons == ["the interposer needs 2838 mm² ((1700 mm² of dies + 8 HBM stacks × 110 mm²) × 1.1 spacing); package class cowos-s holds at most 2700 mm²; declare a larger class, or \"auto\""])
        #expect(Self.model.evaluate(device: try Self.device(stacks: 8, package: "cowos-l"), area: Self.area(1700, dies: 2), technology: Self.n3).buildable)
    }

    // MARK: Bad inputs

    static func tcoError(_ edit: (JSONValue) -> JSONValue) -> ConfigError? {
        do {
            let root = edit(try JSONParser.parse(String(contentsOfFile: Repo.path("configs/tco/default.json"), encoding: .utf8)))
            _ = try TCOParameters.decode(try JSONObjectReader(file: "tco.json", value: root))
        } catch let error as ConfigError {
            return error
        } catch {
            Issue.record("unexpected \(error)")
        }
        return nil
    }

    @Test func badPackagingInputsAreRejected() {
        func set(_ path: [String], _ value: JSONValue) -> ConfigError? { Self.tcoError { JSONEdit.set(value, at: ["package"] + path, in: $0) } }
        func remove(_ path: [String]) -> ConfigError? { Self.tcoError { JSONEdit.remove(["package"] + path, in: $0) } }
        #expect(remove([])?.description == "tco.json: $.package: is required (an object)")
        #expect(remove(["classes", "cowos-l"])?.description == "tco.json: $.package.classes: missing package class \"cowos-l\"")
        #expect(remove(["hbm_stacks", "hbm4"])?.description == "tco.json: $.package.hbm_stacks: missing HBM type \"hbm4\"")
        #expect(set(["classes", "auto"], .object([]))?.description
                == "tco.json: $.package.classes.auto: unknown package class (expected one of: organic, cowos-s, cowos-l, soic-cowos)")
        #expect(set(["hbm_stacks", "ddr5"], .object([]))?.description
                == "tco.json: $.package.hbm_stacks.ddr5: unknown HBM type (expected one of: hbm2, hbm2e, hbm3, hbm3e, hbm4)")
        #expect(set(["classes", "cowos-s", "usd_per_mm2"], .number(-1))?.path == "$.package.classes[\"cowos-s\"].usd_per_mm2")
        #expect(set(["classes", "cowos-s", "carries_hbm"], .string("yes"))?.message == "must be true or false, got \"yes\"")
        #expect(remove(["classes", "cowos-s", "source"])?.path == "$.package.classes[\"cowos-s\"].source")
        #expect(set(["hbm_edges_per_die"], .number(5))?.message == "must be an integer in [1, 4], got 5")
        #expect(set(["interposer_spacing_factor"], .number(0.9))?.path == "$.package.interposer_spacing_factor")
        #expect(set(["hbm_stacks", "hbm3", "edge_mm"], .number(0))?.path == "$.package.hbm_stacks.hbm3.edge_mm")
        #expect(set(["classes", "organic", "colour"], .string("green"))?.path == "$.package.classes.organic.colour")
        let noAuto = Self.tcoError { root in
            ["organic", "cowos-s", "cowos-l"].reduce(root) { JSONEdit.set(.bool(false), at: ["package", "classes", $1, "auto"], in: $0) }
        }
        #expect(noAuto?.message.hasPrefix("no class has \"auto\": true") == true)
        // The old flat price table is gone: a TCO file that still has it is told where prices went.
        let old = Self.tcoError { JSONEdit.set(.object([]), at: ["silicon", "package_usd"], in: $0) }
        #expect(old?.path == "$.silicon.package_usd" && old?.message.contains("\"package\" section") == true)
    }

    /// On the command line a bad TCO file is a usage error (exit 2) naming file and path.
    @Test func badTCOFileExitsWithTwo() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let root = JSONEdit.set(.number(-5), at: ["package", "classes", "cowos-s", "base_usd"],
                                in: try JSONParser.parse(String(contentsOfFile: Repo.path("configs/tco/default.json"), encoding: .utf8)))
        let file = dir.appendingPathComponent("tco.json").path
        try JSONWriter.pretty(root).write(toFile: file, atomically: true, encoding: .utf8)
        let (status, stderr) = CLI.runCapturing(["run", "--arch", Repo.path("configs/gpus/h100-sxm.json"), "--workload",
                                                 Repo.path("workloads/traces/llama-3-8b-decode-b32-ctx4096.json"), "--no-store", "--tco", file])
        #expect(status == 2)
        #expect(stderr.contains("tco.json: $.package.classes[\"cowos-s\"].base_usd: must be a number in"), "\(stderr)")
    }
}
