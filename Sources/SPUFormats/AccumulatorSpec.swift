/// The accumulator register a MAC array sums a dot product's products in: an accumulation mode
/// and the register's width. One value serves both sides of the model: `MACCostModel` prices this
/// register (its adder, shifter and tables are `widthBits` wide) and `DotProduct.compute(_:_:accumulator:operandMax:)`
/// sums exactly as it would, so the SNR a study reports is the SNR of the hardware priced.
///
/// Semantics by mode:
/// - **Fixed-point modes** (`exact` — Kulisch-style, also the integer MAC's accumulator —,
///   `mitchell`, `remainderBinning`): a W-bit two's-complement fixed-point register, values
///   n·2^e with n in [−2^(W−1), 2^(W−1) − 1]. The binary point is placed by the operands: with
///   A and B the largest magnitudes the two operands can take at their scale (the format's
///   largest finite value in code space — the per-tensor scale is applied to the result — or,
///   for block-scaled operands, the largest block's), and K the dot-product length, the LSB
///   exponent is e = ⌈log2(K·A·B)⌉ − (W − 1): K full-scale products fit exactly below the sign
///   bit (⌈log2 K⌉ guard bits above the largest product). Each product (after the mode's
///   antilog: exact, Mitchell's 1 + f, or a remainder bin's 2^q) is rounded to the LSB grid
///   half-to-even; a sum outside the register saturates at every add. Remainder binning keeps
///   one such register per remainder bin and applies the bins' constants 2^(r/2^F) exactly.
/// - **`float32`**: an IEEE binary32 register, each product rounded to fp32 and added in fp32
///   (`widthBits` is 32). Tensor cores round a group of products into it at once; summing one
///   product at a time is the stricter (noisier) case.
/// - **`gaussianLog(F)`**: the log-domain accumulator: a sign and a (W − 1)-bit two's-complement
///   log2 with F fraction bits, updated through sb/db at 2^−F. W must hold the product logs'
///   integer range (validated by `minimumWidth`); the emulation is then set by F alone.
///
/// Defaults (`default(for:)`) follow what the cost model priced before accumulators were
/// declared: floats, posits and MX floats an fp32 dot-product unit; integers (and MXINT8) a 32-bit
/// register; log formats (LNS, PAL, MDLNS, block-offset LNS) exact accumulation in 32 bits for
/// 8-bit formats and 48 bits for 16-bit formats. Device configs may declare others per format
/// (`mac_array.accumulation`, docs/hardware-format.md).
public struct AccumulatorSpec: Sendable, Hashable, CustomStringConvertible {
    public var mode: AccumulationMode
    public var widthBits: Int

    /// Register widths a fixed-point accumulator may have: the emulation's integer is 64 bits.
    public static let fixedPointWidths = 8...64

    public init(mode: AccumulationMode, widthBits: Int) {
        self.mode = mode
        self.widthBits = widthBits
    }

    /// The IEEE binary32 accumulator of a float dot-product unit.
    public static let fp32 = AccumulatorSpec(mode: .float32, widthBits: 32)

    public var description: String {
        switch mode {
        case .float32: return "fp32"
        default: return "\(mode)-w\(widthBits)"
        }
    }

    /// Exponent of the fixed-point register's LSB for K-long dot products whose operands reach
    /// magnitudes `operandMax` (the rule above): ⌈log2(K·A·B)⌉ − (W − 1).
    public func lsbExponent(length k: Int, operandMax: (Double, Double)) -> Int {
        let top = log2(Double(max(k, 1))) + log2(operandMax.0) + log2(operandMax.1)
        return Int(top.rounded(.up)) - (widthBits - 1)
    }

    /// The accumulator a MAC of `codec` has when the device declares none (see the type's comment).
    public static func `default`(for codec: HardwareFormatEntry.Codec) -> AccumulatorSpec {
        switch codec {
        case let .scalar(format):
            switch format {
            case is LogNumberSystem, is MultiBaseLNS: return logDefault(bits: format.bits)
            case is IntegerFormat: return AccumulatorSpec(mode: .exact, widthBits: 32)
            default: return .fp32
            }
        case let .block(block as MXFormat):
            if case .int8 = block.element { return AccumulatorSpec(mode: .exact, widthBits: 32) }
            return .fp32
        case let .block(block as BlockLogOffset):
            return logDefault(bits: block.element.bits)
        case .block:
            return .fp32
        }
    }

    /// The default accumulator of a hardware format.
    public static func `default`(for format: HardwareFormat) -> AccumulatorSpec { .default(for: format.codec) }

    /// Exact accumulation at the width priced before declarations: 32 bits for formats of up to
    /// 8 bits, 48 above (the ELMA-style "8/38-bit" register of Johnson 2018 rounded to a word).
    static func logDefault(bits: Int) -> AccumulatorSpec {
        AccumulatorSpec(mode: .exact, widthBits: bits <= 8 ? 32 : 48)
    }

    /// The width `mode` gets on a MAC of `codec` when only the mode is chosen (`formats costs
    /// --accumulation`): the default width for fixed-point modes, 32 for fp32, and for the
    /// Gaussian-log accumulator sign + the product log's integer bits + F.
    public static func defaultWidth(mode: AccumulationMode, codec: HardwareFormatEntry.Codec) -> Int {
        switch mode {
        case .float32: return 32
        case .gaussianLog(let f): return minimumWidth(mode: mode, codec: codec) ?? (f + 10)
        case .exact, .mitchell, .remainderBinning:
            let d = AccumulatorSpec.default(for: codec)
            return d.mode.isFixedPoint ? d.widthBits : 32
        }
    }

    /// The smallest width a Gaussian-log accumulator of a log codec needs: a sign, the product
    /// log's integer bits (twice the operand's log range, N − F bits for lns<N,F>) and F_acc
    /// fraction bits; nil for other modes or codecs.
    public static func minimumWidth(mode: AccumulationMode, codec: HardwareFormatEntry.Codec) -> Int? {
        guard case let .gaussianLog(fAcc) = mode else { return nil }
        let element: LogNumberSystem?
        switch codec {
        case let .scalar(f): element = f as? LogNumberSystem
        case let .block(b as BlockLogOffset): element = b.element as? LogNumberSystem
        default: element = nil
        }
        guard let lns = element else { return nil }
        return 1 + (lns.n - lns.fractionBits) + fAcc
    }

    /// The modes a MAC of `codec` can be built with: fp32 for floats, posits and MX floats; a
    /// fixed-point register for integers; any log-domain scheme for LNS (block or not); exact for
    /// MDLNS (its D^b factor has no Mitchell or Gaussian-log form here).
    public static func allows(_ mode: AccumulationMode, for codec: HardwareFormatEntry.Codec) -> Bool {
        let isLNS: Bool
        switch codec {
        case let .scalar(f): isLNS = f is LogNumberSystem
        case let .block(b as BlockLogOffset): isLNS = b.element is LogNumberSystem
        default: isLNS = false
        }
        if isLNS { return mode != .float32 }
        let d = AccumulatorSpec.default(for: codec)
        return d.mode == .float32 ? mode == .float32 : mode == .exact
    }
}
