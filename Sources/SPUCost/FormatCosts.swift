import SPUCore
import SPUFormats

/// Maps the performance model's number-format names onto the bit-exact format library, so the
/// MAC cost model prices the formats a MAC array lists.
enum FormatCosts {
    /// The `SPUFormats` name whose MAC cost stands for a storage format of the performance model.
    static func costName(_ format: NumberFormat) -> String {
        switch format {
        case .pal8: return "pal8"
        case .pal16: return "pal16"
        case .lns8: return "lns8f3"
        case .lns16: return "lns16f8"
        case .fp8E4M3: return "fp8-e4m3"
        case .fp8E5M2: return "fp8-e5m2"
        case .fp16: return "fp16"
        case .bf16: return "bf16"
        case .tf32: return "tf32"
        case .fp32: return "fp32"
        case .int8: return "int8"
        case .int4: return "int4"
        case .mxfp8: return "mxfp8-e4m3"
        case .mxfp6: return "mxfp6-e3m2"
        case .mxfp4: return "mxfp4-e2m1"
        case .mxint8: return "mxint8"
        }
    }

    static func mac(_ format: NumberFormat, model: MACCostModel) -> MACCostModel.Cost {
        guard let cost = model.cost(of: costName(format)) else {
            preconditionFailure("no MAC cost for \(format.rawValue)")
        }
        return cost
    }
}
