import SPUHardware

/// Compute cycles of one GEMM on one systolic array, in SCALE-Sim's convention.
///
/// Each dataflow maps two GEMM dimensions onto the array (Sr rows, Sc columns) and streams the
/// third (T) through it. The operand matrix is cut into ⌈Sr/R⌉·⌈Sc/C⌉ folds; each fold takes the
/// skewed fill, T streaming cycles and the drain of the array. Mappings (SCALE-Sim v2, Samajdar
/// et al., ISPASS 2020): output-stationary Sr = m, Sc = n, T = k; weight-stationary Sr = k,
/// Sc = n, T = m; input-stationary Sr = k, Sc = m, T = n. The exact cycle expression is checked
/// against SCALE-Sim runs in `Tests/SPUSimTests/Data/scalesim-reference.csv`.
public enum SystolicArrayTiming {
    public static func computeCycles(m: Int, n: Int, k: Int, rows: Int, cols: Int, dataflow: Dataflow) -> Double {
        let (sr, sc, t): (Int, Int, Int)
        switch dataflow {
        case .outputStationary: (sr, sc, t) = (m, n, k)
        case .weightStationary: (sr, sc, t) = (k, n, m)
        case .inputStationary: (sr, sc, t) = (k, m, n)
        }
        let folds = Double(ceilDiv(sr, rows)) * Double(ceilDiv(sc, cols))
        return folds * cyclesPerFold(rows: rows, cols: cols, streamed: t, dataflow: dataflow)
    }

    /// Cycles one fold occupies the array: fill skew across rows, T streamed columns, and the
    /// drain through the columns.
    @inline(__always)
    static func cyclesPerFold(rows: Int, cols: Int, streamed t: Int, dataflow: Dataflow) -> Double {
        Double(2 * rows + cols + t - 2)
    }

    @inline(__always)
    public static func ceilDiv(_ a: Int, _ b: Int) -> Int { (a + b - 1) / b }
}
