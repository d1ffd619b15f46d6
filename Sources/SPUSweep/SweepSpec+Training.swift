import Foundation
import SPUCore
import SPUFormats
import SPUHardware
import SPUTraining
import SPUWorkload

extension SweepSpec {
    /// A sweep's training scenario (`training` block) with the cluster each design trains on: one
    /// cluster file for the swept designs (they share the base design's family) and one per
    /// baseline (a GPU on its own DGX SuperPOD, an SPU on the SPU torus cluster).
    public struct Training: Sendable {
        public var scenario: TrainingScenario
        /// The cluster the swept designs train on (`cluster`).
        public var cluster: ClusterSpec
        /// The cluster of each baseline, in `baselines` order (`baseline_clusters`).
        public var baselineClusters: [ClusterSpec]

        /// The cluster of a swept design (nil) or of baseline `baseline`.
        public func cluster(baseline: Int?) -> ClusterSpec { baseline.map { baselineClusters[$0] } ?? cluster }
    }

    /// A baseline as the sweep file lists it: its file and JSON path (`$.baselines[1]`) and its design.
    struct ListedBaseline {
        var file: String
        var jsonPath: String
        var design: DeviceSpec
    }

    /// The `training` block of a sweep (`docs/sweeps.md`, "Training scenario"): one training step
    /// that `SPUTraining`'s step model runs on every design, whose metrics (`training_step_s`,
    /// `training_tokens_per_s`, `training_mfu`, `training_j_per_token`,
    /// `training_usd_per_million_tokens`) sweeps constrain and optimise:
    ///
    ///     "training": {"model": "workloads/models/gpt-3-175b.json", "cluster": "configs/clusters/spu-torus-cluster.json",
    ///                  "baseline_clusters": {"configs/gpus/h100-sxm.json": "configs/clusters/dgx-h100-superpod.json"},
    ///                  "global_batch": 1536, "sequence_length": 2048, "devices": 1024,
    ///                  "objective": "throughput", "recipe": "bf16"}
    ///
    /// `parallel` (`tp=8,pp=8,dp=16,…`, `ParallelLayout.parse`) fixes the layout; without it the
    /// bounded layout search over `devices` picks the best by `objective` (throughput, cost or
    /// energy). `baseline_clusters` maps each baseline file, as `baselines` lists it, to its cluster;
    /// every baseline needs one. Returns the scenario and its canonical form (the model's and the
    /// clusters' content in place of their files, so the sweep's hash changes when any does).
    static func decodeTraining(_ t: JSONObjectReader, baselines: [ListedBaseline]) throws -> (Training, JSONValue) {
        t.expecting(["model", "cluster", "baseline_clusters", "global_batch", "sequence_length", "devices", "parallel", "objective", "recipe"])
        func fail(_ key: String?, _ message: String) -> SweepError { .config(t.fail(key, message)) }
        let modelPath = try t.string("model")
        let model = try TransformerConfig.load(path: modelPath)
        let clusterPath = try t.string("cluster")
        let cluster = try ClusterSpec.load(path: clusterPath)

        // Baseline clusters: every key a listed baseline, every baseline a key.
        var baselineClusters: [ClusterSpec?] = Array(repeating: nil, count: baselines.count)
        var baselineClusterJSON: [JSONValue] = Array(repeating: .null, count: baselines.count)
        var baselineClusterFiles: [String] = Array(repeating: "", count: baselines.count)
        if t.has("baseline_clusters") {
            for (file, path, value) in try t.entries("baseline_clusters") {
                guard let index = baselines.firstIndex(where: { Self.sameFile($0.file, file) }) else {
                    let listed = baselines.isEmpty ? "the sweep lists none" : "listed: " + baselines.map(\.file).joined(separator: ", ")
                    throw SweepError.config(ConfigError(file: t.file, path: path, message: "is not a baseline of this sweep (\(listed))"))
                }
                guard case let .string(clusterFile) = value else {
                    throw SweepError.config(ConfigError(file: t.file, path: path, message: "must be a cluster file path, got \(value.briefDescription)"))
                }
                guard baselineClusters[index] == nil else {
                    throw SweepError.config(ConfigError(file: t.file, path: path, message: "names baseline \(baselines[index].file) a second time"))
                }
                baselineClusters[index] = try ClusterSpec.load(path: clusterFile)
                baselineClusterJSON[index] = try InputFile.readJSONObject(clusterFile).value
                baselineClusterFiles[index] = clusterFile
            }
        }
        if let missing = baselineClusters.firstIndex(where: { $0 == nil }) {
            let b = baselines[missing]
            throw fail("baseline_clusters", "gives no cluster for baseline \(b.file) (\(b.jsonPath)): map each baseline file to the cluster of its family, e.g. {\"\(b.file)\": \"configs/clusters/…\"}")
        }

        let globalBatch = try t.int("global_batch", in: WorkloadLimits.batch)
        let sequenceLength = try t.int("sequence_length", in: WorkloadLimits.sequenceLength)
        guard sequenceLength <= model.maxPositions else {
            throw fail("sequence_length", "is \(sequenceLength) tokens, more than the model's context, \(model.maxPositions)")
        }
        var layout: ParallelLayout?
        if let text = try t.optionalString("parallel") {
            do throws(LayoutError) { layout = try ParallelLayout.parse(text) } catch { throw fail("parallel", error.description) }
        }
        let devices: Int
        switch (try t.optionalInt("devices", in: ClusterSpec.Limits.devices), layout) {
        case let (given?, layout?):
            guard given == layout.devices else {
                throw fail("devices", "is \(given), but the layout \(layout) spans tp × pp × dp = \(layout.devices) devices")
            }
            devices = given
        case let (given?, nil): devices = given
        case let (nil, layout?): devices = layout.devices
        case (nil, nil): throw fail(nil, "needs \"devices\" (the devices the layout search spreads the step over) or a fixed \"parallel\" layout")
        }
        let objective: ParallelLayoutSearch.Objective
        if t.has("objective") {
            guard layout == nil else { throw fail("objective", "ranks the layout search; a fixed \"parallel\" layout is not searched") }
            objective = try t.choice("objective", as: ParallelLayoutSearch.Objective.self)
        } else {
            objective = .throughput
        }
        let recipe: PrecisionRecipe
        switch PrecisionRecipe.parse(try t.optionalString("recipe") ?? "bf16") {
        case let .success(parsed): recipe = parsed
        case let .failure(error): throw fail("recipe", error.description)
        }
        try t.finish()

        let name = URL(fileURLWithPath: modelPath).deletingPathExtension().lastPathComponent
        let scenario = TrainingScenario(model: model, modelName: name, recipe: recipe, sequenceLength: sequenceLength, globalBatch: globalBatch,
                                        devices: devices, layout: layout, objective: objective)
        // Whatever the design: the layout (or some layout of the search) must suit the model, the batch and each cluster.
        let clusters = [(cluster, clusterPath)] + baselines.indices.map { (baselineClusters[$0]!, baselineClusterFiles[$0]) }
        for (spec, file) in clusters {
            if let why = scenario.invalidity(on: spec) {
                throw fail(layout != nil && devices <= spec.maxDevices ? "parallel" : "devices", "on cluster \(file): \(why)")
            }
        }

        // Canonical: the block as written, with the model's and the clusters' content in place of their files.
        var canonical: [(String, JSONValue)] = []
        if case let .object(pairs) = t.value {
            canonical = pairs.filter { !["model", "cluster", "baseline_clusters"].contains($0.key) }.map { ($0.key, $0.value) }
        }
        canonical.append(("model_config", try InputFile.readJSONObject(modelPath).value))
        canonical.append(("cluster_config", try InputFile.readJSONObject(clusterPath).value))
        if !baselines.isEmpty {
            canonical.append(("baseline_cluster_configs", .array(baselines.indices.map {
                .object([("baseline", .string(baselines[$0].design.contentHash)), ("cluster_config", baselineClusterJSON[$0])])
            })))
        }
        return (Training(scenario: scenario, cluster: cluster, baselineClusters: baselineClusters.map { $0! }), .object(canonical))
    }

    /// Whether two paths name the same file as written (`./configs/a.json` and `configs/a.json`).
    static func sameFile(_ a: String, _ b: String) -> Bool {
        a == b || URL(fileURLWithPath: a).standardizedFileURL.path == URL(fileURLWithPath: b).standardizedFileURL.path
    }

    /// Metrics only a `training` block measures.
    static let trainingMetrics: Set<String> = ["training_step_s", "training_tokens_per_s", "training_mfu", "training_j_per_token",
                                               "training_usd_per_million_tokens"]
}
