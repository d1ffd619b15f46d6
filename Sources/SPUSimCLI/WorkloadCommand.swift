import ArgumentParser
import Foundation
import SPUCore
import SPUFormats
import SPUWorkload

/// `spusim workload`: generate and inspect workload traces.
struct WorkloadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workload",
        abstract: "Generate and inspect workload traces.",
        subcommands: [Generate.self, Show.self])

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a trace from a model config (transformer), a CNN, or a SCALE-Sim GEMM CSV.")

        @Option(help: "Hugging Face style config.json of a decoder-only transformer.")
        var model: String?

        @Option(help: "Built-in CNN to lower to GEMMs (resnet50).")
        var cnn: String?

        @Option(name: .customLong("gemm-csv"), help: "SCALE-Sim GEMM topology CSV (Layer, M, N, K).")
        var gemmCSV: String?

        @Option(help: "prefill, decode or training (transformers).")
        var phase: String = "decode"

        @Option(help: "Batch size (sequences or images); training: the micro-batch.")
        var batch: Int = 1

        @Option(help: "Decode: tokens already in the KV cache each new token attends.")
        var context: Int = 2048

        @Option(help: "Prefill: prompt length in tokens.")
        var prompt: Int = 2048

        @Option(help: "Training: tokens per sequence (default 2048).")
        var seq: Int?

        @Option(help: "Training: activation recomputation, none, selective (default) or full.")
        var recompute: String?

        @Option(name: .customLong("tensor-parallel"), help: "Chips the model is split over (Megatron-style).")
        var tensorParallel: Int = 1

        @Option(help: "Number format of weights and activations.")
        var format: String = "bf16"

        @Option(name: .customLong("kv-format"), help: "Number format of the KV cache (default: --format).")
        var kvFormat: String?

        @Option(help: "Precision recipe of a transformer instead of --format/--kv-format: a recipe name (bf16, fp8, fp8-kv16, int8-w8a8, w4a16, mxfp8, mxfp4, pal8, pal16), a format name, or w=F,a=F,kv=F[,acc=MODE[:BITS]].")
        var recipe: String?

        @Option(help: "Output file.")
        var out: String

        func validate() throws {
            try OptionRange.check(batch, in: OptionRange.batch, option: "--batch")
            try OptionRange.check(context, in: OptionRange.tokens, option: "--context")
            try OptionRange.check(prompt, in: OptionRange.tokens, option: "--prompt")
            if let seq { try OptionRange.check(seq, in: OptionRange.tokens, option: "--seq") }
            try OptionRange.check(tensorParallel, in: OptionRange.tensorParallel, option: "--tensor-parallel")
        }

        func run() throws {
            let sources = [model, cnn, gemmCSV].compactMap { $0 }
            guard sources.count == 1 else { throw ValidationError("give exactly one of --model, --cnn or --gemm-csv") }
            guard let numberFormat = NumberFormat(rawValue: format) else {
                throw unknownValue("--format", format, accepted: NumberFormat.allCases.map(\.rawValue))
            }
            if recipe != nil, model == nil { throw ValidationError("--recipe applies to transformers (--model); give --format for a CNN or GEMM list") }
            var precision: PrecisionRecipe?
            if let recipe {
                // --format keeps its default unless given; --kv-format would contradict the recipe.
                guard kvFormat == nil else { throw ValidationError("give either --recipe or --format/--kv-format, not both") }
                switch PrecisionRecipe.parse(recipe) {
                case let .success(parsed): precision = parsed
                case let .failure(error): throw ValidationError("--recipe: \(error.description)")
                }
            }
            var kv: NumberFormat?
            if let kvFormat {
                guard let parsed = NumberFormat(rawValue: kvFormat) else { throw unknownValue("--kv-format", kvFormat, accepted: NumberFormat.allCases.map(\.rawValue)) }
                kv = parsed
            }
            let workload: Workload
            do {
                if let model {
                    guard let phaseValue = Phase(rawValue: phase), [.prefill, .decode, .training].contains(phaseValue) else {
                        throw ValidationError("--phase must be prefill, decode or training, got \"\(phase)\"")
                    }
                    var recomputation = Recomputation.selective
                    if phaseValue == .training {
                        if let recompute {
                            guard let parsed = Recomputation(rawValue: recompute) else {
                                throw unknownValue("--recompute", recompute, accepted: Recomputation.allCases.map(\.rawValue))
                            }
                            recomputation = parsed
                        }
                    } else if seq != nil || recompute != nil {
                        throw ValidationError("--seq and --recompute apply to --phase training")
                    }
                    let config = try TransformerConfig.load(path: model)
                    let name = URL(fileURLWithPath: model).deletingPathExtension().lastPathComponent
                    if phaseValue == .training {
                        do {
                            let generator = precision.map { TrainingGenerator(model: config, modelName: name, recipe: $0) }
                                ?? TrainingGenerator(model: config, modelName: name, format: numberFormat)
                            workload = try generator.generate(microBatch: batch, sequenceLength: seq ?? 2048, tensorParallel: tensorParallel,
                                                              recompute: recomputation)
                        } catch {
                            throw ValidationError(error.description)
                        }
                    } else {
                        do {
                            let generator = precision.map { TransformerGenerator(model: config, modelName: name, recipe: $0) }
                                ?? TransformerGenerator(model: config, modelName: name, format: numberFormat, kvFormat: kv)
                            workload = try generator.generate(phase: phaseValue, batch: batch, sequenceLength: phaseValue == .prefill ? prompt : context,
                                          tensorParallel: tensorParallel)
                        } catch {
                            throw ValidationError(error.description)
                        }
                    }
                } else if let cnn {
                    guard cnn == "resnet50" else { throw unknownValue("--cnn", cnn, accepted: ["resnet50"]) }
                    do { workload = try CNNGenerator.resnet50(batch: batch, format: numberFormat) } catch { throw ValidationError(error.description) }
                } else {
                    workload = try GEMMListImporter.load(path: gemmCSV!, format: numberFormat)
                }
            } catch let error as ConfigError {
                throw failInput(error)
            }
            try writeOutput(JSONWriter.pretty(workload.jsonValue()) + "\n", to: out)
            print("wrote \(out): \(workload.name), \(workload.ops.count) ops")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a trace's op count, FLOPs, weight and KV-cache bytes.")

        @Argument(help: "Workload trace (JSON).")
        var file: String

        @Flag(help: "List every op.")
        var ops = false

        func run() throws {
            let workload = try loadTrace(file)
            let s = workload.summary
            print("workload     \(workload.name)")
            if let description = workload.description { print("description  \(description)") }
            print("phase        \(workload.phase.rawValue), \(workload.devices) chip\(workload.devices == 1 ? "" : "s"), \(JSONWriter.formatNumber(workload.itemsPerIteration)) \(workload.throughputUnit) per iteration")
            print("ops          \(s.opEntries) entries, \(s.opsExecuted) executed")
            print("FLOPs        \(Formatting.si(s.flops)) per chip, \(Formatting.si(s.flops * Double(workload.devices))) in all")
            print("parameters   \(Formatting.si(s.parameters)) per chip")
            print("weights      \(Formatting.bytes(s.weightBytes)) per chip")
            print("KV cache     \(Formatting.bytes(s.kvCacheBytes)) per chip")
            print("activations  \(Formatting.bytes(s.peakActivationBytes)) largest op footprint")
            if s.collectiveBytes > 0 { print("collectives  \(Formatting.bytes(s.collectiveBytes)) per chip") }
            if let step = workload.training {
                let m = step.memory
                print("training     micro-batch \(step.microBatch) × \(step.sequenceLength) tokens, \(step.recompute.rawValue) recomputation, model FLOPs \(Formatting.si(step.modelFLOPs)) per chip")
                print("step memory  \(Formatting.bytes(m.totalBytes)) per chip: weights \(Formatting.bytes(m.weightBytes)), gradients \(Formatting.bytes(m.gradientBytes)), optimizer states \(Formatting.bytes(m.optimizerStateBytes)), stored activations \(Formatting.bytes(m.activationBytes))")
            }
            if ops {
                print("")
                let rows = workload.ops.map { op in
                    [op.name, op.kind.rawValue, op.einsum, "\(op.repeatCount)", Formatting.si(op.flops)]
                }
                print(Formatting.table(header: ["op", "kind", "einsum", "repeat", "FLOPs"], rows: rows, rightAligned: [3, 4]))
            }
        }
    }
}
