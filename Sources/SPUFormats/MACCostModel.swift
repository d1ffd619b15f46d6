/// A parametric area and energy model of one multiply-accumulate unit per number format, built
/// from its parts and anchored on Horowitz, "Computing's energy problem", ISSCC 2014 (45 nm,
/// 0.9 V; number-formats.md §4.1), then scaled to a process node by the area and energy factors of
/// its technology file (`configs/tech/<node>.json`, `logic.area_factor_vs_45nm` and
/// `logic.energy_factor_vs_45nm`; number-formats.md §4.3). 45 nm itself is the reference, factors 1.
///
/// Parts and their 45 nm cost functions (w = width in bits; areas µm², energies pJ):
/// - integer adder: linear through Horowitz's 8/16/32-bit adds (36/67/137 µm², 0.03/0.05/0.1 pJ);
/// - integer multiplier: power law through the 8- and 32-bit multipliers (282/3495 µm²,
///   0.2/3.1 pJ), i.e. ∝ w^1.82 in area and w^1.98 in energy (≈ significand bits²);
/// - float multiplier: significand multiplier (m+1 bits) + exponent adder (e bits) + a
///   normalise/round term fitted so the FP16 and FP32 multipliers (1640/7700 µm², 1.1/3.7 pJ)
///   are reproduced exactly;
/// - float adder: power law in total width through FP16 and FP32 adds (1360/4184 µm², 0.4/0.9 pJ);
/// - LUT bits, barrel-shifter multiplexers and a leading-zero counter: per-bit constants that are
///   stated assumptions (see `Assumptions`).
/// Accumulators: float and posit MACs are lanes of a tensor-core-style dot-product unit: each
/// product is aligned (a shifter over a 2(m+1)+8-bit window) and added in fixed point, and the
/// group of `dotProductWidth` products is rounded into an FP32 accumulator once, so the FP32 add
/// is amortised over the group. Integers and exact-mode log formats accumulate in a 32-bit (8-bit
/// formats) or 48-bit (16-bit formats) fixed-point adder.
public struct MACCostModel: Sendable {
    /// Area (µm²) and energy (pJ) of one MAC, and a breakdown by part.
    public struct Cost: Sendable, Equatable {
        public var areaUm2: Double
        public var energyPJ: Double
        public var parts: [(name: String, areaUm2: Double, energyPJ: Double)]

        public static func == (lhs: Cost, rhs: Cost) -> Bool {
            lhs.areaUm2 == rhs.areaUm2 && lhs.energyPJ == rhs.energyPJ && lhs.parts.map(\.name) == rhs.parts.map(\.name)
        }
    }

    /// Per-bit constants not in Horowitz's table (45 nm), all assumptions: a 2:1 multiplexer of a
    /// barrel shifter ≈ 2 µm² (about a Nangate45 MUX2_X1, 1.86 µm²) and 2 fJ per toggle; a LUT/ROM
    /// bit in synthesised logic ≈ 0.5 µm² and 0.5 fJ per read; a leading-zero counter ≈ one
    /// multiplexer per input bit; float MACs are 16-wide dot-product lanes (as tensor cores reduce
    /// several products before the FP32 accumulator).
    public enum Assumptions {
        public static let muxAreaUm2 = 2.0
        /// 2 fJ per switching multiplexer at ~25 % activity.
        public static let muxEnergyPJ = 0.0005
        /// Products per FP32 accumulator rounding in a float dot-product unit.
        public static let dotProductWidth = 16.0
        public static let lutBitAreaUm2 = 0.5
        public static let lutBitEnergyPJ = 0.0005
    }

    /// Factors applied to the 45 nm anchors.
    public let areaFactor: Double
    public let energyFactor: Double

    /// The model at 45 nm, the node of Horowitz's anchors.
    public static let reference45nm = MACCostModel(areaFactor: 1, energyFactor: 1)

    /// A node given by its scaling factors (from a technology file).
    public init(areaFactor: Double, energyFactor: Double) {
        self.areaFactor = areaFactor
        self.energyFactor = energyFactor
    }

    // MARK: 45 nm part costs

    static func intAdd(_ w: Double) -> (Double, Double) {
        (4.2083 * w + 2.333, 0.0029167 * w + 0.006667)
    }

    static func intMultiply(_ w: Double) -> (Double, Double) {
        (282 * pow(w / 8, log(3495.0 / 282) / log(4.0)), 0.2 * pow(w / 8, log(3.1 / 0.2) / log(4.0)))
    }

    /// Float multiplier of a given exponent and mantissa width; the normalise/round term is a power
    /// law in significand width through Horowitz's FP16 and FP32 multipliers.
    static func floatMultiply(exponent e: Double, mantissa m: Double) -> (Double, Double) {
        let sig = intMultiply(m + 1), exp = intAdd(e)
        func norm(_ anchor16: Double, _ anchor32: Double, _ part16: Double, _ part32: Double) -> Double {
            let r16 = anchor16 - part16, r32 = anchor32 - part32
            let gamma = log(r32 / r16) / log(24.0 / 11)
            return r16 * pow((m + 1) / 11, gamma)
        }
        let s16 = intMultiply(11), s32 = intMultiply(24), e16 = intAdd(5), e32 = intAdd(8)
        let area = sig.0 + exp.0 + norm(1640, 7700, s16.0 + e16.0, s32.0 + e32.0)
        let energy = sig.1 + exp.1 + norm(1.1, 3.7, s16.1 + e16.1, s32.1 + e32.1)
        return (area, energy)
    }

    /// An FP32 fused multiply-add lane (vector units), 45 nm.
    public static var fp32FMA: (areaUm2: Double, energyPJ: Double) {
        let m = floatMultiply(exponent: 8, mantissa: 23), a = floatAdd(width: 32)
        return (m.0 + a.0, m.1 + a.1)
    }

    /// SRAM read or write energy per bit at 45 nm for a bank of `bankBytes`: Horowitz's 64-bit
    /// reads (10 pJ at 8 KB, 20 pJ at 32 KB, 100 pJ at 1 MB) fit 10·√(C/8 KB) pJ per 64 bits.
    public static func sramPJPerBit45nm(bankBytes: Double) -> Double {
        10 * (bankBytes / 8192).squareRoot() / 64
    }

    static func floatAdd(width w: Double) -> (Double, Double) {
        (1360 * pow(w / 16, log(4184.0 / 1360) / log(2.0)), 0.4 * pow(w / 16, log(0.9 / 0.4) / log(2.0)))
    }

    static func shifter(width w: Double) -> (Double, Double) {
        let muxes = w * log2(max(w, 2))
        return (muxes * Assumptions.muxAreaUm2, muxes * Assumptions.muxEnergyPJ)
    }

    static func lut(entries: Double, bits: Double) -> (Double, Double) {
        (entries * bits * Assumptions.lutBitAreaUm2, bits * Assumptions.lutBitEnergyPJ * log2(max(entries, 2)))
    }

    // MARK: Per-format MACs

    /// The cost of one MAC of a hardware format; every catalogue entry is priced (checked by the
    /// catalogue tests), log formats with exact accumulation.
    public func cost(of format: HardwareFormat) -> Cost {
        guard let cost = cost(of: format.codec) else { preconditionFailure("no MAC cost for \(format.rawValue)") }
        return cost
    }

    /// The cost of one MAC of `format` (scalar, block or hardware-format name, see
    /// `FormatRegistry`) with the given accumulation; nil for unknown names.
    public func cost(of formatName: String, accumulation: AccumulationMode? = nil) -> Cost? {
        if let block = FormatRegistry.block(named: formatName) { return cost(of: .block(block), accumulation: accumulation) }
        if let scalar = FormatRegistry.scalar(named: formatName) { return cost(of: .scalar(scalar), accumulation: accumulation) }
        return nil
    }

    /// The cost of one MAC of a codec with the given accumulation (log formats; nil means exact);
    /// nil for a format family the model has no MAC for.
    public func cost(of codec: HardwareFormatEntry.Codec, accumulation: AccumulationMode? = nil) -> Cost? {
        var parts: [(String, (Double, Double))] = []
        switch codec {
        case let .block(block as MXFormat):
            guard var element = elementCost(block) else { return nil }
            // The shared E8M0 scales of both operands are added once per block of 32 MACs.
            let scaleAdd = Self.intAdd(8)
            element.append(("block scale add (per 32 MACs)", (scaleAdd.0 / Double(block.blockSize), scaleAdd.1 / Double(block.blockSize))))
            parts = element
        case let .block(block as BlockLogOffset):
            guard let element = block.element as? LogNumberSystem else { return nil }
            parts = logMAC(element, accumulation ?? .exact)
            let offsetAdd = Self.intAdd(8)
            parts.append(("block offset add (per 32 MACs)", (offsetAdd.0 / 32, offsetAdd.1 / 32)))
        case .block:
            return nil
        case let .scalar(format):
            switch format {
            case let f as MiniFloat:
                parts = floatMAC(exponent: f.exponentBits, mantissa: f.mantissaBits)
            case let f as IntegerFormat:
                parts = [("multiplier", Self.intMultiply(Double(f.bits))), ("int32 accumulator add", Self.intAdd(32))]
            case let f as Posit:
                // Decode both operands (leading-zero count + shift), multiply the widest fraction,
                // accumulate in a quire-like fixed-point register of 2·n + … ≈ 4n bits (assumption).
                let decode = Self.shifter(width: Double(f.n))
                parts = [("regime decode ×2", (2 * decode.0, 2 * decode.1))]
                    + floatMAC(exponent: f.es + Int(log2(Double(f.n)).rounded(.up)) + 1, mantissa: max(f.n - 3 - f.es, 1))
            case let f as LogNumberSystem:
                parts = logMAC(f, accumulation ?? .exact)
            case let f as MultiBaseLNS:
                // Two exponent adders, then 2^a·D^b to linear: a D^b LUT (2^B entries) and a shift.
                let width = f.bits <= 8 ? 32.0 : 48.0
                parts = [("a adder", Self.intAdd(Double(f.aBits))), ("b adder", Self.intAdd(Double(f.bBits + 1))),
                         ("D^b LUT", Self.lut(entries: Double(1 << (f.bBits + 1)), bits: 8)),
                         ("shifter", Self.shifter(width: width)), ("accumulator add", Self.intAdd(width))]
            default:
                return nil
            }
        }
        let area = parts.reduce(0) { $0 + $1.1.0 } * areaFactor
        let energy = parts.reduce(0) { $0 + $1.1.1 } * energyFactor
        return Cost(areaUm2: area, energyPJ: energy,
                    parts: parts.map { ($0.0, $0.1.0 * areaFactor, $0.1.1 * energyFactor) })
    }

    /// A float (or posit) MAC as one lane of a dot-product unit.
    private func floatMAC(exponent: Int, mantissa: Int) -> [(String, (Double, Double))] {
        let window = Double(2 * (mantissa + 1) + 8)
        let fp32 = Self.floatAdd(width: 32)
        let k = Assumptions.dotProductWidth
        return [("multiplier", Self.floatMultiply(exponent: Double(exponent), mantissa: Double(mantissa))),
                ("alignment shifter (\(Int(window)) bits)", Self.shifter(width: window)),
                ("adder-tree add (\(Int(window)) bits)", Self.intAdd(window)),
                ("fp32 accumulator add / \(Int(k))", (fp32.0 / k, fp32.1 / k))]
    }

    private func elementCost(_ block: MXFormat) -> [(String, (Double, Double))]? {
        switch block.element {
        case let .float(f):
            return floatMAC(exponent: f.exponentBits, mantissa: f.mantissaBits)
        case .int8:
            return [("element multiplier", Self.intMultiply(8)), ("int32 accumulator add", Self.intAdd(32))]
        }
    }

    /// A log-format MAC: the multiply is an (N−1)-bit add of the logs plus a sign XOR; the
    /// accumulation mode decides the rest.
    private func logMAC(_ f: LogNumberSystem, _ mode: AccumulationMode) -> [(String, (Double, Double))] {
        let logAdd = Self.intAdd(Double(f.n - 1))
        let width = f.n <= 8 ? 32.0 : 48.0
        switch mode {
        case .gaussianLog(let fAcc):
            let w = Double(f.n - 1 - f.fractionBits + fAcc)
            let entries = Double(DotProduct.gaussianLogTableEntries(fractionBits: fAcc))
            let table = Self.lut(entries: entries, bits: Double(fAcc + 2))
            return [("log add (multiply)", logAdd), ("compare/subtract", Self.intAdd(w)),
                    ("sb and db tables", (2 * table.0, table.1)), ("log accumulator add", Self.intAdd(w))]
        case .mitchell:
            return [("log add (multiply)", logAdd), ("shifter", Self.shifter(width: width)), ("accumulator add", Self.intAdd(width))]
        case .remainderBinning:
            // One accumulator per remainder bin; the final per-bin multiply is amortised over K.
            let bins = Double(1 << f.fractionBits)
            let acc = Self.intAdd(width)
            return [("log add (multiply)", logAdd), ("shifter", Self.shifter(width: width)),
                    ("bin accumulators (\(Int(bins)))", (bins * acc.0, acc.1))]
        case .exact, .float32:
            return [("log add (multiply)", logAdd),
                    ("antilog LUT (\(1 << f.fractionBits) entries)", Self.lut(entries: Double(1 << f.fractionBits), bits: Double(f.fractionBits + 3))),
                    ("shifter", Self.shifter(width: width)), ("accumulator add", Self.intAdd(width))]
        }
    }
}
