import Testing
@testable import SPUFormats

/// Properties every scalar format must have, checked on every code.
@Suite struct FormatPropertyTests {
    static let formats: [any ScalarFormat] = FormatRegistry.scalarPresets.filter { $0.bits <= 16 }

    @Test(arguments: formats.map(\.name))
    func everyCodeRoundTrips(name: String) throws {
        let format = try #require(FormatRegistry.scalar(named: name))
        for code in format.allCodes {
            let value = format.decode(code)
            if value.isNaN { continue }
            // The most negative integer pattern is outside the symmetric range and saturates.
            if let integer = format as? IntegerFormat, value == -Double(integer.maxMagnitude + 1) { continue }
            let back = format.encode(value, saturate: false)
            // Codes for the same value (±0 in some formats) may differ; their values may not.
            #expect(back == code || format.decode(back) == value, "\(name): code \(code) → \(value) → \(back)")
        }
    }

    @Test(arguments: formats.map(\.name))
    func encodingIsMonotone(name: String) throws {
        let format = try #require(FormatRegistry.scalar(named: name))
        var previous = -Double.infinity
        var x = -format.metadata.maxFinite * 1.5
        let stop = format.metadata.maxFinite * 1.5
        while x < stop {
            let q = format.quantize(x, saturate: true)
            #expect(q >= previous, "\(name): quantize(\(x)) = \(q) < \(previous)")
            previous = q
            x = x < 0 ? x * 0.9993 - 1e-7 * format.metadata.minPositive : (x == 0 ? format.metadata.minPositive / 4 : x * 1.0007)
            if x < 0 && x > -format.metadata.minPositive / 8 { x = 0 }
        }
    }
}
