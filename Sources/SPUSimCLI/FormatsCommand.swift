import ArgumentParser
import Foundation
import SPUCore
import SPUCost
import SPUFormats

/// `spusim formats`: list, quantise and study number formats.
struct FormatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "formats",
        abstract: "Bit-exact number formats: list them, quantise values, study their numerics.",
        subcommands: [List.self, Quantize.self, Study.self, Costs.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every format with bits, range and decades.")

        func run() {
            var rows: [[String]] = FormatRegistry.scalarPresets.map { format in
                let m = format.metadata
                return [format.name, "\(format.bits)", String(format: "%.6g", m.maxFinite), String(format: "%.6g", m.minPositive),
                        String(format: "%.2f", m.decades), format.summary]
            }
            for (alias, target) in FormatRegistry.aliases.sorted(by: { $0.key < $1.key }) {
                let m = FormatRegistry.scalar(named: alias)!.metadata
                rows.append([alias, "\(m.bits)", String(format: "%.6g", m.maxFinite), String(format: "%.6g", m.minPositive),
                             String(format: "%.2f", m.decades), "alias of \(target)"])
            }
            for block in FormatRegistry.blockPresets {
                rows.append([block.name, String(format: "%.3g", block.bitsPerElement), "-", "-", "-", block.summary])
            }
            print(Formatting.table(header: ["format", "bits", "max", "min positive", "decades", "description"], rows: rows, rightAligned: [1, 2, 3, 4]))
            print("\nParametric families also accept posit<n>-es<e>, lns<n>f<f> and mdlns<n>-a<A>b<B>-d<D>.")
            print("\nHardware formats (device configs' macs_per_cycle keys, trace tensor formats); each name also selects its codec:")
            let hardware = HardwareFormat.allCases.map { format in
                let entry = format.entry
                return [format.rawValue, entry.kind.rawValue, "\(entry.elementBits)", String(format: "%.4g", entry.storageBits), entry.codec.name]
            }
            print(Formatting.table(header: ["format", "kind", "element bits", "storage bits", "codec"], rows: hardware, rightAligned: [2, 3]))
        }
    }

    struct Costs: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Area and energy of one MAC per format at a process node.")

        @Option(help: "Process node: n45 (the 45 nm reference of the anchors) or a node of the technology directory (name or alias).")
        var node: String = "n5"

        @Option(name: .long, help: "Technology directory whose node files give the area and energy factors; default: configs/tech of the SPUSim installation.")
        var tech: String?

        @Option(help: "Comma-separated formats (default: a comparison set).")
        var formats: String = "int8,fp8-e4m3,fp8-e5m2,bf16,fp16,fp32,posit8-es0,pal8,pal16,pal8-mdlns,mxfp8-e4m3,mxfp4-e2m1,mxint8,pal8-block32"

        @Option(help: "Accumulation for log formats: exact, mitchell, gaussian-log-fN, remainder-binning.")
        var accumulation: String = "exact"

        @Flag(help: "Show each part of every MAC.")
        var parts = false

        func run() throws {
            guard let mode = AccumulationMode(accumulation) else { throw ValidationError("unknown --accumulation \"\(accumulation)\"") }
            let techDirectory = try resolveDefault(tech: tech)
            let technologies: [TechnologySpec]
            do {
                technologies = try CostInputs.loadTechnologies(techDirectory: techDirectory)
            } catch {
                throw failInput(error)
            }
            guard let model = MACCostModel.at(node: node, technologies: technologies) else {
                let known = MACCostModel.referenceNodeNames.prefix(1) + technologies.map(\.name).sorted()
                throw unknownValue("--node", node, accepted: Array(known))
            }
            let reference = model.cost(of: "int8")!
            var rows: [[String]] = []
            for name in formats.split(separator: ",").map(String.init) {
                guard let cost = model.cost(of: name, accumulation: mode) else {
                    printError("error: unknown format \"\(name)\"\(Suggestion.hint(for: name, in: formatPresetNames)) (see 'spusim formats list')")
                    throw ExitCode(2)
                }
                rows.append([name, String(format: "%.1f", cost.areaUm2), String(format: "%.4f", cost.energyPJ),
                             String(format: "%.2f", cost.areaUm2 / reference.areaUm2), String(format: "%.2f", cost.energyPJ / reference.energyPJ)])
                if parts {
                    for part in cost.parts {
                        rows.append(["  " + part.name, String(format: "%.1f", part.areaUm2), String(format: "%.4f", part.energyPJ), "", ""])
                    }
                }
            }
            print("MAC cost at \(node) (Horowitz 45 nm anchors scaled by area ×\(String(format: "%.3g", model.areaFactor)), energy ×\(String(format: "%.3g", model.energyFactor))); log formats accumulate \(mode):")
            print(Formatting.table(header: ["format", "area µm²", "energy pJ", "area vs int8", "energy vs int8"], rows: rows, rightAligned: [1, 2, 3, 4]))
        }
    }

    struct Quantize: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read decimal numbers from stdin; print input<TAB>0xCODE<TAB>decoded per value.")

        @Option(help: "Format name (see 'spusim formats list').")
        var format: String

        @Flag(help: "Clamp overflow to ±max instead of the format's infinity/NaN.")
        var saturate = false

        func run() throws {
            let text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            do {
                print(try Self.quantize(text: text, format: format, saturate: saturate), terminator: "")
            } catch let error as QuantizeError {
                printError("error: \(error.message)")
                throw ExitCode(2)
            }
        }

        struct QuantizeError: Error { let message: String }

        /// The whole `quantize` transformation: whitespace-separated decimals in, one
        /// `input<TAB>0xCODE<TAB>decoded` line per value out. A token that is not a number is
        /// reported as `FILE:LINE: …` (`file` names the input, `stdin` for standard input).
        static func quantize(text: String, format: String, saturate: Bool, file: String = "stdin") throws -> String {
            var tokens: [String] = []
            var values: [Double] = []
            for (index, line) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
                for token in line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init) {
                    guard let value = parse(token) else {
                        throw QuantizeError(message: "\(file):\(index + 1): \"\(token)\" is not a decimal number")
                    }
                    tokens.append(token)
                    values.append(value)
                }
            }
            var out = ""
            if let scalar = FormatRegistry.scalar(named: format) {
                let width = (scalar.bits + 3) / 4
                for (token, value) in zip(tokens, values) {
                    let code = scalar.encode(value, saturate: saturate || scalar.saturatesByDefault)
                    out += "\(token)\t\(hex(code, width: width))\t\(spell(scalar.decode(code)))\n"
                }
            } else if let block = FormatRegistry.block(named: format) {
                var start = 0
                while start < values.count {
                    let end = min(start + block.blockSize, values.count)
                    let q = block.quantizeBlock(values[start..<end])
                    for i in 0..<(end - start) {
                        out += "\(tokens[start + i])\t\(hex(q.codes[i], width: 2))\t\(spell(q.values[i]))\n"
                    }
                    start = end
                }
            } else {
                throw QuantizeError(message: "unknown format \"\(format)\"\(Suggestion.hint(for: format, in: formatPresetNames)) (see 'spusim formats list')")
            }
            return out
        }

        static func parse(_ token: String) -> Double? {
            switch token.lowercased() {
            case "nan", "+nan": return .nan
            case "-nan": return -Double.nan
            case "inf", "+inf", "infinity", "+infinity": return .infinity
            case "-inf", "-infinity": return -.infinity
            default: return Double(token)
            }
        }

        static func hex(_ code: UInt32, width: Int) -> String {
            let digits = String(code, radix: 16)
            return "0x" + String(repeating: "0", count: max(0, width - digits.count)) + digits
        }

        /// Shortest round-trip decimal; `nan`, `inf`, `-inf` spelled out.
        static func spell(_ x: Double) -> String {
            if x.isNaN { return "nan" }
            if x.isInfinite { return x < 0 ? "-inf" : "inf" }
            return "\(x)"
        }
    }
}
