import ArgumentParser
import Foundation
import SPUCore
import SPUFormats
import SPUResults

extension FormatsCommand {
    /// `spusim formats study`: quantisation metrics and dot-product SNR for several formats.
    struct Study: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare formats on a synthetic distribution or a real tensor (.npy / .safetensors).")

        @Option(help: "Comma-separated format names, e.g. pal8,fp8-e4m3,int8,mxfp8-e4m3.")
        var formats: String

        @Option(help: "Synthetic input: \(Distribution.allCases.map(\.rawValue).joined(separator: ", ")).")
        var distribution: String?

        @Option(help: "Real tensor file (.npy or .safetensors; all tensors of a .safetensors file are concatenated).")
        var tensor: String?

        @Option(help: "Samples drawn from the distribution.")
        var samples: Int = 1 << 18

        @Option(help: "Fraction of samples multiplied by 100 (outlier injection).")
        var outliers: Double = 0

        @Option(help: "Random seed of the synthetic data.")
        var seed: UInt64 = 1

        @Option(help: "Scaling: absmax, mse, or channel:N (per row of N elements).")
        var scaling: String = "absmax"

        @Option(help: "Per-block absmax scaling with this block size (overrides --scaling).")
        var block: Int?

        @Option(help: "Also measure dot-product SNR at this length K.")
        var dot: Int?

        @Option(help: "Width in bits of the priced accumulator register of the --dot study (fixed-point and Gaussian-log accumulators; default: each format's priced width, 32 for 8-bit and 48 for 16-bit log formats).")
        var accumulatorBits: Int?

        @Flag(help: "Print JSON instead of tables.")
        var json = false

        @Option(help: "Also record the study in this results database (tables format_studies, format_dot_products).")
        var db: String?

        func validate() throws {
            try OptionRange.check(samples, in: OptionRange.samples, option: "--samples")
            try OptionRange.check(outliers, in: OptionRange.outlierFraction, option: "--outliers")
            try OptionRange.check(block, in: OptionRange.formatBlock, option: "--block")
            try OptionRange.check(dot, in: OptionRange.formatBlock, option: "--dot")
            try OptionRange.check(accumulatorBits, in: AccumulatorSpec.fixedPointWidths, option: "--accumulator-bits")
        }

        func run() throws {
            guard (distribution == nil) != (tensor == nil) else { throw ValidationError("give exactly one of --distribution or --tensor") }
            let started = Date()
            let data = try loadData()
            let policy = try scalingPolicy()
            let names = formats.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
            let study = NumericsStudy(formats: names, scaling: policy, accumulatorBits: accumulatorBits)
            let rows: [NumericsStudy.Row], dots: [NumericsStudy.DotRow]
            do {
                rows = try study.quantization(data)
                dots = try dot.map { try study.dotProducts(length: $0) } ?? []
            } catch let error as NumericsStudy.StudyError {
                printError("error: \(error.description)")
                throw ExitCode(2)
            }
            let source = distribution.map { "distribution:\($0) samples=\(data.count) seed=\(seed) outliers=\(outliers)" } ?? "tensor:\(tensor!)"
            if let db {
                let command = (["spusim"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
                try withToolErrors { try ResultsStore(path: db) }.recordFormatStudy(
                    run: .init(command: command, configHash: SHA256.hex(command), startedAt: started, finishedAt: Date()),
                    dataSource: source, valueCount: data.count, rows: rows, dots: dots)
            }
            if json {
                print(JSONWriter.pretty(Self.json(rows: rows, dots: dots, source: source, count: data.count)))
                return
            }
            print("data: \(distribution.map { "\($0), \(data.count) samples" + (outliers > 0 ? ", outliers \(outliers)" : "") } ?? "\(tensor!), \(data.count) values")\n")
            func f(_ x: Double, _ digits: Int = 2) -> String { x.isFinite ? String(format: "%.\(digits)f", x) : (x.isNaN ? Formatting.notApplicable : "inf") }
            print(Formatting.table(
                header: ["format", "bits", "scaling", "SQNR dB", "mean rel err", "max rel err", "decimal acc", "flushed", "saturated", "decades"],
                rows: rows.map { r in
                    [r.format, String(format: "%.3g", r.bitsPerElement), r.scaling, f(r.metrics.sqnrDB), String(format: "%.3g", r.metrics.meanRelativeError),
                     String(format: "%.3g", r.metrics.maxRelativeError), f(r.metrics.decimalAccuracy), String(format: "%.3g", r.metrics.fractionFlushed),
                     String(format: "%.3g", r.metrics.fractionSaturated), f(r.decades)]
                }, rightAligned: [1, 3, 4, 5, 6, 7, 8, 9]))
            if !dots.isEmpty {
                print("\ndot products, K = \(dots[0].length), \(dots[0].trials) trials, N(0,1) inputs, per-vector scaling;")
                print("priced: the accumulator register the cost model prices (mode-w<bits>: fixed-point or log register of that width; other rows sum unbounded):")
                print(Formatting.table(header: ["format", "accumulation", "output SNR dB", "priced"],
                                       rows: dots.map { [$0.format, $0.accumulation, f($0.snrDB), $0.priced ? "yes" : ""] }, rightAligned: [2]))
            }
        }

        private func loadData() throws -> [Double] {
            if let distribution {
                guard let d = Distribution(rawValue: distribution) else {
                    throw unknownValue("--distribution", distribution, accepted: Distribution.allCases.map(\.rawValue))
                }
                guard samples >= 1 else { throw ValidationError("--samples must be positive") }
                return d.samples(count: samples, seed: seed, outlierFraction: outliers)
            }
            let path = tensor!
            guard let data = FileManager.default.contents(atPath: path) else {
                printError("error: \(path): no such file or unreadable")
                throw ExitCode(2)
            }
            do {
                if path.hasSuffix(".safetensors") {
                    return try TensorFile.readSafetensors(Array(data)).flatMap(\.values)
                }
                return try TensorFile.readNPY(Array(data), name: path).values
            } catch {
                printError("error: \(path): \(error.description)")
                throw ExitCode(2)
            }
        }

        private func scalingPolicy() throws -> ScalingPolicy {
            if let block {
                guard block >= 1 else { throw ValidationError("--block must be positive") }
                return .perBlock(size: block)
            }
            switch scaling {
            case "absmax": return .perTensorAbsmax
            case "mse": return .perTensorMSE
            default:
                if scaling.hasPrefix("channel:"), let n = Int(scaling.dropFirst(8)), n >= 1 { return .perChannel(rowLength: n) }
                throw ValidationError("--scaling must be absmax, mse or channel:N")
            }
        }

        static func json(rows: [NumericsStudy.Row], dots: [NumericsStudy.DotRow], source: String, count: Int) -> JSONValue {
            func n(_ x: Double) -> JSONValue { x.isFinite ? .number(x) : .null }
            return .object([
                ("data", .string(source)),
                ("count", .number(Double(count))),
                ("formats", .array(rows.map { r in
                    .object([
                        ("format", .string(r.format)), ("bits_per_element", n(r.bitsPerElement)), ("scaling", .string(r.scaling)),
                        ("sqnr_db", n(r.metrics.sqnrDB)), ("mean_relative_error", n(r.metrics.meanRelativeError)),
                        ("max_relative_error", n(r.metrics.maxRelativeError)), ("decimal_accuracy", n(r.metrics.decimalAccuracy)),
                        ("fraction_flushed", n(r.metrics.fractionFlushed)), ("fraction_saturated", n(r.metrics.fractionSaturated)),
                        ("dynamic_range_decades", n(r.decades)),
                    ])
                })),
                ("dot_products", .array(dots.map { d in
                    .object([("format", .string(d.format)), ("accumulation", .string(d.accumulation)), ("length", .number(Double(d.length))),
                             ("trials", .number(Double(d.trials))), ("output_snr_db", n(d.snrDB)), ("priced", .bool(d.priced))])
                })),
            ])
        }
    }
}
