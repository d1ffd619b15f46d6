import Foundation
import SPUCore

/// A StarPU-style codelet: one kind of task with a variant per device class, each with a
/// performance model of the task's size n — `fixed_s + per_unit_s · n^exponent` seconds (StarPU's
/// non-linear regression model a·nᵇ + c) and optionally `fixed_j + per_unit_j · n^exponent` joules.
/// A class without a variant cannot run the codelet's tasks.
///
/// ```json
/// {"name": "vector_search", "source": "…", "variants": {"cpu": {"fixed_s": 2e-4, "per_unit_s": 1.2e-9, "exponent": 1}}}
/// ```
public struct Codelet: Sendable, Equatable {
    public struct Variant: Sendable, Equatable {
        public var fixedSeconds: Double
        public var perUnitSeconds: Double
        public var exponent: Double
        public var fixedJoules: Double?
        public var perUnitJoules: Double?

        public func seconds(size n: Double) -> Double { fixedSeconds + perUnitSeconds * Foundation.pow(n, exponent) }

        public func joules(size n: Double) -> Double? {
            guard fixedJoules != nil || perUnitJoules != nil else { return nil }
            return (fixedJoules ?? 0) + (perUnitJoules ?? 0) * Foundation.pow(n, exponent)
        }

    }

    public var name: String
    public var variants: [String: Variant]

    /// Task sizes a codelet accepts (the size's unit is the codelet's: tokens, vectors, bytes…).
    public static let sizes: ClosedRange<Double> = 0...1e15

    /// Seconds and joules per class for a task of `size` (joules only where the variant models them).
    public func costs(size: Double) -> (seconds: [String: Double], joules: [String: Double]) {
        var seconds: [String: Double] = [:], joules: [String: Double] = [:]
        for (deviceClass, v) in variants {
            seconds[deviceClass] = v.seconds(size: size)
            if let j = v.joules(size: size) { joules[deviceClass] = j }
        }
        return (seconds, joules)
    }

    static func decode(_ reader: JSONObjectReader) throws(ConfigError) -> Codelet {
        reader.expecting(["name", "source", "variants"])
        let name = try reader.string("name")
        guard !name.isEmpty else { throw reader.fail("name", "a codelet needs a non-empty name") }
        _ = try reader.optionalString("source")
        var variants: [String: Variant] = [:]
        let entries = try reader.entries("variants")
        guard !entries.isEmpty else { throw reader.fail("variants", "a codelet needs at least one device-class variant") }
        for entry in entries {
            let v = try JSONObjectReader(file: reader.file, path: entry.path, value: entry.value)
            v.expecting(["fixed_s", "per_unit_s", "exponent", "fixed_j", "per_unit_j", "source"])
            _ = try v.optionalString("source")
            let variant = Variant(fixedSeconds: try v.optionalNumber("fixed_s", in: 0...1e9) ?? 0,
                                  perUnitSeconds: try v.optionalNumber("per_unit_s", in: 0...1e9) ?? 0,
                                  exponent: try v.optionalNumber("exponent", in: 0...4) ?? 1,
                                  fixedJoules: try v.optionalNumber("fixed_j", in: 0...1e15),
                                  perUnitJoules: try v.optionalNumber("per_unit_j", in: 0...1e15))
            guard v.has("fixed_s") || v.has("per_unit_s") else { throw v.fail("fixed_s", "a variant needs fixed_s and/or per_unit_s") }
            try v.finish()
            variants[entry.key] = variant
        }
        try reader.finish()
        return Codelet(name: name, variants: variants)
    }
}
