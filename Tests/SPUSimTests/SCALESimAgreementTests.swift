import Foundation
import Testing
@testable import SPUHardware
@testable import SPUPerformance

/// Compute cycles of a single systolic array agree with SCALE-Sim 3.0.0 (ample SRAM and
/// bandwidth) for every shape, array size and dataflow in the reference table, produced by
/// `scripts/scalesim_reference.py` (provenance in `Data/scalesim-reference.md`).
@Suite struct SCALESimAgreementTests {
    struct Row {
        var rows: Int, cols: Int, dataflow: Dataflow, m: Int, n: Int, k: Int, cycles: Double
    }

    static func reference() throws -> [Row] {
        let text = try String(contentsOfFile: Repo.dataFile("scalesim-reference.csv"), encoding: .utf8)
        var lines = text.split(whereSeparator: \.isNewline).map(String.init)
        let header = lines.removeFirst().split(separator: ",").map(String.init)
        #expect(header.prefix(7) == ["array_rows", "array_cols", "dataflow", "m", "n", "k", "compute_cycles"])
        return try lines.map { line in
            let c = line.split(separator: ",").map(String.init)
            let dataflow = try #require(Dataflow(rawValue: c[2]))
            return Row(rows: Int(c[0])!, cols: Int(c[1])!, dataflow: dataflow, m: Int(c[3])!, n: Int(c[4])!, k: Int(c[5])!, cycles: Double(c[6])!)
        }
    }

    @Test func coversAtLeastTwelveShapesPerDataflow() throws {
        let rows = try Self.reference()
        for dataflow in Dataflow.allCases {
            let shapes = Set(rows.filter { $0.dataflow == dataflow }.map { "\($0.m)x\($0.n)x\($0.k)" })
            #expect(shapes.count >= 12, "\(dataflow): \(shapes.count) shapes")
        }
    }

    @Test func computeCyclesMatchSCALESim() throws {
        var worst = 0.0
        for row in try Self.reference() {
            let model = SystolicArrayTiming.computeCycles(m: row.m, n: row.n, k: row.k, rows: row.rows, cols: row.cols, dataflow: row.dataflow)
            let error = abs(model - row.cycles) / row.cycles
            worst = max(worst, error)
            #expect(error <= 0.05, "\(row.dataflow.rawValue) \(row.rows)x\(row.cols) \(row.m)x\(row.n)x\(row.k): \(model) vs SCALE-Sim \(row.cycles)")
        }
        // The closed form is SCALE-Sim's exact count, not an approximation.
        #expect(worst == 0)
    }

    /// Through the whole engine: one unit with ample SRAM and bandwidth reports SCALE-Sim's cycles.
    @Test func engineReportsSCALESimCyclesForOneArray() throws {
        for dataflow in Dataflow.allCases {
            let device = try JSONEdit.variant("configs/chips/spu-edge-inference.json", [
                (["compute", "mesh", "rows"], .number(1)), (["compute", "mesh", "cols"], .number(1)),
                (["compute", "mac_array", "dataflow"], .string(dataflow.rawValue)),
                (["memory", "local_sram", "capacity_kib"], .number(65536)),
            ])
            for row in try Self.reference() where row.dataflow == dataflow && row.rows == 32 && row.cols == 32 {
                let w = try SPUWorkload.GEMMListImporter.parse(text: "Layer, M, N, K\ng, \(row.m), \(row.n), \(row.k)\n", file: "g.csv")
                let result = PerformanceModel(device: device).evaluate(w)
                #expect(result.ops[0].computeCycles == row.cycles, "\(dataflow) \(row.m)x\(row.n)x\(row.k)")
                #expect(result.latencySeconds.isFinite && result.latencySeconds > 0, "a one-tile chip has a finite latency")
            }
        }
    }
}

import SPUWorkload
