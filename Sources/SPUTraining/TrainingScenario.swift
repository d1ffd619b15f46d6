import SPUCost
import SPUFormats
import SPUWorkload

/// A training scenario a sweep runs on every design (the sweep spec's `training` block,
/// `docs/sweeps.md`): one step of a model's global batch on `devices` devices of a cluster built
/// around the design, under a fixed parallel layout or the best one a bounded layout search finds
/// by `objective` (`ParallelLayoutSearch`). Its result is the design's training metrics
/// (`DesignTrainingMetrics`), which sweeps constrain and optimise like area or price. The cluster
/// is not part of the scenario: a sweep names one per design family (the swept designs', each
/// baseline's), and passes it with the design.
public struct TrainingScenario: Sendable {
    /// The step's trace generator: the model, its name and the precision recipe.
    public var generator: TrainingGenerator
    /// The precision recipe the step trains in (the generator's).
    public var recipe: PrecisionRecipe
    public var sequenceLength: Int
    /// Sequences per step, all data-parallel replicas together.
    public var globalBatch: Int
    /// Devices of the cluster the step runs on (tp × pp × dp).
    public var devices: Int
    /// The fixed layout, over exactly `devices` devices; nil: the layout search picks one.
    public var layout: ParallelLayout?
    /// What the layout search ranks by (unused with a fixed layout).
    public var objective: ParallelLayoutSearch.Objective

    /// A scenario for `model` (named `modelName` in traces) trained in `recipe`, causal attention.
    public init(model: TransformerConfig, modelName: String, recipe: PrecisionRecipe, sequenceLength: Int, globalBatch: Int, devices: Int,
                layout: ParallelLayout? = nil, objective: ParallelLayoutSearch.Objective = .throughput) {
        self.generator = TrainingGenerator(model: model, modelName: modelName, recipe: recipe)
        self.recipe = recipe
        self.sequenceLength = sequenceLength
        self.globalBatch = globalBatch
        self.devices = devices
        self.layout = layout
        self.objective = objective
    }

    public var modelName: String { generator.forward.modelName }

    /// Why the scenario cannot run on `cluster` whatever the design (a fixed layout the model, the
    /// batch or the cluster rule out, or no valid layout at all over `devices`); nil when it can.
    public func invalidity(on cluster: ClusterSpec) -> String? {
        let model = generator.forward.model
        if devices > cluster.maxDevices { return "devices \(devices) exceeds the \(cluster.maxDevices) of cluster \(cluster.name)" }
        if let layout {
            return TrainingStepModel.invalidity(layout, model: model, cluster: cluster, globalBatch: globalBatch)
        }
        if ParallelLayoutSearch.layouts(devices: devices, model: model, cluster: cluster, globalBatch: globalBatch).isEmpty {
            return "no parallel layout of \(devices) devices suits the model, the global batch \(globalBatch) and cluster \(cluster.name) (tensor degrees must divide the attention heads and fit its \(cluster.scaleUp.devices)-device scale-up domain; dp × micro-batch must divide the batch)"
        }
        return nil
    }

    /// The step the design achieves on `cluster`: under the fixed layout, or the search's best
    /// feasible layout. `unavailable` when the design cannot run the recipe, or no layout fits it
    /// (memory) or is valid at all.
    public func metrics(for evaluator: DesignEvaluator, on cluster: ClusterSpec) -> DesignTrainingMetrics {
        let device = evaluator.device
        if device.compute.macArray.unsupportedReason(for: recipe, design: device.name) != nil { return .unavailable }
        let model = TrainingStepModel(evaluator: evaluator, cluster: cluster, generator: generator, sequenceLength: sequenceLength,
                                      globalBatch: globalBatch)
        let result: TrainingStepResult?
        if let layout {
            result = try? model.evaluate(layout)
        } else {
            result = ParallelLayoutSearch(model: model, objective: objective).run(devices: devices, keep: 1).ranked.first
        }
        guard let result, result.feasible, let time = result.time, let energy = result.energy, let cost = result.cost else { return .unavailable }
        return DesignTrainingMetrics(stepSeconds: time.stepSeconds, tokensPerSecond: time.tokensPerSecond, mfu: time.mfu,
                                     facilityJoulesPerToken: energy.facilityJoulesPerToken, usdPerMillionTokens: cost.usdPerMillionTokens,
                                     layout: result.layout.description)
    }
}
