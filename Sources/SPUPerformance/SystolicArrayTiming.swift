import SPUHardware

/// Compute cycles of one GEMM on one systolic array, in SCALE-Sim's convention.
///
/// Each dataflow maps two GEMM dimensions onto the array (Sr rows, Sc columns) and streams the
/// third (T) through it. The operand matrix is cut into ⌈Sr/R⌉·⌈Sc/C⌉ folds, each padded to
/// the full array and run one after another: output-stationary folds take R + C + T − 2 cycles
/// (skewed fill, T streaming cycles, drain); weight- and input-stationary folds take R more to
/// preload the stationary operand. SCALE-Sim reports the index of the last cycle, hence the
/// final − 1. Mappings (SCALE-Sim v2, Samajdar et al., ISPASS 2020): output-stationary
/// Sr = m, Sc = n, T = k; weight-stationary Sr = k, Sc = n, T = m; input-stationary Sr = k,
/// Sc = m, T = n. This reproduces all 223 SCALE-Sim 3.0.0 runs in
/// `Tests/SPUSimTests/Data/scalesim-reference.csv` exactly.
public enum SystolicArrayTiming {
    public static func computeCycles(m: Int, n: Int, k: Int, rows: Int, cols: Int, dataflow: Dataflow) -> Double {
        let (sr, sc, t): (Int, Int, Int)
        switch dataflow {
        case .outputStationary: (sr, sc, t) = (m, n, k)
        case .weightStationary: (sr, sc, t) = (k, n, m)
        case .inputStationary: (sr, sc, t) = (k, m, n)
        }
        let folds = Double(ceilDiv(sr, rows)) * Double(ceilDiv(sc, cols))
        return folds * cyclesPerFold(rows: rows, cols: cols, streamed: t, dataflow: dataflow) - 1
    }

    /// Cycles one fold occupies the array: fill skew, T streamed cycles and drain, plus the
    /// preload of the stationary operand for weight- and input-stationary dataflows.
    @inline(__always)
    static func cyclesPerFold(rows: Int, cols: Int, streamed t: Int, dataflow: Dataflow) -> Double {
        switch dataflow {
        case .outputStationary: return Double(rows + cols + t - 2)
        case .weightStationary, .inputStationary: return Double(2 * rows + cols + t - 2)
        }
    }

    @inline(__always)
    public static func ceilDiv(_ a: Int, _ b: Int) -> Int { (a + b - 1) / b }
}
