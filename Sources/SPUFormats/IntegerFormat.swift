/// Symmetric two's-complement integers `int<b>` (int8, int4): codes −(2^(b−1)−1) … 2^(b−1)−1
/// (the most negative pattern is unused, as in symmetric quantisation). The scale lives outside
/// the element (per tensor, channel or block; see `Quantizer`). Rounding is half-to-even, as
/// NumPy's `round` and PyTorch's quantisers use; out-of-range values saturate.
public struct IntegerFormat: ScalarFormat, Hashable {
    public let bits: Int

    public init(bits: Int) {
        precondition(bits >= 2 && bits <= 16)
        self.bits = bits
    }

    public var name: String { "int\(bits)" }
    public var summary: String { "symmetric signed integer, ±\(maxMagnitude), external scale" }
    public var saturatesByDefault: Bool { true }
    public var maxMagnitude: Int { (1 << (bits - 1)) - 1 }
    public var absmaxTarget: Double { Double(maxMagnitude) }

    public func encode(_ value: Double, saturate: Bool) -> UInt32 {
        if value.isNaN { return 0 }
        let clamped = min(max(value.rounded(.toNearestOrEven), -Double(maxMagnitude)), Double(maxMagnitude))
        return UInt32(bitPattern: Int32(clamped)) & ((1 << UInt32(bits)) - 1)
    }

    public func decode(_ code: UInt32) -> Double {
        let shift = 32 - bits
        return Double(Int32(bitPattern: code << UInt32(shift)) >> Int32(shift))
    }

    public static let int8 = IntegerFormat(bits: 8)
    public static let int4 = IntegerFormat(bits: 4)
}
