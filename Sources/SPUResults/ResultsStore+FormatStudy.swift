import GRDB
import SPUFormats

extension ResultsStore {
    /// Stores a numerics study (one row per format, one per format × accumulation mode) with its
    /// run, in one transaction.
    @discardableResult
    public func recordFormatStudy(run: RunInfo, dataSource: String, valueCount: Int,
                                  rows: [NumericsStudy.Row], dots: [NumericsStudy.DotRow]) throws -> Int64 {
        try pool.write { db in
            let runID = try insertRun(db, run)
            func finite(_ x: Double) -> Double? { x.isFinite ? x : nil }
            let study = try db.makeStatement(sql: """
                INSERT INTO format_studies (run_id, data_source, value_count, format, scaling, bits_per_element, sqnr_db,
                  mean_relative_error, max_relative_error, decimal_accuracy, fraction_flushed, fraction_saturated, dynamic_range_decades)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for r in rows {
                let m = r.metrics
                try study.execute(arguments: [runID, dataSource, valueCount, r.format, r.scaling, r.bitsPerElement, finite(m.sqnrDB),
                                              m.meanRelativeError, m.maxRelativeError, m.decimalAccuracy, m.fractionFlushed,
                                              m.fractionSaturated, finite(r.decades)])
            }
            let dot = try db.makeStatement(sql: """
                INSERT INTO format_dot_products (run_id, format, accumulation, length, trials, output_snr_db) VALUES (?, ?, ?, ?, ?, ?)
                """)
            for d in dots {
                try dot.execute(arguments: [runID, d.format, d.accumulation, d.length, d.trials, finite(d.snrDB)])
            }
            return runID
        }
    }
}
