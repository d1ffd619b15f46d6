import ArgumentParser
import Foundation
import SPUCore
import SPUCost
import SPUValidation

/// `spusim validate-model`: predicted vs measured for every case in `validation/`.
struct ValidateModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate-model",
        abstract: "Check the model against measured figures (GPU kernels and power, published die areas); exit 1 when a category exceeds its tolerance.")

    @Option(help: "Directory of validation cases (with tolerances.json); default: validation/ of the SPUSim installation.")
    var dir: String?

    @Option(help: "Only this category (\(ValidationCase.Category.allCases.map(\.rawValue).joined(separator: ", "))).")
    var category: String?

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(help: "Fit the energy calibration factors (logic, SRAM, wires) on the power category's calibration cases and print them, instead of validating.")
    var fitPower = false

    @Option(help: "Technology directory (node files, memory.json, model-parameters.json) for the power and area categories; default: configs/tech of the SPUSim installation.")
    var tech: String?

    @Option(help: "TCO parameters file for the power category; default: configs/tco/default.json of the SPUSim installation.")
    var tco: String?

    func validate() throws {
        if let category, ValidationCase.Category(rawValue: category) == nil {
            throw unknownValue("--category", category, accepted: ValidationCase.Category.allCases.map(\.rawValue))
        }
    }

    func run() throws {
        let dir = try resolveDefault(validationDirectory: dir)
        var validation: ModelValidation
        let outcomes: [ModelValidation.Outcome]
        do {
            validation = try ModelValidation.load(directory: dir)
            let costInputs = try loadCostInputs(tech: tech, tco: tco)
            if fitPower {
                printPowerFit(try PowerCalibrationFit.fit(cases: validation.cases, inputs: costInputs))
                return
            }
            if let category {
                guard let c = ValidationCase.Category(rawValue: category) else {
                    throw ValidationError("unknown --category \"\(category)\" (one of: \(ValidationCase.Category.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                validation.cases = validation.cases.filter { $0.category == c }
            }
            outcomes = try validation.run(costInputs: costInputs)
        } catch let error as ConfigError {
            throw failInput(error)
        }
        let summaries = validation.summaries(outcomes)
        if json {
            func n(_ x: Double) -> JSONValue { x.isFinite ? .number(x) : .null }
            print(JSONWriter.pretty(.object([
                ("cases", .array(outcomes.map { o in
                    .object([("name", .string(o.validationCase.name)), ("category", .string(o.validationCase.category.rawValue)),
                             ("role", .string(o.validationCase.role.rawValue)), ("metric", .string(o.validationCase.metric.rawValue)),
                             ("measured", n(o.validationCase.measured)), ("predicted", n(o.predicted)), ("error", n(o.error)),
                             ("source", .string(o.validationCase.source))])
                })),
                ("categories", .array(summaries.map { s in
                    .object([("category", .string(s.category.rawValue)), ("cases", .number(Double(s.cases))),
                             ("mean_abs_percent_error", n(s.meanAbsolutePercentError)), ("max_abs_percent_error", n(s.maxAbsolutePercentError)),
                             ("held_out_cases", .number(Double(s.heldOutCases))),
                             ("held_out_mean_abs_percent_error", s.heldOutMeanAbsolutePercentError.map(n) ?? .null),
                             ("tolerance_percent", n(s.tolerancePercent)), ("passes", .bool(s.passes))])
                })),
            ])))
        } else {
            let rows = outcomes.map { o -> [String] in
                [o.validationCase.category.rawValue, o.validationCase.role.rawValue, o.validationCase.name, o.validationCase.metric.rawValue,
                 String(format: "%.4g", o.validationCase.measured), String(format: "%.4g", o.predicted), String(format: "%+.1f%%", o.error * 100)]
            }
            print(Formatting.table(header: ["category", "role", "case", "metric", "measured", "predicted", "error"], rows: rows, rightAligned: [4, 5, 6]))
            print("")
            print(Formatting.table(header: ["category", "cases", "mean |error|", "max |error|", "held-out cases", "held-out mean", "tolerance", "result"],
                                   rows: summaries.map { [$0.category.rawValue, "\($0.cases)", String(format: "%.1f%%", $0.meanAbsolutePercentError),
                                                          String(format: "%.1f%%", $0.maxAbsolutePercentError), "\($0.heldOutCases)",
                                                          $0.heldOutMeanAbsolutePercentError.map { String(format: "%.1f%%", $0) } ?? Formatting.notApplicable,
                                                          String(format: "%.0f%%", $0.tolerancePercent), $0.passes ? "pass" : "FAIL"] },
                                   rightAligned: [1, 2, 3, 4, 5, 6]))
        }
        if summaries.contains(where: { !$0.passes }) { throw ExitCode(1) }
    }

    private func printPowerFit(_ fit: PowerCalibrationFit) {
        let k = fit.calibration
        if json {
            func n(_ x: Double) -> JSONValue { x.isFinite ? .number(x) : .null }
            print(JSONWriter.pretty(.object([
                ("dynamic_energy_calibration", .object(EnergyClass.allCases.map { ($0.rawValue, n(k[$0])) })),
                ("objective", n(fit.objective)),
                ("cases", .array(fit.points.map { p in
                    .object([("name", .string(p.name)), ("measured", n(p.measured)), ("predicted", n(p.predicted(k))),
                             ("error", n(p.predicted(k) / p.measured - 1)),
                             ("uncalibrated_class_j", .object(EnergyClass.allCases.map { ($0.rawValue, n(p.classJ[$0] ?? 0)) })),
                             ("fixed_j", n(p.fixedJ)), ("divisor", n(p.divisor))])
                })),
            ])))
            return
        }
        print("fitted dynamic_energy_calibration (configs/tech/model-parameters.json):")
        for prior in PowerCalibrationFit.Prior.all {
            print("  \(prior.energyClass.rawValue): \(String(format: "%.3g", k[prior.energyClass]))   (prior \(String(format: "%g", prior.expected)) ×/÷ \(String(format: "%g", prior.spreadFactor)))")
        }
        print("")
        print(Formatting.table(header: ["calibration case", "measured", "fitted", "error"],
                               rows: fit.points.map { [$0.name, String(format: "%.4g", $0.measured), String(format: "%.4g", $0.predicted(k)),
                                                        String(format: "%+.1f%%", ($0.predicted(k) / $0.measured - 1) * 100)] },
                               rightAligned: [1, 2, 3]))
    }
}
