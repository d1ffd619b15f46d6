import Foundation
import Testing
@testable import SPUCore
@testable import SPUCost
@testable import SPUHardware
@testable import SPUTraining
@testable import SPUValidation
@testable import SPUWorkload

/// Distributed training steps: the network's collectives, the pipeline schedule, memory per
/// stage, the layout search and cluster sizing, and agreement with Calculon on the published
/// Megatron-LM configurations.
@Suite struct TrainingClusterTests {
    static let inputs: CostInputs = try! CostInputs.load(techDirectory: Repo.path("configs/tech"), tcoFile: Repo.path("configs/tco/default.json"))

    static func cluster(_ json: String = """
        {"name": "test", "devices_per_node": 8,
         "scale_up": {"devices": 8, "topology": "switch", "source": "test"},
         "scale_out": [{"name": "ib", "devices": 4096, "topology": "fat-tree", "bandwidth_gb_per_s_per_device": 25, "latency_us": 5,
                        "efficiency": 0.9, "pj_per_bit": 20, "nic_w_per_device": 20, "switch_w_per_device": 30, "source": "test"}],
         "host": {"w_per_node": 2000, "usd_per_node": 50000, "source": "test"}}
        """) throws -> ClusterSpec {
        try ClusterSpec.decode(try JSONObjectReader.document(file: "cluster.json", text: json))
    }

    static func stepModel(_ model: TransformerConfig, device: String = "configs/gpus/a100-sxm-80gb.json", globalBatch: Int, seq: Int = 2048,
                          full: Bool = true, dropout: Bool = true, cluster: ClusterSpec? = nil) throws -> TrainingStepModel {
        let evaluator = try DesignEvaluator(device: try Repo.device(device), inputs: inputs)
        var generator = TrainingGenerator(model: model, modelName: "gpt", format: .fp16, causalAttention: !full)
        generator.attentionDropout = dropout
        return TrainingStepModel(evaluator: evaluator, cluster: try cluster ?? Self.cluster(), generator: generator, sequenceLength: seq, globalBatch: globalBatch)
    }

    // MARK: Network

    /// Inside one NVSwitch domain an all-reduce is one ring: 2(n−1)/n of the buffer at the
    /// design's measured collective efficiency, 2(n−1) link latencies and one launch.
    @Test func allReduceInsideTheScaleUpDomainIsOneRing() throws {
        let device = try Repo.device("configs/gpus/a100-sxm-80gb.json")
        let network = ClusterNetwork(cluster: try Self.cluster(), device: device)
        let bytes = 256e6
        let cost = network.cost(.allReduce, bytes: bytes, size: 8)
        let links = device.chipLinks
        let expected = 2 * 7.0 / 8 * bytes / (links.totalBytesPerSecondPerDirection * device.calibration.collectiveFraction(bytes: bytes))
            + 14 * links.latencySeconds + device.calibration.kernelLaunchOverheadSeconds
        #expect(abs(cost.seconds / expected - 1) < 1e-12)
        #expect(cost.bytesByLevel[1] == 0)
    }

    /// Across nodes the all-reduce is hierarchical: reduce-scatter inside each node, all-reduce
    /// of the 1/8 shard across nodes (each GPU on its own NIC), all-gather inside: the bytes on
    /// the scale-out tier are 2(k−1)/k of the shard, and the time is the sum of the three.
    @Test func allReduceAcrossNodesIsHierarchical() throws {
        let network = ClusterNetwork(cluster: try Self.cluster(), device: try Repo.device("configs/gpus/a100-sxm-80gb.json"))
        let bytes = 1e9
        let across = network.cost(.allReduce, bytes: bytes, size: 32)
        #expect(abs(across.bytesByLevel[1] - 2 * 3.0 / 4 * bytes / 8) < 1)
        #expect(abs(across.bytesByLevel[0] - 2 * 7.0 / 8 * bytes) < 1)
        let inside = network.cost(.allReduce, bytes: bytes, size: 8)
        #expect(across.seconds > inside.seconds)
        // Strided groups (data parallelism over tensor-parallel groups of 8) only cross the tier.
        let strided = network.cost(.allReduce, bytes: bytes, size: 4, stride: 8)
        #expect(strided.bytesByLevel[0] == 0)
        #expect(abs(strided.bytesByLevel[1] - 2 * 3.0 / 4 * bytes) < 1)
        let ib = 25e9 * 0.9
        #expect(abs(strided.seconds - (2 * 3.0 / 4 * bytes / ib + 6 * 5e-6 + network.launchSeconds)) < 1e-9)
    }

    /// A ring on a 2-D torus uses the links of both dimensions; on a mesh half of them; an
    /// all-to-all travels more hops than a ring step, so it is slower per byte than on a switch.
    @Test func torusAndMeshTopologies() throws {
        func network(_ topology: String) throws -> ClusterNetwork {
            ClusterNetwork(cluster: try Self.cluster("""
                {"name": "t", "devices_per_node": 16, "scale_up": {"devices": 64, "topology": "\(topology)", "dimensions": 2, "source": "t"},
                 "scale_out": [], "host": {"w_per_node": 1000, "usd_per_node": 1, "source": "t"}}
                """), device: try Repo.device("configs/chips/spu-training.json"))
        }
        let torus = try network("torus"), mesh = try network("mesh")
        let bytes = 1e9
        let t = torus.cost(.allReduce, bytes: bytes, size: 64).seconds, m = mesh.cost(.allReduce, bytes: bytes, size: 64).seconds
        #expect(m > 1.9 * t && m < 2.1 * t)
        #expect(torus.cost(.allToAll, bytes: bytes, size: 64).seconds > torus.cost(.allGather, bytes: bytes, size: 64).seconds / 2)
        #expect(torus.cost(.allReduce, bytes: bytes, size: 1).seconds == 0)
    }

    @Test func clusterFileErrorsNameThePathAndRule() throws {
        #expect(throws: ConfigError.self) { try Self.cluster(#"{"name": "x", "devices_per_node": 8, "scale_up": {"devices": 8, "topology": "switch", "source": "s"}, "scale_out": [], "host": {"w_per_node": 1, "usd_per_node": 1, "source": "s"}, "colour": 1}"#) }
        do {
            _ = try Self.cluster(#"{"name": "x", "devices_per_node": 8, "scale_up": {"devices": 8, "topology": "switch", "source": "s"}, "scale_out": [{"name": "ib", "devices": 12, "topology": "fat-tree", "bandwidth_gb_per_s_per_device": 25, "latency_us": 5, "efficiency": 0.9, "source": "s"}], "host": {"w_per_node": 1, "usd_per_node": 1, "source": "s"}}"#)
            Issue.record("a tier of 12 devices over domains of 8 was accepted")
        } catch let error as ConfigError {
            #expect(error.path == "$.scale_out[0].devices")
            #expect(error.message.contains("multiple"))
        }
        do {
            _ = try Self.cluster(#"{"name": "x", "devices_per_node": 8, "scale_up": {"devices": 8, "topology": "torus", "source": "s"}, "scale_out": [], "host": {"w_per_node": 1, "usd_per_node": 1, "source": "s"}}"#)
            Issue.record("a torus without dimensions was accepted")
        } catch let error as ConfigError {
            #expect(error.path == "$.scale_up.dimensions")
        }
    }

    @Test func layoutParsing() throws {
        let layout = try ParallelLayout.parse("tp=8,pp=4,dp=16,mb=2,v=2,zero=1,recompute=full,sp=off,overlap=off")
        #expect(layout == ParallelLayout(tensor: 8, pipeline: 4, data: 16, microBatch: 2, interleave: 2, zero: .optimizerStates, recompute: .full,
                                         sequenceParallel: false, overlapDataParallel: false))
        #expect(layout.devices == 512)
        #expect(throws: LayoutError.self) { try ParallelLayout.parse("tp=0") }
        #expect(throws: LayoutError.self) { try ParallelLayout.parse("zero=4") }
        #expect(throws: LayoutError.self) { try ParallelLayout.parse("tq=2") }
        #expect(throws: LayoutError.self) { try ParallelLayout.parse("recompute=some") }
    }

    // MARK: The step

    /// The pipeline bubble of 1F1B is (p − 1)/v of a stage's micro-batch time: more micro-batches
    /// shrink its share, interleaving divides it by v.
    @Test func pipelineBubbleFollowsTheSchedule() throws {
        let model = try Self.stepModel(TrainingTests.gpt(hidden: 4096, layers: 32, heads: 32), globalBatch: 64)
        func step(_ parallel: String) throws -> TrainingStepTime { try #require(try model.evaluate(try ParallelLayout.parse(parallel)).time) }
        let plain = try step("tp=8,pp=4,dp=1,recompute=full"), interleaved = try step("tp=8,pp=4,dp=1,v=2,recompute=full")
        #expect(abs(interleaved.bubbleSeconds / plain.bubbleSeconds - 0.5) < 0.02)
        let fewer = try Self.stepModel(TrainingTests.gpt(hidden: 4096, layers: 32, heads: 32), globalBatch: 8)
        let few = try #require(try fewer.evaluate(try ParallelLayout.parse("tp=8,pp=4,dp=1,recompute=full")).time)
        #expect(few.bubbleSeconds / few.stepSeconds > plain.bubbleSeconds / plain.stepSeconds)
        // (p − 1)/(m + p − 1) for near-equal stages.
        #expect(abs(plain.bubbleSeconds / plain.stepSeconds - 3.0 / 67) < 0.01)
        // The parts add up to the step.
        let parts = plain.computeSeconds + plain.tensorParallelSeconds + plain.pipelineSendSeconds + plain.bubbleSeconds
            + plain.dataParallelExposedSeconds + plain.optimizerSeconds + plain.expertParallelSeconds
        #expect(abs(parts / plain.stepSeconds - 1) < 1e-9)
    }

    /// ZeRO shards model states over the data-parallel group; a step that does not fit is
    /// infeasible with the breakdown and carries no time, energy or cost.
    @Test func memoryPerStageAndInfeasibility() throws {
        let model = try Self.stepModel(TrainingTests.gpt(hidden: 12288, layers: 96, heads: 96), globalBatch: 256)
        let plain = try model.evaluate(try ParallelLayout.parse("tp=8,pp=8,dp=4,recompute=full"))
        let zero1 = try model.evaluate(try ParallelLayout.parse("tp=8,pp=8,dp=4,zero=1,recompute=full"))
        #expect(zero1.memoryPerDevice.optimizerStateBytes * 4 == plain.memoryPerDevice.optimizerStateBytes)
        #expect(zero1.memoryPerDevice.weightBytes == plain.memoryPerDevice.weightBytes)
        let tooBig = try model.evaluate(try ParallelLayout.parse("tp=8,pp=1,dp=32,recompute=full"))
        #expect(!tooBig.feasible)
        #expect(tooBig.time == nil && tooBig.energy == nil && tooBig.cost == nil)
        #expect(tooBig.reason?.contains("GB per device") == true)
        #expect(throws: LayoutError.self) { try model.evaluate(try ParallelLayout.parse("tp=8,pp=8,dp=3")) }   // 256 % 3 ≠ 0
        #expect(throws: LayoutError.self) { try model.evaluate(try ParallelLayout.parse("tp=8,pp=5,dp=1,v=2")) }
    }

    /// Korthikanti et al. Fig. 1 (GPT-3 175B, t = 8, p = 8, interleaved v = 3, micro-batch 1):
    /// activations of the first stage, 66.84 GiB without recomputation or sequence parallelism and
    /// 12.35 GiB with both (the figure as Calculon's validation transcribes it).
    @Test(arguments: [("recompute=none,sp=off", 66.84), ("recompute=selective,sp=on", 12.35)])
    func activationMemoryMatchesKorthikantiFigure1(mode: String, gib: Double) throws {
        let model = try Self.stepModel(TrainingTests.gpt(hidden: 12288, layers: 96, heads: 96), globalBatch: 64)
        let r = try model.evaluate(try ParallelLayout.parse("tp=8,pp=8,dp=1,v=3," + mode))
        #expect(abs(r.memoryPerDevice.activationBytes / 1_073_741_824 / gib - 1) < 0.01)
    }

    /// Every published Megatron-LM configuration, against the open-source Calculon on the same
    /// configuration (Tests/SPUSimTests/Data/training-reference.json): within 10 %.
    @Test func agreesWithCalculonWithinTenPercent() throws {
        let reference = try JSONParser.parse(try String(contentsOfFile: Repo.dataFile("training-reference.json"), encoding: .utf8))
        guard case let .object(root) = reference, case let .array(cases)? = root.first(where: { $0.key == "cases" })?.value else {
            Issue.record("no cases"); return
        }
        let files = Repo.files(in: "validation/training")
        let outcomes = try ModelValidation(cases: try files.map { try ValidationCase.load(path: $0) }, tolerances: [:])
            .run(baseDirectory: Repo.root.path, costInputs: Self.inputs)
        let validation = outcomes.map { ($0.validationCase.name, $0.predicted) }
        #expect(validation.count == cases.count)
        for (name, predicted) in validation {
            guard let entry = cases.first(where: { Self.string($0, "name") == name }),
                  let calculon = Self.object(entry, "calculon"), let published = Self.object(entry, "published") else {
                Issue.record("\(name) has no reference"); continue
            }
            let metric = Self.string(.object(published), "metric")
            let theirs = metric == "tflops_per_gpu" ? Self.number(.object(calculon), "tflops_per_gpu") : Self.number(.object(calculon), "iteration_s")
            #expect(abs(predicted / theirs - 1) < 0.10, "\(name): SPUSim \(predicted), Calculon \(theirs)")
            #expect(metric == "tflops_per_gpu" || metric == "iteration_s")
        }
    }

    static func object(_ v: JSONValue, _ key: String) -> [(key: String, value: JSONValue)]? {
        guard case let .object(pairs) = v, case let .object(o)? = pairs.first(where: { $0.key == key })?.value else { return nil }
        return o
    }
    static func string(_ v: JSONValue, _ key: String) -> String? {
        guard case let .object(pairs) = v, case let .string(s)? = pairs.first(where: { $0.key == key })?.value else { return nil }
        return s
    }
    static func number(_ v: JSONValue, _ key: String) -> Double {
        guard case let .object(pairs) = v, case let .number(n)? = pairs.first(where: { $0.key == key })?.value else { return .nan }
        return n
    }

    // MARK: Search and sizing

    /// The search's best layout is feasible and at least as fast as a hand-written one in its space.
    @Test func searchFindsAtLeastTheHandLayout() throws {
        let model = try Self.stepModel(TrainingTests.gpt(hidden: 4096, layers: 32, heads: 32), globalBatch: 256, full: false, dropout: false)
        let hand = try #require(try model.evaluate(try ParallelLayout.parse("tp=4,pp=2,dp=8,recompute=selective")).time)
        let outcome = ParallelLayoutSearch(model: model).run(devices: 64, keep: 5)
        let best = try #require(outcome.ranked.first?.time)
        #expect(best.tokensPerSecond >= hand.tokensPerSecond)
        let allFeasible = outcome.ranked.allSatisfy { $0.feasible }
        #expect(allFeasible)
        #expect(zip(outcome.ranked, outcome.ranked.dropFirst()).allSatisfy { $0.time!.tokensPerSecond >= $1.time!.tokensPerSecond })
        #expect(outcome.profilesEvaluated < outcome.layoutsEvaluated)
        // Deterministic.
        let again = ParallelLayoutSearch(model: model).run(devices: 64, keep: 5)
        #expect(again.ranked.map(\.layout) == outcome.ranked.map(\.layout))
    }

    /// Expert parallelism splits the experts' weights and adds all-to-alls.
    @Test func expertParallelism() throws {
        let model = try Self.stepModel(try Repo.model("mixtral-8x7b"), globalBatch: 64, seq: 4096, full: false, dropout: false)
        let dense = try model.evaluate(try ParallelLayout.parse("tp=4,pp=1,dp=8,zero=1"))
        let expert = try model.evaluate(try ParallelLayout.parse("tp=4,pp=1,dp=8,ep=8,zero=1"))
        #expect(expert.memoryPerDevice.weightBytes < dense.memoryPerDevice.weightBytes / 3)
        #expect((expert.time?.expertParallelSeconds ?? 0) > 0)
        #expect(dense.time?.expertParallelSeconds == 0)
        #expect(throws: LayoutError.self) { try model.evaluate(try ParallelLayout.parse("tp=4,pp=1,dp=8,ep=3")) }
    }

    /// Enough devices to sustain the target at the utilisation, and not a node more.
    @Test func clusterSizingMeetsTheTarget() throws {
        let evaluator = try DesignEvaluator(device: try Repo.device("configs/gpus/h100-sxm.json"), inputs: Self.inputs)
        let sizing = ClusterSizing(evaluator: evaluator, cluster: try Self.cluster(), format: .bf16)
        let plan = try #require(sizing.plan(targetOpsPerSecond: 1e21, utilization: 0.4, basis: "test"))
        let perDevice = sizing.peakOpsPerSecondPerDevice * 0.4
        #expect(Double(plan.devices) * perDevice >= 1e21)
        #expect(Double(plan.devices - 8) * perDevice < 1e21)
        #expect(plan.devices % 8 == 0)
        #expect(plan.facilityPowerW > Double(plan.devices) * 700)
        let peak = try #require(sizing.plan(targetOpsPerSecond: 1e21, utilization: 1, basis: "peak"))
        #expect(peak.devices < plan.devices && peak.capexUSD < plan.capexUSD)
    }
}

/// `spusim train` and `spusim cluster` on bad input: usage errors exit 64 naming the rule, bad
/// cluster files exit 2 naming the JSON path.
@Suite struct TrainingCommandTests {
    static let base = ["train", "--arch", Repo.path("configs/gpus/a100-sxm-80gb.json"), "--cluster", Repo.path("configs/clusters/dgx-a100-superpod.json"),
                       "--model", Repo.path("workloads/models/llama-3-8b.json"), "--global-batch", "64"]

    @Test(arguments: [
        (["--parallel", "tp=3,pp=1,dp=1"], "must divide the 32 attention heads"),
        (["--parallel", "tp=8,pp=2,dp=3"], "is not a multiple of dp × micro-batch"),
        (["--parallel", "tp=8,pp=1,dp=1,ep=2"], "needs a mixture-of-experts model"),
        (["--parallel", "tp=8,dq=2"], "unknown key \"dq\""),
        (["--parallel", "tp=8,pp=1,dp=1", "--recipe", "fp7"], "--recipe"),
        ([] as [String], "give --parallel"),
    ])
    func usageErrorsExit64(extra: [String], message: String) {
        let (status, stderr) = CLI.runCapturing(Self.base + extra)
        #expect(status == 64)
        #expect(stderr.contains(message), "\(stderr)")
    }

    /// A search in which no layout fits is a result, as an infeasible run is: the reasons, exit 0
    /// (it exited 1, which docs/limits.md reserves for validate-model; found by the fuzzer).
    /// Runs the built binary (skipped when it is not there), so standard output can be read.
    @Test func aSearchWithNoFittingLayoutReportsTheReasons() throws {
        let binary = Repo.path(".build/debug/spusim")
        guard FileManager.default.isExecutableFile(atPath: binary) else { return }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["train", "--arch", Repo.path("configs/chips/spu-training.json"),
                             "--cluster", Repo.path("configs/clusters/dgx-h100-superpod.json"),
                             "--model", Repo.path("workloads/models/mixtral-8x7b.json"), "--global-batch", "64",
                             "--seq", "2048", "--search", "--devices", "1", "--json"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = Pipe()
        try process.run()
        let stdout = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(stdout.contains("\"ranked\": []"), "\(stdout)")
        #expect(stdout.contains("does not fit in device memory"), "\(stdout)")
    }

    @Test func badClusterFileExits2WithThePath() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spusim-cluster-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("bad.json").path
        try #"{"name": "bad", "devices_per_node": 8, "scale_up": {"devices": 8, "topology": "ring", "source": "s"}, "scale_out": [], "host": {"w_per_node": 1, "usd_per_node": 1, "source": "s"}}"#
            .write(toFile: file, atomically: true, encoding: .utf8)
        var arguments = Self.base
        arguments[4] = file
        let (status, stderr) = CLI.runCapturing(arguments + ["--parallel", "tp=8,pp=1,dp=1"])
        #expect(status == 2)
        #expect(stderr.contains("$.scale_up.topology"), "\(stderr)")
        let sizing = CLI.runCapturing(["cluster", "--arch", Repo.path("configs/gpus/h100-sxm.json"), "--cluster", file, "--target-ops", "1e21"])
        #expect(sizing.status == 2)
        #expect(CLI.runCapturing(["cluster", "--arch", Repo.path("configs/gpus/h100-sxm.json"), "--cluster", Repo.path("configs/clusters/dgx-h100-superpod.json"),
                                  "--target-ops", "0"]).status == 64)
    }
}
