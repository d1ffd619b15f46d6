import SPUCore
import SPUCost
import SPUFormats
import SPUHardware
import SPUTraining
import SPUWorkload

/// A training validation case: a model, a cluster, a batch and a parallel layout, as a
/// published Megatron-LM run used them (`validation/training/`).
public struct TrainingCase: Sendable {
    /// Cluster file (`configs/clusters/`), relative to the repository root until resolved.
    public var cluster: String
    public var model: TransformerConfig
    public var modelName: String
    public var globalBatch: Int
    public var sequenceLength: Int
    public var layout: ParallelLayout
    public var format: NumberFormat
    /// Full s × s attention scores (2021–22 Megatron kernels) and attention dropout as a kernel.
    public var fullAttention: Bool
    public var attentionDropout: Bool

    static func decode(_ t: JSONObjectReader) throws(ConfigError) -> TrainingCase {
        t.expecting(["cluster", "model", "model_name", "global_batch", "sequence_length", "parallel", "format", "full_attention", "attention_dropout"])
        let model = try TransformerConfig.decode(try t.object("model"))
        let parallelText = try t.string("parallel")
        let layout: ParallelLayout
        do { layout = try ParallelLayout.parse(parallelText) } catch { throw t.fail("parallel", error.description) }
        let c = TrainingCase(
            cluster: try t.string("cluster"), model: model, modelName: try t.string("model_name"),
            globalBatch: try t.int("global_batch", in: 1...16_777_216), sequenceLength: try t.int("sequence_length", in: WorkloadLimits.sequenceLength),
            layout: layout, format: t.has("format") ? try t.choice("format", as: NumberFormat.self) : .bf16,
            fullAttention: try t.bool("full_attention", default: false), attentionDropout: try t.bool("attention_dropout", default: false))
        try t.finish()
        return c
    }
}

/// Predicts training cases with `TrainingStepModel`.
enum TrainingValidation {
    static func predict(_ c: TrainingCase, metric: ValidationCase.Metric, device: DeviceSpec, inputs: CostInputs, file: String) throws(ConfigError) -> Double {
        let cluster = try ClusterSpec.load(path: c.cluster)
        let evaluator: DesignEvaluator
        do { evaluator = try DesignEvaluator(device: device, inputs: inputs) } catch {
            throw ConfigError(file: file, path: "$.hardware", message: error.description)
        }
        var generator = TrainingGenerator(model: c.model, modelName: c.modelName, format: c.format, causalAttention: !c.fullAttention)
        generator.attentionDropout = c.attentionDropout
        let model = TrainingStepModel(evaluator: evaluator, cluster: cluster, generator: generator, sequenceLength: c.sequenceLength, globalBatch: c.globalBatch)
        let result: TrainingStepResult
        do { result = try model.evaluate(c.layout) } catch { throw ConfigError(file: file, path: "$.case.training.parallel", message: error.description) }
        guard let time = result.time else {
            throw ConfigError(file: file, path: "$.case.training", message: "the step is infeasible: \(result.reason ?? "")")
        }
        switch metric {
        case .tflops:
            return narayananFLOPs(model: c.model, globalBatch: c.globalBatch, sequence: c.sequenceLength) / (time.stepSeconds * Double(c.layout.devices)) / 1e12
        default:
            return time.stepSeconds
        }
    }

    /// FLOPs per iteration of a GPT model with full activation recomputation, as Narayanan et al.
    /// (SC21, eq. 3) count them to report "achieved teraFLOP/s per GPU":
    /// F = 96·B·s·l·h²·(1 + s/(6h) + V/(16·l·h)).
    static func narayananFLOPs(model m: TransformerConfig, globalBatch: Int, sequence s: Int) -> Double {
        let h = Double(m.hiddenSize), l = Double(m.layers), v = Double(m.vocabSize), seq = Double(s)
        return 96 * Double(globalBatch) * seq * l * h * h * (1 + seq / (6 * h) + v / (16 * l * h))
    }
}
