import Foundation
import SPUCore
import SPUFormats  // NumberFormat's cases (a default argument names one)

/// Imports a SCALE-Sim GEMM topology CSV (`Layer, M, N, K,` per row) as a workload of
/// independent matmuls C[m,n] = Σ_k A[m,k]·B[k,n], with B as the weight operand.
/// This is SCALE-Sim's convention: M rows of the input operand, N columns of the filter
/// operand, K the contracted dimension.
public enum GEMMListImporter {
    public static func load(path: String, format: NumberFormat = .bf16) throws(ConfigError) -> Workload {
        try parse(text: try InputFile.readText(path), file: path, format: format)
    }

    public static func parse(text: String, file: String, format: NumberFormat = .bf16) throws(ConfigError) -> Workload {
        var ops: [Op] = []
        var names = Set<String>()
        for (index, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let cells = rawLine.split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            let nonEmpty = cells.filter { !$0.isEmpty }
            if nonEmpty.isEmpty || nonEmpty[0].hasPrefix("#") { continue }
            let location = "line \(index + 1)"
            // A header row names its columns; skip it.
            if index == 0 || ops.isEmpty, nonEmpty.count >= 4, Int(nonEmpty[1]) == nil {
                guard nonEmpty[1].uppercased() == "M", nonEmpty[2].uppercased() == "N", nonEmpty[3].uppercased() == "K" else {
                    throw ConfigError(file: file, path: location, message: "header must be \"Layer, M, N, K\", got \"\(rawLine)\"")
                }
                continue
            }
            guard nonEmpty.count >= 4 else {
                throw ConfigError(file: file, path: location, message: "expected \"name, M, N, K\", got \"\(rawLine)\"")
            }
            var sizes: [Int] = []
            for (column, cell) in zip(["M", "N", "K"], nonEmpty[1...3]) {
                guard let value = Int(cell), WorkloadLimits.dimension.contains(value) else {
                    throw ConfigError(file: file, path: "\(location), column \(column)",
                                      message: "must be an integer in \(JSONObjectReader.describe(WorkloadLimits.dimension)), got \"\(cell)\"")
                }
                sizes.append(value)
            }
            var name = nonEmpty[0]
            if names.contains(name) { name += "#\(index + 1)" }
            names.insert(name)
            let op = Op(name: name, kind: .matmul, dims: ["m": sizes[0], "n": sizes[1], "k": sizes[2]],
                        inputs: [TensorRef(dims: ["m", "k"], format: format),
                                 TensorRef(name: name, dims: ["k", "n"], format: format, role: .weight)],
                        output: TensorRef(dims: ["m", "n"], format: format))
            // M × N × K against the trace reader's limit on an op's iteration space.
            if let violation = WorkloadLimits.check(op) { throw ConfigError(file: file, path: location, message: violation) }
            ops.append(op)
        }
        guard !ops.isEmpty else { throw ConfigError(file: file, path: "$", message: "contains no GEMM rows") }
        let base = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        return Workload(name: "\(base)-\(format.rawValue)", description: "GEMM list imported from \(URL(fileURLWithPath: file).lastPathComponent)",
                        phase: .other, throughputUnit: "gemms", itemsPerIteration: Double(ops.count), ops: ops,
                        provenance: "spusim GEMM list importer: \(file), format \(format.rawValue)")
    }
}
