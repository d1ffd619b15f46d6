import Foundation
import Testing
@testable import SPUHardware
@testable import SPUValidation

@Suite struct ModelValidationTests {
    @Test func gemmEfficiencyCurveInterpolatesInLogSize() {
        var calibration = CalibrationSpec(computeFraction: 0.8, offchipBandwidthFraction: 0.9, kernelLaunchOverheadSeconds: 0)
        calibration.gemmEfficiency[.bf16] = [(1, 0.2), (100, 0.6), (10_000, 0.8)]
        #expect(calibration.gemmFraction(.bf16, gflop: 0.1) == 0.2)              // clamped below
        #expect(calibration.gemmFraction(.bf16, gflop: 1e6) == 0.8)              // clamped above
        #expect(abs(calibration.gemmFraction(.bf16, gflop: 10) - 0.4) < 1e-12)   // halfway in log10
        #expect(abs(calibration.gemmFraction(.bf16, gflop: 1000) - 0.7) < 1e-12)
        #expect(calibration.gemmFraction(.fp8E4M3, gflop: 10) == 0.8)            // no curve: the constant
    }

    /// `spusim validate-model` as a regression guard. GEMM, bandwidth and systolic cases meet their
    /// tolerances; collectives and end-to-end do not yet (see docs/validation.md) and are held
    /// to their current error so they cannot silently get worse.
    @Test func modelStaysWithinValidationTolerances() throws {
        let validation = try ModelValidation.load(directory: Repo.path("validation"))
        let outcomes = try validation.run(baseDirectory: Repo.root.path)   // case paths are relative to the repository root
        #expect(outcomes.count >= 30)
        let summaries = Dictionary(uniqueKeysWithValues: validation.summaries(outcomes).map { ($0.category, $0) })
        for category in [ValidationCase.Category.gemm, .bandwidth, .systolic] {
            let s = try #require(summaries[category])
            #expect(s.passes, "\(category.rawValue): mean |error| \(s.meanAbsolutePercentError)% > \(s.tolerancePercent)%")
        }
        #expect(try #require(summaries[.collective]).meanAbsolutePercentError < 40)
        #expect(try #require(summaries[.endToEnd]).meanAbsolutePercentError < 30)
        #expect(Set(outcomes.filter { $0.validationCase.category == .gemm }.compactMap { $0.validationCase.hardware }).count >= 3)
    }
}
