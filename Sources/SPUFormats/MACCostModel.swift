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
    /// barrel shifter ≈ 2 µm² (about a Nangate45 MUX2_X1, 1.86 µm²) and 2 fJ per toggle; a
    /// leading-zero counter ≈ one multiplexer per input bit; float MACs are 16-wide dot-product
    /// lanes (as tensor cores reduce several products before the FP32 accumulator). Tables: see
    /// `lut(entries:bits:)`.
    public enum Assumptions {
        public static let muxAreaUm2 = 2.0
        /// 2 fJ per switching multiplexer at ~25 % activity.
        public static let muxEnergyPJ = 0.0005
        /// Products per FP32 accumulator rounding in a float dot-product unit.
        public static let dotProductWidth = 16.0
        /// A table bit synthesised as logic (a minimised ROM: about a quarter of a multiplexer).
        public static let lutBitAreaUm2 = 0.5
        /// Energy per table bit per read in logic: a read switches the whole table's logic cone,
        /// so energy scales with the table's bits, at the multiplexer's energy per µm² (2 fJ
        /// toggle, 25 % activity, × 0.5/2 µm²).
        public static let lutBitEnergyPJ = muxEnergyPJ * lutBitAreaUm2 / muxAreaUm2
        /// A ROM macro bit at 45 nm including its periphery: half of Intel's 45 nm 6T SRAM cell
        /// (0.346 µm², Mistry et al., IEDM 2007) for a one-transistor ROM cell, plus ~40 %
        /// decoder and sense-amplifier periphery (assumption).
        public static let romBitAreaUm2 = 0.25
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

    /// A read-only table of `entries` × `bits`, one `bits`-wide read per use, built whichever way
    /// costs less energy per read:
    /// - synthesised logic: `lutBitAreaUm2` per bit, and a read switches the table's whole cone,
    ///   `lutBitEnergyPJ` per bit of the table (energy ∝ entries × bits);
    /// - a ROM macro: `romBitAreaUm2` per bit, and a read costs Horowitz's SRAM read energy at
    ///   that array size, `sramPJPerBit45nm(bankBytes: entries·bits/8)` per bit read (∝ bits ×
    ///   √(entries·bits)), as in the SRAM model of the memories.
    /// The two cross at entries·bits ≈ 24·bits² (≈ 860 bits for a 6-bit table, 3,400 for a
    /// 12-bit one): antilog tables of up to 2^8 entries stay logic, Gaussian-log tables of
    /// F_acc ≥ 8 become ROMs. (The earlier model charged bits × log2(entries) × 0.5 fJ per read,
    /// ~25× below an SRAM read of the same size.)
    public static func lut(entries: Double, bits: Double) -> (areaUm2: Double, energyPJ: Double) {
        let tableBits = entries * bits
        let logic = (tableBits * Assumptions.lutBitAreaUm2, tableBits * Assumptions.lutBitEnergyPJ)
        let rom = (tableBits * Assumptions.romBitAreaUm2, bits * sramPJPerBit45nm(bankBytes: tableBits / 8))
        return rom.1 < logic.1 ? rom : logic
    }

    /// An IEEE FP16 fused multiply-add (FP16 multiplier + FP16 adder at 45 nm): the baseline of
    /// Johnson 2018's 16-bit log MAC comparison (docs/number-formats.md).
    public static var fp16FMA: (areaUm2: Double, energyPJ: Double) {
        let m = floatMultiply(exponent: 5, mantissa: 10), a = floatAdd(width: 16)
        return (m.0 + a.0, m.1 + a.1)
    }

    // MARK: Per-format MACs

    /// The cost of one MAC of a hardware format with its accumulator (nil: the format's default,
    /// `AccumulatorSpec.default(for:)`); every catalogue entry is priced (checked by the catalogue
    /// tests).
    public func cost(of format: HardwareFormat, accumulator: AccumulatorSpec? = nil) -> Cost {
        guard let cost = cost(of: format.codec, accumulator: accumulator) else { preconditionFailure("no MAC cost for \(format.rawValue)") }
        return cost
    }

    /// The cost of one MAC of `format` (scalar, block or hardware-format name, see
    /// `FormatRegistry`) with the given accumulation mode at its default width
    /// (`AccumulatorSpec.defaultWidth`); a mode the format cannot use (`AccumulatorSpec.allows`)
    /// falls back to the format's default accumulator. Nil for unknown names.
    public func cost(of formatName: String, accumulation: AccumulationMode? = nil) -> Cost? {
        let codec: HardwareFormatEntry.Codec
        if let block = FormatRegistry.block(named: formatName) { codec = .block(block) }
        else if let scalar = FormatRegistry.scalar(named: formatName) { codec = .scalar(scalar) }
        else { return nil }
        guard let mode = accumulation, AccumulatorSpec.allows(mode, for: codec) else { return cost(of: codec) }
        return cost(of: codec, accumulator: AccumulatorSpec(mode: mode, widthBits: AccumulatorSpec.defaultWidth(mode: mode, codec: codec)))
    }

    /// The cost of one MAC of a codec with the given accumulator register (nil: the codec's
    /// default); the register's mode and width are priced as declared. Nil for a format family the
    /// model has no MAC for.
    public func cost(of codec: HardwareFormatEntry.Codec, accumulator: AccumulatorSpec? = nil) -> Cost? {
        let acc = accumulator ?? AccumulatorSpec.default(for: codec)
        let w = Double(acc.widthBits)
        var parts: [(String, (Double, Double))] = []
        switch codec {
        case let .block(block as MXFormat):
            guard var element = elementCost(block, acc) else { return nil }
            // The shared E8M0 scales of both operands are added once per block of 32 MACs.
            let scaleAdd = Self.intAdd(8)
            element.append(("block scale add (per 32 MACs)", (scaleAdd.0 / Double(block.blockSize), scaleAdd.1 / Double(block.blockSize))))
            parts = element
        case let .block(block as BlockLogOffset):
            guard let element = block.element as? LogNumberSystem else { return nil }
            parts = logMAC(element, acc)
            let offsetAdd = Self.intAdd(8)
            parts.append(("block offset add (per 32 MACs)", (offsetAdd.0 / 32, offsetAdd.1 / 32)))
        case .block:
            return nil
        case let .scalar(format):
            switch format {
            case let f as MiniFloat:
                parts = floatMAC(exponent: f.exponentBits, mantissa: f.mantissaBits)
            case let f as IntegerFormat:
                parts = [("multiplier", Self.intMultiply(Double(f.bits))), ("int\(acc.widthBits) accumulator add", Self.intAdd(w))]
            case let f as Posit:
                // Decode both operands (leading-zero count + shift), multiply the widest fraction,
                // accumulate in the fp32 dot-product unit (a quire is not modelled).
                let decode = Self.shifter(width: Double(f.n))
                parts = [("regime decode ×2", (2 * decode.0, 2 * decode.1))]
                    + floatMAC(exponent: f.es + Int(log2(Double(f.n)).rounded(.up)) + 1, mantissa: max(f.n - 3 - f.es, 1))
            case let f as LogNumberSystem:
                parts = logMAC(f, acc)
            case let f as MultiBaseLNS:
                // Two exponent adders, then 2^a·D^b to linear: a D^b LUT (2^B entries) and a shift.
                parts = [("a adder", Self.intAdd(Double(f.aBits))), ("b adder", Self.intAdd(Double(f.bBits + 1))),
                         ("D^b LUT", Self.lut(entries: Double(1 << (f.bBits + 1)), bits: 8)),
                         ("shifter", Self.shifter(width: w)), ("accumulator add (\(acc.widthBits) bits)", Self.intAdd(w))]
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

    private func elementCost(_ block: MXFormat, _ acc: AccumulatorSpec) -> [(String, (Double, Double))]? {
        switch block.element {
        case let .float(f):
            return floatMAC(exponent: f.exponentBits, mantissa: f.mantissaBits)
        case .int8:
            return [("element multiplier", Self.intMultiply(8)), ("int\(acc.widthBits) accumulator add", Self.intAdd(Double(acc.widthBits)))]
        }
    }

    /// A log-format MAC: the multiply is an (N−1)-bit add of the logs plus a sign XOR; the
    /// accumulator register (mode and width) decides the rest.
    private func logMAC(_ f: LogNumberSystem, _ acc: AccumulatorSpec) -> [(String, (Double, Double))] {
        let logAdd = Self.intAdd(Double(f.n - 1))
        let width = Double(acc.widthBits)
        switch acc.mode {
        case .gaussianLog(let fAcc):
            let entries = Double(DotProduct.gaussianLogTableEntries(fractionBits: fAcc))
            let table = Self.lut(entries: entries, bits: Double(fAcc + 2))
            // Two tables (sb, db), one read per accumulation.
            return [("log add (multiply)", logAdd), ("compare/subtract (\(acc.widthBits) bits)", Self.intAdd(width)),
                    ("sb and db tables", (2 * table.0, table.1)), ("log accumulator add (\(acc.widthBits) bits)", Self.intAdd(width))]
        case .mitchell:
            return [("log add (multiply)", logAdd), ("shifter (\(acc.widthBits) bits)", Self.shifter(width: width)),
                    ("accumulator add (\(acc.widthBits) bits)", Self.intAdd(width))]
        case .remainderBinning:
            // One accumulator per remainder bin; the final per-bin multiply is amortised over K.
            let bins = Double(1 << f.fractionBits)
            let add = Self.intAdd(width)
            return [("log add (multiply)", logAdd), ("shifter (\(acc.widthBits) bits)", Self.shifter(width: width)),
                    ("bin accumulators (\(Int(bins)) × \(acc.widthBits) bits)", (bins * add.0, add.1))]
        case .exact, .float32:
            return [("log add (multiply)", logAdd),
                    ("antilog LUT (\(1 << f.fractionBits) entries)", Self.lut(entries: Double(1 << f.fractionBits), bits: Double(f.fractionBits + 3))),
                    ("shifter (\(acc.widthBits) bits)", Self.shifter(width: width)), ("accumulator add (\(acc.widthBits) bits)", Self.intAdd(width))]
        }
    }
}
