import Foundation
import ArgumentParser
import SPUCore
import SPUCost
import SPUFormats
import SPUHardware
import SPUTraining
import SPUWorkload

/// The inputs of a training step shared by `spusim train` and `spusim cluster`: the design, the
/// model, the cluster, the batch and the precision.
struct TrainingOptions: ParsableArguments {
    @Option(name: .long, help: "Accelerator design (JSON), e.g. configs/gpus/a100-sxm-80gb.json.")
    var arch: String

    @Option(name: .long, help: "Cluster (JSON): nodes, scale-up domain, scale-out tiers, hosts, e.g. configs/clusters/dgx-a100-superpod.json.")
    var cluster: String

    @Option(name: .long, help: "Model config (Hugging Face style JSON), e.g. workloads/models/gpt-3-175b.json.")
    var model: String?

    @Option(name: .long, help: "Sequences per step, all data-parallel replicas together.")
    var globalBatch: Int = 1024

    @Option(name: .long, help: "Tokens per sequence.")
    var seq: Int = 2048

    @Option(name: .long, help: "Precision recipe of the step: a recipe name (bf16, fp8, …), a format name, or w=F,a=F,kv=F.")
    var recipe: String = "bf16"

    @Flag(name: .long, help: "Compute the full s × s attention scores (Megatron-LM 2021 kernels) instead of skipping the causal mask's half.")
    var fullAttention = false

    @Flag(name: .long, help: "Dropout on the attention probabilities as its own kernel (Megatron-LM GPT 2021-22; not FlashAttention).")
    var attentionDropout = false

    @Option(name: .long, help: "Format of the optimizer states (master weights, Adam's m and v): fp32 (mixed precision, default) or narrower.")
    var optimizerFormat: String = "fp32"

    @Option(name: .long, help: "Technology directory; default: configs/tech of the SPUSim installation.")
    var tech: String?

    @Option(name: .long, help: "TCO parameters file; default: configs/tco/default.json of the SPUSim installation.")
    var tco: String?

    func validate() throws {
        try OptionRange.check(globalBatch, in: 1...16_777_216, option: "--global-batch")
        try OptionRange.check(seq, in: 1...16_777_216, option: "--seq")
        if case let .failure(error) = PrecisionRecipe.parse(recipe) { throw ValidationError("--recipe: \(error.description)") }
        if NumberFormat(rawValue: optimizerFormat) == nil {
            throw unknownValue("--optimizer-format", optimizerFormat, accepted: NumberFormat.allCases.map(\.rawValue))
        }
    }

    var precision: PrecisionRecipe {
        guard case let .success(r) = PrecisionRecipe.parse(recipe) else { preconditionFailure("checked by validate()") }
        return r
    }

    func loadDesign() throws -> (DeviceSpec, DesignEvaluator) {
        let design: DeviceSpec
        do { design = try DeviceSpec.load(path: arch) } catch { throw failInput(error) }
        let inputs = try loadCostInputs(tech: tech, tco: tco)
        do {
            return (design, try DesignEvaluator(device: design, inputs: inputs))
        } catch {
            printError("error: \(arch): $.process_node: \(error.description)")
            throw ExitCode(2)
        }
    }

    func loadCluster() throws -> ClusterSpec {
        do { return try ClusterSpec.load(path: cluster) } catch { throw failInput(error) }
    }

    /// The step model for `--model`; nil when no model is given.
    func stepModel(evaluator: DesignEvaluator, cluster spec: ClusterSpec) throws -> TrainingStepModel? {
        guard let model else { return nil }
        let config: TransformerConfig
        do { config = try TransformerConfig.load(path: model) } catch { throw failInput(error) }
        let name = String(model.split(separator: "/").last ?? "model").replacingOccurrences(of: ".json", with: "")
        var generator = TrainingGenerator(model: config, modelName: name, recipe: precision, causalAttention: !fullAttention)
        generator.attentionDropout = attentionDropout
        generator.optimizerStateFormat = NumberFormat(rawValue: optimizerFormat) ?? .fp32
        return TrainingStepModel(evaluator: evaluator, cluster: spec, generator: generator, sequenceLength: seq, globalBatch: globalBatch)
    }
}

/// Lets `--objective` take the objective's name.
extension ParallelLayoutSearch.Objective: ExpressibleByArgument {}
