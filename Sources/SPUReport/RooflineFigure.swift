import SPUCore
import SPUHardware
import SPUPerformance
import SPUResults
import SPUWorkload

extension ReportData {
    /// The ops of one design on the run's workloads, re-evaluated in-process (sweeps usually do
    /// not store `op_results`): the stored design and trace JSON are decoded and each workload is
    /// run through the performance model at the operating point of its stored result (clock
    /// scale = that row's `throttle_factor`, the design itself unchanged), which reproduces the
    /// stored result for the default mapping search (the model is deterministic). Mappings are
    /// chosen by latency: runs that chose them by energy or EDP are shown with latency-optimal
    /// mappings. The peak roof is drawn at the highest clock any plotted workload ran at, so no
    /// op lies above it.
    public func roofline(designHash: String) throws -> (chart: ScatterChart, skippedOps: Int) {
        guard let design = design(hash: designHash) else { throw ResultsToolError("design \(designHash) is not in run \(run.id)") }
        let text = try designJSON(hash: designHash)
        let device: DeviceSpec
        do {
            device = try DeviceSpec.decode(text: text, file: "designs[\(design.name)]")
        } catch {
            throw ResultsToolError("design \(design.name): stored JSON does not decode: \(error.description)")
        }
        let rows = results.filter { $0.designHash == designHash }
        func operatingPoint(workloadHash: String) -> OperatingPoint {
            OperatingPoint(clockScale: rows.first { $0.workloadHash == workloadHash }?.throttleFactor ?? 1)
        }
        let options = MappingSearchOptions(objective: .latency)
        let boundColors: [String: String] = Dictionary(uniqueKeysWithValues: Self.bounds.enumerated().map { ($1, Palette.color($0)) })
        var byBound: [String: [ScatterChart.Point]] = [:]
        var macsByFormat: [NumberFormat: Double] = [:]
        var skipped = 0
        var roofPoint: OperatingPoint?
        for entry in workloads where rows.contains(where: { $0.workloadHash == entry.hash }) {
            let trace: SPUWorkload.Workload
            do {
                trace = try SPUWorkload.Workload.decode(text: entry.json, file: "workloads[\(entry.name)]")
            } catch {
                throw ResultsToolError("workload \(entry.name): stored JSON does not decode: \(error.description)")
            }
            let point = operatingPoint(workloadHash: entry.hash)
            if point.clockScale > roofPoint?.clockScale ?? 0 { roofPoint = point }
            let evaluation = PerformanceModel(device: device, operatingPoint: point, options: options).evaluate(trace)
            for (format, macs) in evaluation.activity.macsByFormat { macsByFormat[format, default: 0] += macs }
            for op in evaluation.ops {
                let bytes = op.activity.offchipReadBytes + op.activity.offchipWriteBytes
                guard op.flops > 0, bytes > 0, op.latencySeconds > 0 else { skipped += 1; continue }
                let intensity = op.flops / bytes, achieved = op.flops / op.latencySeconds
                let title = "\(op.name) (\(op.kind.rawValue), \(op.einsum)) ×\(op.repeatCount) — \(entry.name)\n"
                    + "bound: \(op.bound.rawValue); \(TickLabel.value(intensity)) flop/byte; \(TickLabel.value(achieved)) flop/s; "
                    + "\(TickLabel.value(op.latencySeconds * Double(op.repeatCount))) s per iteration"
                byBound[op.bound.rawValue, default: []].append(ScatterChart.Point(x: intensity, y: achieved, title: title))
            }
        }
        let format = macsByFormat.max { $0.value < $1.value }?.key
        let roof = roofPoint ?? .nominal
        let peakFlops = format.map { 2 * roof.peakMacsPerSecond($0, on: device) } ?? 0
        let bandwidth = device.memory.offchip.peakBandwidthBytesPerSecond
        let xs = byBound.values.flatMap { $0.map(\.x) }
        let lowX = min(xs.min() ?? 0.1, peakFlops > 0 ? peakFlops / bandwidth / 100 : 0.1)
        let highX = max(xs.max() ?? 1000, peakFlops > 0 ? peakFlops / bandwidth * 10 : 1000)
        var lines: [ScatterChart.ReferenceLine] = []
        if peakFlops > 0, bandwidth > 0 {
            let ridge = peakFlops / bandwidth
            lines.append(.init(points: [(lowX, bandwidth * lowX), (ridge, peakFlops)], color: "#444444", dash: "6 3",
                               label: "off-chip \(TickLabel.format(bandwidth))B/s"))
            lines.append(.init(points: [(ridge, peakFlops), (highX, peakFlops)], color: "#111111",
                               label: "peak \(format?.rawValue ?? "") \(TickLabel.format(peakFlops))flop/s"))
        }
        let series = Self.bounds.compactMap { bound -> ScatterChart.Series? in
            guard let points = byBound[bound], !points.isEmpty else { return nil }
            return .init(name: "\(bound)-bound ops", color: boundColors[bound]!, radius: 3.5, opacity: 0.8, points: points, cssClass: "point op")
        }
        let clock = roof.clockScale < 1
            ? ", \(TickLabel.value(roof.effectiveClockGHz(for: device))) GHz (TDP-throttled from \(TickLabel.value(device.clockGHz)))" : ""
        var chart = ScatterChart(title: "Roofline: \(design.name)\(design.isBaseline ? " (baseline)" : "")\(clock)",
                                 xLabel: "arithmetic intensity (flop/byte off-chip)", yLabel: "achieved (flop/s per chip)", series: series)
        chart.referenceLines = lines
        chart.xLog = true
        chart.yLog = true
        return (chart, skipped)
    }
}
