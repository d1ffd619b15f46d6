/// Every format SPUSim can emulate, by name.
///
/// Scalar names: `fp32`, `fp16`, `bf16`, `fp8-e4m3`, `fp8-e5m2`, `fp8-e4m3fnuz`, `fp8-e5m2fnuz`,
/// `fp6-e3m2`, `fp6-e2m3`, `fp4-e2m1`, `int8`, `int4`, `posit<n>-es<e>` (n 3…32, e 0…4),
/// `lns<n>f<f>`, `mdlns<n>-a<A>b<B>-d<D>`, and the presets `pal8`, `pal16`.
/// Block names: `mxfp8-e4m3`, `mxfp8-e5m2`, `mxfp6-e3m2`, `mxfp6-e2m3`, `mxfp4-e2m1`, `mxint8`,
/// `pal8-block32`.
/// Hardware-format names (`HardwareFormat`: `lns8`, `lns16`, `mxfp8`, `mxfp6`, `mxfp4`, …) resolve
/// to their catalogue entry's codec, so every name a device config or trace uses works here too.
///
/// **PAL presets are stand-ins.** Lemurian Labs' PAL format is unpublished. `pal16` is
/// lns<16,8>, the LNS16 type of Lemurian's public PyTorch fork; `pal8` is lns<8,3>, the 8-bit
/// member of the same family with the best Gaussian SQNR (32.0 dB, number-formats.md §0);
/// `pal8-block32` adds a per-32-element log2 offset (family C, "adaptive"); `pal8-mdlns` is the
/// 2-D MDLNS ±2^a·3^b with a 4-bit a and 3-bit b that Lemurian's ARITH 2024 paper studies.
public enum FormatRegistry {
    public static let pal8 = LogNumberSystem(n: 8, fractionBits: 3)
    public static let pal16 = LogNumberSystem(n: 16, fractionBits: 8)
    public static let pal8MDLNS = MultiBaseLNS(aBits: 4, bBits: 3, base: 3, name: "pal8-mdlns")
    public static let pal8Block32 = BlockLogOffset(name: "pal8-block32", element: pal8, blockSize: 32)

    /// Named presets listed by `spusim formats list` (parametric families accept any member).
    public static var scalarPresets: [any ScalarFormat] {
        var formats: [any ScalarFormat] = MiniFloat.all
        formats += [IntegerFormat.int8, IntegerFormat.int4]
        for n in [8, 16] { for es in 0...2 { formats.append(Posit(n: n, es: es)) } }
        formats += [LogNumberSystem(n: 8, fractionBits: 3), LogNumberSystem(n: 8, fractionBits: 4), LogNumberSystem(n: 16, fractionBits: 8),
                    MultiBaseLNS(aBits: 4, bBits: 3, base: 3)]
        return formats
    }

    public static var blockPresets: [any BlockFormat] { MXFormat.all + [pal8Block32] }

    /// Aliases that resolve to another format, with why.
    public static let aliases: [String: String] = [
        "pal8": "lns8f3 (stand-in for unpublished PAL, 8-bit)",
        "pal16": "lns16f8 (Lemurian's public LNS16 = universal lns<16,8>)",
        "pal8-mdlns": "mdlns8-a4b3-d3 (2-D MDLNS, base 3)",
    ]

    public static func scalar(named name: String) -> (any ScalarFormat)? {
        if let hardware = HardwareFormat(rawValue: name) {
            guard case let .scalar(format) = hardware.codec else { return nil }
            return format
        }
        switch name {
        case "pal8": return pal8
        case "pal16": return pal16
        case "pal8-mdlns": return pal8MDLNS
        default: break
        }
        if let format = MiniFloat.all.first(where: { $0.name == name }) { return format }
        if name == "int8" { return IntegerFormat.int8 }
        if name == "int4" { return IntegerFormat.int4 }
        if let (n, es) = parse(name, prefix: "posit", separator: "-es"), (3...32).contains(n), (0...4).contains(es), es < n - 2 {
            return Posit(n: n, es: es)
        }
        if let (n, f) = parse(name, prefix: "lns", separator: "f"), (3...32).contains(n), f >= 0, f < n - 1 {
            return LogNumberSystem(n: n, fractionBits: f)
        }
        if name.hasPrefix("mdlns") {
            // mdlns<n>-a<A>b<B>-d<D>
            let parts = name.dropFirst(5).split(separator: "-")
            if parts.count == 3, let n = Int(parts[0]), parts[1].first == "a", parts[2].first == "d",
               let bIndex = parts[1].firstIndex(of: "b"),
               let a = Int(parts[1][parts[1].index(after: parts[1].startIndex)..<bIndex]),
               let b = Int(parts[1][parts[1].index(after: bIndex)...]),
               let d = Double(parts[2].dropFirst()), n == 1 + a + b, a >= 2, b >= 1, n <= 16, d > 1, d.isFinite {
                return MultiBaseLNS(aBits: a, bBits: b, base: d)
            }
        }
        return nil
    }

    public static func block(named name: String) -> (any BlockFormat)? {
        if let hardware = HardwareFormat(rawValue: name) {
            guard case let .block(format) = hardware.codec else { return nil }
            return format
        }
        if name == pal8Block32.name { return pal8Block32 }
        return MXFormat.all.first { $0.name == name }
    }

    private static func parse(_ name: String, prefix: String, separator: String) -> (Int, Int)? {
        guard name.hasPrefix(prefix) else { return nil }
        let rest = Array(name.dropFirst(prefix.count))
        let sep = Array(separator)
        guard rest.count > sep.count else { return nil }
        for start in 1...(rest.count - sep.count) where Array(rest[start..<start + sep.count]) == sep {
            guard let a = Int(String(rest[..<start])), let b = Int(String(rest[(start + sep.count)...])) else { return nil }
            return (a, b)
        }
        return nil
    }
}
