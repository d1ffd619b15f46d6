/// The number formats SPUSim knows by name, with their storage width.
///
/// The performance model needs only how many bits an element occupies in memory and on the wires;
/// bit-exact encode/decode lives in the number-format module. `pal8`/`pal16` stand in for the
/// unpublished PAL log format (see `docs/hardware-format.md`). MX formats include the shared E8M0
/// scale of each 32-element block (OCP Microscaling Formats v1.0).
public enum NumberFormat: String, CaseIterable, Sendable, Hashable, Codable {
    case pal8, pal16, lns8, lns16
    case fp8E4M3 = "fp8-e4m3"
    case fp8E5M2 = "fp8-e5m2"
    case fp16, bf16, tf32, fp32
    case int8, int4
    case mxfp8, mxfp6, mxfp4, mxint8

    /// Bits one element occupies in memory, including its share of any block scale.
    public var storageBits: Double {
        switch self {
        case .int4: return 4
        case .pal8, .lns8, .fp8E4M3, .fp8E5M2, .int8: return 8
        case .pal16, .lns16, .fp16, .bf16: return 16
        case .tf32, .fp32: return 32
        case .mxfp8, .mxint8: return 8 + 8.0 / 32
        case .mxfp6: return 6 + 8.0 / 32
        case .mxfp4: return 4 + 8.0 / 32
        }
    }

    /// Bytes per element (may be fractional for sub-byte and block-scaled formats).
    public var bytesPerElement: Double { storageBits / 8 }
}
