/// One entry of the hardware-format catalogue (`HardwareFormat.entry`): every fact SPUSim uses
/// about a number format a MAC array computes in. Storage widths, the bit-exact codec and the MAC
/// cost all come from here, so a format cannot be registered in one place and missing in another.
///
/// Widths are stated, not computed from the codec, so that reading them (the performance model does,
/// per op) is a constant table lookup with no allocation; the catalogue tests check that the codec's
/// own widths agree with them.
public struct HardwareFormatEntry: Sendable {
    /// The arithmetic family of a format, as a MAC array implements it.
    public enum Kind: String, Sendable, CaseIterable {
        case float
        case integer
        /// Logarithmic number system: a sign and a fixed-point log2 magnitude.
        case logarithmic
        /// OCP Microscaling: float elements sharing an E8M0 power-of-two scale per block.
        case blockScaledFloat = "block-scaled float"
        /// OCP Microscaling: integer elements sharing an E8M0 power-of-two scale per block.
        case blockScaledInteger = "block-scaled integer"
    }

    /// The bit-exact encoder/decoder of a format: a scalar format or a block format.
    public enum Codec: Sendable {
        case scalar(any ScalarFormat)
        case block(any BlockFormat)

        /// The codec's name in the format library (`lns8f3`, `mxfp8-e4m3`).
        public var name: String {
            switch self {
            case let .scalar(format): return format.name
            case let .block(format): return format.name
            }
        }

        /// Bits one element occupies according to the codec, including its share of a block scale.
        public var storageBits: Double {
            switch self {
            case let .scalar(format): return Double(format.bits)
            case let .block(format): return format.bitsPerElement
            }
        }
    }

    /// A scale shared by a block of elements (OCP MX v1.0: one 8-bit E8M0 per 32 elements).
    public struct SharedScale: Sendable, Equatable {
        public let bits: Int
        public let blockSize: Int

        /// The OCP Microscaling v1.0 scale: an E8M0 power of two per 32 elements.
        public static let e8m0Per32 = SharedScale(bits: 8, blockSize: 32)
    }

    public let kind: Kind
    /// Bits of one element's own code (the codec's width).
    public let elementBits: Int
    /// Bits of the container an element is stored in when wider than its code (TF32: 19 bits
    /// computed, stored as 32-bit FP32 words); nil when elements are stored at their own width.
    public let containerBits: Int?
    /// The scale a block of elements shares; nil for scalar formats.
    public let sharedScale: SharedScale?
    private let resolveCodec: @Sendable () -> Codec

    /// `codec` is resolved on demand: entries are built on every width lookup, and a closure keeps
    /// that free of the codec's existential box.
    public init(kind: Kind, elementBits: Int, containerBits: Int? = nil, sharedScale: SharedScale? = nil,
                codec: @escaping @Sendable () -> Codec) {
        self.kind = kind
        self.elementBits = elementBits
        self.containerBits = containerBits
        self.sharedScale = sharedScale
        self.resolveCodec = codec
    }

    /// The bit-exact codec (encode/decode) of the format.
    public var codec: Codec { resolveCodec() }

    /// Bits one element occupies in memory and on the wires, including its share of a block scale.
    public var storageBits: Double {
        let element = Double(containerBits ?? elementBits)
        guard let scale = sharedScale else { return element }
        return element + Double(scale.bits) / Double(scale.blockSize)
    }
}
