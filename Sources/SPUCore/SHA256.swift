#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// SHA-256 (FIPS 180-4), used for content hashes of designs, workloads and sweep configs.
///
/// Implemented here because Foundation on Linux has no CryptoKit and the hash must be stable for
/// years: results databases key rows by it.
public enum SHA256 {
    private static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    /// Lower-case hex digest of the UTF-8 bytes of `text`.
    public static func hex(_ text: String) -> String {
        var text = text
        return text.withUTF8 { digest($0) }
    }

    public static func hex(bytes input: [UInt8]) -> String { input.withUnsafeBufferPointer { digest($0) } }

    /// The hash state: eight words.
    struct State: Sendable {
        var a: UInt32 = 0x6a09e667, b: UInt32 = 0xbb67ae85, c: UInt32 = 0x3c6ef372, d: UInt32 = 0xa54ff53a
        var e: UInt32 = 0x510e527f, f: UInt32 = 0x9b05688c, g: UInt32 = 0x1f83d9ab, h: UInt32 = 0x5be0cd19
    }

    /// What `hex(_:sharingPrefix:)` keeps to hash another text with the same beginning: the
    /// state after the whole blocks of the shared prefix, and the text they came from.
    public struct Resumption: Sendable {
        let state: State
        let blocks: Int
        let text: String
    }

    /// The hex digest of `text`, and the state after the whole 64-byte blocks of its first
    /// `length` bytes, for `hex(_:resuming:)`.
    public static func hex(_ text: String, sharingPrefix length: Int) -> (hex: String, resume: Resumption) {
        var bytes = text
        var captured = State()
        let blocks = max(0, min(length, bytes.utf8.count)) / 64
        let hex = bytes.withUTF8 { digest($0, capturingAfter: blocks, into: &captured) }
        return (hex, Resumption(state: captured, blocks: blocks, text: text))
    }

    /// The hex digest of `text`, skipping the blocks `resume` already hashed when `text` begins
    /// with the same bytes (checked; otherwise hashed from the start).
    public static func hex(_ text: String, resuming resume: Resumption) -> String {
        var text = text, previous = resume.text
        return text.withUTF8 { bytes in
            let length = resume.blocks * 64
            let same = bytes.count >= length && previous.withUTF8 { old in
                old.count >= length && (length == 0 || memcmp(old.baseAddress!, bytes.baseAddress!, length) == 0)
            }
            return same ? digest(bytes, from: resume.state, blocks: resume.blocks) : digest(bytes)
        }
    }

    /// The hex digests of `first` and `second`, hashing the whole 64-byte blocks of their common
    /// prefix once: two texts that differ late (a design's canonical JSON without and with its
    /// name) cost little more than one.
    public static func hexPair(_ first: String, _ second: String) -> (String, String) {
        var first = first, second = second
        return first.withUTF8 { a in
            second.withUTF8 { b in
                var common = 0
                let limit = min(a.count, b.count)
                while common < limit, a[common] == b[common] { common += 1 }
                var shared = State()
                let hashA = digest(a, capturingAfter: common / 64, into: &shared)
                return (hashA, digest(b, from: shared, blocks: common / 64))
            }
        }
    }

    /// The digest of `input`: whole 64-byte blocks are compressed in place; only the last one or
    /// two (with the padding and the bit length) are copied. Content hashes of every sweep point's
    /// canonical JSON go through here, so it avoids copies and bounds checks.
    static func digest(_ input: UnsafeBufferPointer<UInt8>) -> String {
        digest(input, from: State(), blocks: 0)
    }

    /// `digest(input)`, also storing in `captured` the state after its first `capture` blocks.
    static func digest(_ input: UnsafeBufferPointer<UInt8>, capturingAfter capture: Int, into captured: inout State) -> String {
        var state = State()
        let fullBlocks = input.count / 64
        let first = min(capture, fullBlocks)
        withScratch { w, k in
            if let base = input.baseAddress {
                for block in 0..<first { compress(base + 64 * block, &state, w, k) }
            }
        }
        captured = state
        return digest(input, from: state, blocks: first)
    }

    /// The digest of `input` given `state` after its first `blocks` whole blocks.
    static func digest(_ input: UnsafeBufferPointer<UInt8>, from start: State, blocks done: Int) -> String {
        var state = start
        let fullBlocks = input.count / 64
        withScratch { w, k in
            if let base = input.baseAddress {
                for block in done..<fullBlocks { compress(base + 64 * block, &state, w, k) }
            }
            // The tail, 0x80, zeros and the 64-bit big-endian bit length: one or two blocks.
            let tail = input.count - 64 * fullBlocks
            let tailBlocks = tail < 56 ? 1 : 2
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { buffer in
                buffer.initialize(repeating: 0)
                for i in 0..<tail { buffer[i] = input[64 * fullBlocks + i] }
                buffer[tail] = 0x80
                let bitLength = UInt64(input.count) &* 8
                let end = 64 * tailBlocks
                for i in 0..<8 { buffer[end - 1 - i] = UInt8(truncatingIfNeeded: bitLength >> UInt64(8 * i)) }
                for block in 0..<tailBlocks { compress(buffer.baseAddress! + 64 * block, &state, w, k) }
            }
        }
        let digits: StaticString = "0123456789abcdef"
        return String(unsafeUninitializedCapacity: 64) { out in
            var i = 0
            for word in [state.a, state.b, state.c, state.d, state.e, state.f, state.g, state.h] {
                for shift in stride(from: 28, through: 0, by: -4) {
                    out[i] = digits.utf8Start[Int((word >> UInt32(shift)) & 0xF)]
                    i += 1
                }
            }
            return 64
        }
    }

    /// The message schedule ring and the round constants.
    @inline(__always)
    private static func withScratch<R>(_ body: (UnsafeMutablePointer<UInt32>, UnsafePointer<UInt32>) -> R) -> R {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 16) { w in
            k.withUnsafeBufferPointer { k in body(w.baseAddress!, k.baseAddress!) }
        }
    }

    @inline(__always)
    private static func compress(_ block: UnsafePointer<UInt8>, _ state: inout State, _ w: UnsafeMutablePointer<UInt32>,
                                 _ k: UnsafePointer<UInt32>) {
        var a = state.a, b = state.b, c = state.c, d = state.d, e = state.e, f = state.f, g = state.g, h = state.h
        // The 64 rounds unrolled (generated), the working variables renamed instead of shifted and
        // the message schedule kept in a 16-word ring.
        w[0] = UInt32(block[0]) << 24 | UInt32(block[1]) << 16 | UInt32(block[2]) << 8 | UInt32(block[3])
        round(a, b, c, &d, e, f, g, &h, k[0] &+ w[0])
        w[1] = UInt32(block[4]) << 24 | UInt32(block[5]) << 16 | UInt32(block[6]) << 8 | UInt32(block[7])
        round(h, a, b, &c, d, e, f, &g, k[1] &+ w[1])
        w[2] = UInt32(block[8]) << 24 | UInt32(block[9]) << 16 | UInt32(block[10]) << 8 | UInt32(block[11])
        round(g, h, a, &b, c, d, e, &f, k[2] &+ w[2])
        w[3] = UInt32(block[12]) << 24 | UInt32(block[13]) << 16 | UInt32(block[14]) << 8 | UInt32(block[15])
        round(f, g, h, &a, b, c, d, &e, k[3] &+ w[3])
        w[4] = UInt32(block[16]) << 24 | UInt32(block[17]) << 16 | UInt32(block[18]) << 8 | UInt32(block[19])
        round(e, f, g, &h, a, b, c, &d, k[4] &+ w[4])
        w[5] = UInt32(block[20]) << 24 | UInt32(block[21]) << 16 | UInt32(block[22]) << 8 | UInt32(block[23])
        round(d, e, f, &g, h, a, b, &c, k[5] &+ w[5])
        w[6] = UInt32(block[24]) << 24 | UInt32(block[25]) << 16 | UInt32(block[26]) << 8 | UInt32(block[27])
        round(c, d, e, &f, g, h, a, &b, k[6] &+ w[6])
        w[7] = UInt32(block[28]) << 24 | UInt32(block[29]) << 16 | UInt32(block[30]) << 8 | UInt32(block[31])
        round(b, c, d, &e, f, g, h, &a, k[7] &+ w[7])
        w[8] = UInt32(block[32]) << 24 | UInt32(block[33]) << 16 | UInt32(block[34]) << 8 | UInt32(block[35])
        round(a, b, c, &d, e, f, g, &h, k[8] &+ w[8])
        w[9] = UInt32(block[36]) << 24 | UInt32(block[37]) << 16 | UInt32(block[38]) << 8 | UInt32(block[39])
        round(h, a, b, &c, d, e, f, &g, k[9] &+ w[9])
        w[10] = UInt32(block[40]) << 24 | UInt32(block[41]) << 16 | UInt32(block[42]) << 8 | UInt32(block[43])
        round(g, h, a, &b, c, d, e, &f, k[10] &+ w[10])
        w[11] = UInt32(block[44]) << 24 | UInt32(block[45]) << 16 | UInt32(block[46]) << 8 | UInt32(block[47])
        round(f, g, h, &a, b, c, d, &e, k[11] &+ w[11])
        w[12] = UInt32(block[48]) << 24 | UInt32(block[49]) << 16 | UInt32(block[50]) << 8 | UInt32(block[51])
        round(e, f, g, &h, a, b, c, &d, k[12] &+ w[12])
        w[13] = UInt32(block[52]) << 24 | UInt32(block[53]) << 16 | UInt32(block[54]) << 8 | UInt32(block[55])
        round(d, e, f, &g, h, a, b, &c, k[13] &+ w[13])
        w[14] = UInt32(block[56]) << 24 | UInt32(block[57]) << 16 | UInt32(block[58]) << 8 | UInt32(block[59])
        round(c, d, e, &f, g, h, a, &b, k[14] &+ w[14])
        w[15] = UInt32(block[60]) << 24 | UInt32(block[61]) << 16 | UInt32(block[62]) << 8 | UInt32(block[63])
        round(b, c, d, &e, f, g, h, &a, k[15] &+ w[15])
        w[0] = w[0] &+ sigma0(w[1]) &+ w[9] &+ sigma1(w[14])
        round(a, b, c, &d, e, f, g, &h, k[16] &+ w[0])
        w[1] = w[1] &+ sigma0(w[2]) &+ w[10] &+ sigma1(w[15])
        round(h, a, b, &c, d, e, f, &g, k[17] &+ w[1])
        w[2] = w[2] &+ sigma0(w[3]) &+ w[11] &+ sigma1(w[0])
        round(g, h, a, &b, c, d, e, &f, k[18] &+ w[2])
        w[3] = w[3] &+ sigma0(w[4]) &+ w[12] &+ sigma1(w[1])
        round(f, g, h, &a, b, c, d, &e, k[19] &+ w[3])
        w[4] = w[4] &+ sigma0(w[5]) &+ w[13] &+ sigma1(w[2])
        round(e, f, g, &h, a, b, c, &d, k[20] &+ w[4])
        w[5] = w[5] &+ sigma0(w[6]) &+ w[14] &+ sigma1(w[3])
        round(d, e, f, &g, h, a, b, &c, k[21] &+ w[5])
        w[6] = w[6] &+ sigma0(w[7]) &+ w[15] &+ sigma1(w[4])
        round(c, d, e, &f, g, h, a, &b, k[22] &+ w[6])
        w[7] = w[7] &+ sigma0(w[8]) &+ w[0] &+ sigma1(w[5])
        round(b, c, d, &e, f, g, h, &a, k[23] &+ w[7])
        w[8] = w[8] &+ sigma0(w[9]) &+ w[1] &+ sigma1(w[6])
        round(a, b, c, &d, e, f, g, &h, k[24] &+ w[8])
        w[9] = w[9] &+ sigma0(w[10]) &+ w[2] &+ sigma1(w[7])
        round(h, a, b, &c, d, e, f, &g, k[25] &+ w[9])
        w[10] = w[10] &+ sigma0(w[11]) &+ w[3] &+ sigma1(w[8])
        round(g, h, a, &b, c, d, e, &f, k[26] &+ w[10])
        w[11] = w[11] &+ sigma0(w[12]) &+ w[4] &+ sigma1(w[9])
        round(f, g, h, &a, b, c, d, &e, k[27] &+ w[11])
        w[12] = w[12] &+ sigma0(w[13]) &+ w[5] &+ sigma1(w[10])
        round(e, f, g, &h, a, b, c, &d, k[28] &+ w[12])
        w[13] = w[13] &+ sigma0(w[14]) &+ w[6] &+ sigma1(w[11])
        round(d, e, f, &g, h, a, b, &c, k[29] &+ w[13])
        w[14] = w[14] &+ sigma0(w[15]) &+ w[7] &+ sigma1(w[12])
        round(c, d, e, &f, g, h, a, &b, k[30] &+ w[14])
        w[15] = w[15] &+ sigma0(w[0]) &+ w[8] &+ sigma1(w[13])
        round(b, c, d, &e, f, g, h, &a, k[31] &+ w[15])
        w[0] = w[0] &+ sigma0(w[1]) &+ w[9] &+ sigma1(w[14])
        round(a, b, c, &d, e, f, g, &h, k[32] &+ w[0])
        w[1] = w[1] &+ sigma0(w[2]) &+ w[10] &+ sigma1(w[15])
        round(h, a, b, &c, d, e, f, &g, k[33] &+ w[1])
        w[2] = w[2] &+ sigma0(w[3]) &+ w[11] &+ sigma1(w[0])
        round(g, h, a, &b, c, d, e, &f, k[34] &+ w[2])
        w[3] = w[3] &+ sigma0(w[4]) &+ w[12] &+ sigma1(w[1])
        round(f, g, h, &a, b, c, d, &e, k[35] &+ w[3])
        w[4] = w[4] &+ sigma0(w[5]) &+ w[13] &+ sigma1(w[2])
        round(e, f, g, &h, a, b, c, &d, k[36] &+ w[4])
        w[5] = w[5] &+ sigma0(w[6]) &+ w[14] &+ sigma1(w[3])
        round(d, e, f, &g, h, a, b, &c, k[37] &+ w[5])
        w[6] = w[6] &+ sigma0(w[7]) &+ w[15] &+ sigma1(w[4])
        round(c, d, e, &f, g, h, a, &b, k[38] &+ w[6])
        w[7] = w[7] &+ sigma0(w[8]) &+ w[0] &+ sigma1(w[5])
        round(b, c, d, &e, f, g, h, &a, k[39] &+ w[7])
        w[8] = w[8] &+ sigma0(w[9]) &+ w[1] &+ sigma1(w[6])
        round(a, b, c, &d, e, f, g, &h, k[40] &+ w[8])
        w[9] = w[9] &+ sigma0(w[10]) &+ w[2] &+ sigma1(w[7])
        round(h, a, b, &c, d, e, f, &g, k[41] &+ w[9])
        w[10] = w[10] &+ sigma0(w[11]) &+ w[3] &+ sigma1(w[8])
        round(g, h, a, &b, c, d, e, &f, k[42] &+ w[10])
        w[11] = w[11] &+ sigma0(w[12]) &+ w[4] &+ sigma1(w[9])
        round(f, g, h, &a, b, c, d, &e, k[43] &+ w[11])
        w[12] = w[12] &+ sigma0(w[13]) &+ w[5] &+ sigma1(w[10])
        round(e, f, g, &h, a, b, c, &d, k[44] &+ w[12])
        w[13] = w[13] &+ sigma0(w[14]) &+ w[6] &+ sigma1(w[11])
        round(d, e, f, &g, h, a, b, &c, k[45] &+ w[13])
        w[14] = w[14] &+ sigma0(w[15]) &+ w[7] &+ sigma1(w[12])
        round(c, d, e, &f, g, h, a, &b, k[46] &+ w[14])
        w[15] = w[15] &+ sigma0(w[0]) &+ w[8] &+ sigma1(w[13])
        round(b, c, d, &e, f, g, h, &a, k[47] &+ w[15])
        w[0] = w[0] &+ sigma0(w[1]) &+ w[9] &+ sigma1(w[14])
        round(a, b, c, &d, e, f, g, &h, k[48] &+ w[0])
        w[1] = w[1] &+ sigma0(w[2]) &+ w[10] &+ sigma1(w[15])
        round(h, a, b, &c, d, e, f, &g, k[49] &+ w[1])
        w[2] = w[2] &+ sigma0(w[3]) &+ w[11] &+ sigma1(w[0])
        round(g, h, a, &b, c, d, e, &f, k[50] &+ w[2])
        w[3] = w[3] &+ sigma0(w[4]) &+ w[12] &+ sigma1(w[1])
        round(f, g, h, &a, b, c, d, &e, k[51] &+ w[3])
        w[4] = w[4] &+ sigma0(w[5]) &+ w[13] &+ sigma1(w[2])
        round(e, f, g, &h, a, b, c, &d, k[52] &+ w[4])
        w[5] = w[5] &+ sigma0(w[6]) &+ w[14] &+ sigma1(w[3])
        round(d, e, f, &g, h, a, b, &c, k[53] &+ w[5])
        w[6] = w[6] &+ sigma0(w[7]) &+ w[15] &+ sigma1(w[4])
        round(c, d, e, &f, g, h, a, &b, k[54] &+ w[6])
        w[7] = w[7] &+ sigma0(w[8]) &+ w[0] &+ sigma1(w[5])
        round(b, c, d, &e, f, g, h, &a, k[55] &+ w[7])
        w[8] = w[8] &+ sigma0(w[9]) &+ w[1] &+ sigma1(w[6])
        round(a, b, c, &d, e, f, g, &h, k[56] &+ w[8])
        w[9] = w[9] &+ sigma0(w[10]) &+ w[2] &+ sigma1(w[7])
        round(h, a, b, &c, d, e, f, &g, k[57] &+ w[9])
        w[10] = w[10] &+ sigma0(w[11]) &+ w[3] &+ sigma1(w[8])
        round(g, h, a, &b, c, d, e, &f, k[58] &+ w[10])
        w[11] = w[11] &+ sigma0(w[12]) &+ w[4] &+ sigma1(w[9])
        round(f, g, h, &a, b, c, d, &e, k[59] &+ w[11])
        w[12] = w[12] &+ sigma0(w[13]) &+ w[5] &+ sigma1(w[10])
        round(e, f, g, &h, a, b, c, &d, k[60] &+ w[12])
        w[13] = w[13] &+ sigma0(w[14]) &+ w[6] &+ sigma1(w[11])
        round(d, e, f, &g, h, a, b, &c, k[61] &+ w[13])
        w[14] = w[14] &+ sigma0(w[15]) &+ w[7] &+ sigma1(w[12])
        round(c, d, e, &f, g, h, a, &b, k[62] &+ w[14])
        w[15] = w[15] &+ sigma0(w[0]) &+ w[8] &+ sigma1(w[13])
        round(b, c, d, &e, f, g, h, &a, k[63] &+ w[15])
        state.a &+= a; state.b &+= b; state.c &+= c; state.d &+= d
        state.e &+= e; state.f &+= f; state.g &+= g; state.h &+= h
    }

    @inline(__always) private static func sigma0(_ x: UInt32) -> UInt32 { rotr(x, 7) ^ rotr(x, 18) ^ (x &>> 3) }
    @inline(__always) private static func sigma1(_ x: UInt32) -> UInt32 { rotr(x, 17) ^ rotr(x, 19) ^ (x &>> 10) }

    /// One round (FIPS 180-4 §6.2.2 step 3) with `kw` = K[t] + W[t].
    @inline(__always)
    private static func round(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: inout UInt32, _ e: UInt32, _ f: UInt32, _ g: UInt32,
                              _ h: inout UInt32, _ kw: UInt32) {
        let t1 = h &+ (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) &+ (g ^ (e & (f ^ g))) &+ kw
        let t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) &+ ((a & b) | (c & (a | b)))
        d = d &+ t1
        h = t1 &+ t2
    }

    @inline(__always) private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x &>> n) | (x &<< (32 &- n)) }
}
