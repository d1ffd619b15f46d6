/// The number formats a device config's MAC array, a workload's tensors and the performance model
/// name (`configs/hardware/*.json` `macs_per_cycle` keys, trace `format` fields). SPUCore exposes
/// this type as `NumberFormat`.
///
/// `entry` is the catalogue: one entry per format gives its kind, widths and bit-exact codec, and
/// through the codec its MAC cost (`MACCostModel.cost(of:)`). Everything else derives from it: the
/// storage width the performance model charges, the names `spusim formats` accepts, the MAC area and
/// energy of the cost model.
///
/// `pal8`/`pal16` stand in for the unpublished PAL log format (see `docs/hardware-format.md` and
/// `FormatRegistry`); `lns8`/`lns16` are the same log formats under their generic names. MX formats
/// include the shared E8M0 scale of each 32-element block (OCP Microscaling Formats v1.0).
public enum HardwareFormat: String, CaseIterable, Sendable, Hashable, Codable {
    case pal8, pal16, lns8, lns16
    case fp8E4M3 = "fp8-e4m3"
    case fp8E5M2 = "fp8-e5m2"
    case fp16, bf16, tf32, fp32
    case int8, int4
    case mxfp8, mxfp6, mxfp4, mxint8

    /// The catalogue entry of the format. Always inlined, so that a width lookup folds into a
    /// per-case constant (the codec closures are never called for it).
    public var entry: HardwareFormatEntry {
        @inline(__always) get {
        switch self {
        case .pal8: return .init(kind: .logarithmic, elementBits: 8) { .scalar(FormatRegistry.pal8) }
        case .pal16: return .init(kind: .logarithmic, elementBits: 16) { .scalar(FormatRegistry.pal16) }
        case .lns8: return .init(kind: .logarithmic, elementBits: 8) { .scalar(LogNumberSystem(n: 8, fractionBits: 3)) }
        case .lns16: return .init(kind: .logarithmic, elementBits: 16) { .scalar(LogNumberSystem(n: 16, fractionBits: 8)) }
        case .fp8E4M3: return .init(kind: .float, elementBits: 8) { .scalar(MiniFloat.fp8E4M3) }
        case .fp8E5M2: return .init(kind: .float, elementBits: 8) { .scalar(MiniFloat.fp8E5M2) }
        case .fp16: return .init(kind: .float, elementBits: 16) { .scalar(MiniFloat.fp16) }
        case .bf16: return .init(kind: .float, elementBits: 16) { .scalar(MiniFloat.bf16) }
        case .tf32: return .init(kind: .float, elementBits: 19, containerBits: 32) { .scalar(MiniFloat.tf32) }
        case .fp32: return .init(kind: .float, elementBits: 32) { .scalar(MiniFloat.fp32) }
        case .int8: return .init(kind: .integer, elementBits: 8) { .scalar(IntegerFormat.int8) }
        case .int4: return .init(kind: .integer, elementBits: 4) { .scalar(IntegerFormat.int4) }
        case .mxfp8: return .init(kind: .blockScaledFloat, elementBits: 8, sharedScale: .e8m0Per32) { .block(MXFormat.mxfp8E4M3) }
        case .mxfp6: return .init(kind: .blockScaledFloat, elementBits: 6, sharedScale: .e8m0Per32) { .block(MXFormat.mxfp6E3M2) }
        case .mxfp4: return .init(kind: .blockScaledFloat, elementBits: 4, sharedScale: .e8m0Per32) { .block(MXFormat.mxfp4E2M1) }
        case .mxint8: return .init(kind: .blockScaledInteger, elementBits: 8, sharedScale: .e8m0Per32) { .block(MXFormat.mxint8) }
        }
        }
    }

    /// Bits one element occupies in memory and on the wires, including its share of any block scale.
    public var storageBits: Double { entry.storageBits }

    /// Bytes per element (may be fractional for sub-byte and block-scaled formats).
    public var bytesPerElement: Double { entry.storageBits / 8 }

    /// The bit-exact codec of the format.
    public var codec: HardwareFormatEntry.Codec { entry.codec }
}
