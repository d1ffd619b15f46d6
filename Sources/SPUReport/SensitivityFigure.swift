import Foundation
import SPUResults

extension ReportData {
    /// One box chart per swept axis: the objective over the candidate designs, grouped by the
    /// axis value (numeric values in ascending order; more than 8 distinct values are binned into
    /// 6 equal-count bins).
    public func sensitivity(_ objective: ParetoObjective) -> [BoxChart] {
        let label = MetricLabels.label(objective.column, unit: throughputUnit)
        let candidates = designs.filter { $0.isCandidate && ($0.scores[objective.column]?.isFinite ?? false) }
        return axes.indices.map { a in
            var byValue: [String: [Double]] = [:]
            for d in candidates {
                guard let value = d.axisValues[a] else { continue }
                byValue[value, default: []].append(d.scores[objective.column]!)
            }
            let keys = byValue.keys.sorted { x, y in
                if let p = Double(x), let q = Double(y) { return p < q }
                return x < y
            }
            var groups = keys.map { BoxChart.Group(label: $0, values: byValue[$0]!) }
            if groups.count > 8, keys.allSatisfy({ Double($0) != nil }) {
                let pairs = keys.flatMap { k in byValue[k]!.map { (Double(k)!, $0) } }
                let bins = 6, size = Int((Double(pairs.count) / Double(bins)).rounded(.up))
                groups = stride(from: 0, to: pairs.count, by: max(size, 1)).map { start in
                    let slice = pairs[start..<min(start + size, pairs.count)]
                    return BoxChart.Group(label: "\(TickLabel.format(slice.first!.0))–\(TickLabel.format(slice.last!.0))", values: slice.map(\.1))
                }
            }
            return BoxChart(title: axes[a].label, xLabel: axes[a].paths[0].description, yLabel: label, groups: groups)
        }
    }
}
