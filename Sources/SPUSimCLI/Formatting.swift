import Foundation

/// Human-readable numbers for terminal output.
enum Formatting {
    /// How every table and summary shows a value that does not apply (a non-finite number, a
    /// missing point, a figure of an infeasible design): one spelling everywhere.
    static let notApplicable = "n/a"

    /// Fixed-point with `digits` decimals ("12.3"); `notApplicable` for nan and infinities.
    static func fixed(_ x: Double, _ digits: Int) -> String {
        x.isFinite ? String(format: "%.\(digits)f", x) : notApplicable
    }

    /// Seconds with an adaptive unit: "12.3 ms", "4.56 µs"; from 1,000 s, minutes ("16 min 40 s") and hours ("2 h 07 min").
    static func seconds(_ s: Double) -> String {
        guard s.isFinite else { return notApplicable }
        switch abs(s) {
        case 3600...: return String(format: "%.0f h %02.0f min", (s / 3600).rounded(.down), ((s.truncatingRemainder(dividingBy: 3600)) / 60).rounded(.down))
        case 1000...: return String(format: "%.0f min %02.0f s", (s / 60).rounded(.down), s.truncatingRemainder(dividingBy: 60).rounded(.down))
        case 1...: return String(format: "%.3g s", s)
        case 1e-3...: return String(format: "%.3g ms", s * 1e3)
        case 1e-6...: return String(format: "%.3g µs", s * 1e6)
        default: return String(format: "%.3g ns", s * 1e9)
        }
    }

    /// Engineering notation with SI prefix: "6.74 G", "1.2 T".
    static func si(_ x: Double, _ unit: String = "") -> String {
        guard x.isFinite else { return notApplicable }
        let prefixes: [(Double, String)] = [(1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")]
        for (scale, prefix) in prefixes where abs(x) >= scale {
            return String(format: "%.3g %@%@", x / scale, prefix, unit)
        }
        return unit.isEmpty ? String(format: "%.3g", x) : String(format: "%.3g %@", x, unit)
    }

    static func bytes(_ x: Double) -> String { si(x, "B") }

    static func percent(_ x: Double) -> String { x.isFinite ? String(format: "%.1f%%", x * 100) : notApplicable }

    /// A plain left/right aligned text table.
    static func table(header: [String], rows: [[String]], rightAligned: Set<Int> = []) -> String {
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return rightAligned.contains(i) ? pad + cell : cell + pad
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        var out = [line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
        out += rows.map(line)
        return out.joined(separator: "\n")
    }
}
