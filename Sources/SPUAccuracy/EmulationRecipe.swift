import SPUFormats

/// What a forward pass is emulated in: a precision recipe's formats — of the weights, of the
/// activations (every matmul input that is not a weight or K/V), of K and V (QKᵀ's K and
/// attention × V's V) — on the accumulator register of every matmul. The formats are a
/// `PrecisionRecipe` (fp32 means unquantised); the register is a mode and a width, nil for an
/// unbounded (binary64) fixed-point sum, else `AccumulatorSpec`'s register.
public struct EmulationRecipe: Sendable, Equatable, CustomStringConvertible {
    /// The formats (the recipe's name and source play no part in the emulation).
    public var precision: PrecisionRecipe
    public var accumulation: AccumulationMode
    /// Register width in bits for the fixed-point modes (exact, remainder-binning, mitchell), with
    /// `AccumulatorSpec`'s binary point; nil = unbounded (binary64).
    public var accumulatorBits: Int?

    /// The weights' format; nil when unquantised (fp32).
    public var weights: HardwareFormat? { Self.quantised(precision.weights) }
    /// The activations' format; nil when unquantised.
    public var activations: HardwareFormat? { Self.quantised(precision.activations) }
    /// The K and V format; nil when unquantised.
    public var kv: HardwareFormat? { Self.quantised(precision.kvCache) }

    static func quantised(_ format: HardwareFormat) -> HardwareFormat? { format == .fp32 ? nil : format }

    public init(weights: HardwareFormat? = nil, activations: HardwareFormat? = nil, kv: HardwareFormat? = nil,
                accumulation: AccumulationMode = .float32, accumulatorBits: Int? = nil) {
        self.precision = PrecisionRecipe(name: "emulation", weights: weights ?? .fp32, activations: activations ?? .fp32, kvCache: kv ?? .fp32)
        self.accumulation = accumulation
        self.accumulatorBits = accumulatorBits
    }

    /// A precision recipe on a register given by its mode and width (nil: unbounded).
    public init(_ recipe: PrecisionRecipe, accumulation: AccumulationMode, accumulatorBits: Int?) {
        self.precision = recipe
        self.accumulation = accumulation
        self.accumulatorBits = accumulatorBits
    }

    /// A precision recipe run on a MAC array's accumulator register (the register the cost model
    /// prices for the recipe's compute format).
    public init(_ recipe: PrecisionRecipe, accumulator: AccumulatorSpec) {
        self.init(recipe, accumulation: accumulator.mode, accumulatorBits: accumulator.mode == .float32 ? nil : accumulator.widthBits)
    }

    /// Equal when they emulate the same formats on the same register (names and sources aside).
    public static func == (a: EmulationRecipe, b: EmulationRecipe) -> Bool {
        a.weights == b.weights && a.activations == b.activations && a.kv == b.kv && a.accumulation == b.accumulation
            && a.accumulatorBits == b.accumulatorBits
    }

    /// Weights, activations and K/V in one format.
    public static func uniform(_ format: HardwareFormat?, accumulation: AccumulationMode = .float32, accumulatorBits: Int? = nil) -> EmulationRecipe {
        EmulationRecipe(weights: format, activations: format, kv: format, accumulation: accumulation, accumulatorBits: accumulatorBits)
    }

    /// fp32 operands, fp32 accumulation: the reference the other recipes are compared with.
    public static let fp32Reference = EmulationRecipe()

    public static let accumulatorBitsRange = AccumulatorSpec.fixedPointWidths

    public var description: String {
        func name(_ f: HardwareFormat?) -> String { f?.rawValue ?? "fp32" }
        let width = accumulatorBits.map { "/\($0)b" } ?? ""
        return "w=\(name(weights)) a=\(name(activations)) kv=\(name(kv)) acc=\(accumulation)\(width)"
    }

    public struct RecipeError: Error, Equatable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// Rejects combinations the emulator cannot compute faithfully.
    public func validate() throws(RecipeError) {
        let formats = [weights, activations, kv]
        switch accumulation {
        case .mitchell, .gaussianLog:
            guard formats.allSatisfy({ $0?.entry.kind == .logarithmic }) else {
                throw RecipeError(message: "accumulation \(accumulation) sums log-domain products: weights, activations and kv must all be log formats (pal8, pal16, lns8, lns16)")
            }
        default: break
        }
        if let bits = accumulatorBits {
            switch accumulation {
            case .exact, .remainderBinning, .mitchell: break
            default: throw RecipeError(message: "an accumulator width applies to the fixed-point modes (exact, remainder-binning, mitchell), not \(accumulation)")
            }
            guard Self.accumulatorBitsRange.contains(bits) else {
                throw RecipeError(message: "accumulator width \(bits) is outside \(Self.accumulatorBitsRange.lowerBound)…\(Self.accumulatorBitsRange.upperBound) bits")
            }
        }
    }

    /// Fraction bits of the log grid products lie on (the coarser of the operands'), for the log modes.
    var logFractionBits: Int {
        var bits = Int.max
        for case let format? in [weights, activations, kv] {
            if case let .scalar(lns as LogNumberSystem) = format.codec { bits = min(bits, lns.fractionBits) }
        }
        return bits == .max ? 3 : bits
    }
}
