/// Horizontal stacked bars: one bar per design, one segment per component (latency by bound,
/// energy or area by component). Linear value axis from zero; the legend lists the components
/// that are non-zero somewhere.
public struct StackedBarChart: Sendable {
    public struct Bar: Sendable {
        public var label: String
        /// One value per component (NaN or nil-equivalent: drawn as zero).
        public var values: [Double]
        /// Extra hover text for the whole bar (e.g. "published area 814 mm²").
        public var note: String?
        /// Emphasised label (baselines).
        public var highlight: Bool

        public init(label: String, values: [Double], note: String? = nil, highlight: Bool = false) {
            self.label = label
            self.values = values
            self.note = note
            self.highlight = highlight
        }
    }

    public var title: String
    public var valueLabel: String
    public var components: [String]
    public var bars: [Bar]
    public var width = 620.0
    public var barHeight = 22.0

    public init(title: String, valueLabel: String, components: [String], bars: [Bar]) {
        self.title = title
        self.valueLabel = valueLabel
        self.components = components
        self.bars = bars
    }

    public func render() -> SVGWriter {
        let labelWidth = min(200.0, max(90.0, Double(bars.map(\.label.count).max() ?? 10) * 6.6 + 12))
        let height = 38 + 56 + max(1, Double(bars.count)) * (barHeight + 8) + 8
        var frame = ChartFrame(width: width, height: height)
        frame.left = labelWidth
        var svg = SVGWriter(width: width, height: height)
        frame.drawTitle(title, in: &svg)
        let totals = bars.map { $0.values.reduce(0) { $0 + ($1.isFinite ? max($1, 0) : 0) } }
        let x = AxisScale.fitted(to: totals + [0], start: frame.plotLeft, end: frame.plotRight, log: false, includeZero: true)
        // Category axis: the value axis is drawn here, the bar labels with the bars.
        svg.beginGroup(cssClass: "axes")
        for v in x.ticks {
            let p = x.position(v)
            svg.line(x1: p, y1: frame.plotTop, x2: p, y2: frame.plotBottom, stroke: Palette.grid)
            svg.line(x1: p, y1: frame.plotBottom, x2: p, y2: frame.plotBottom + 5, stroke: Palette.axis)
            svg.text(TickLabel.format(v), x: p, y: frame.plotBottom + 18, anchor: .middle, size: 11, fill: Palette.axis, cssClass: "tick")
        }
        svg.line(x1: frame.plotLeft, y1: frame.plotBottom, x2: frame.plotRight, y2: frame.plotBottom, stroke: Palette.axis)
        svg.line(x1: frame.plotLeft, y1: frame.plotTop, x2: frame.plotLeft, y2: frame.plotBottom, stroke: Palette.axis)
        svg.text(valueLabel, x: (frame.plotLeft + frame.plotRight) / 2, y: height - 14, anchor: .middle, size: 12, cssClass: "axis-label")
        svg.endGroup()
        if bars.isEmpty { frame.drawEmpty("no designs to show", in: &svg) }
        var used = Set<Int>()
        for (row, bar) in bars.enumerated() {
            let top = frame.plotTop + 6 + Double(row) * (barHeight + 8)
            let maxCharacters = Int((labelWidth - 12) / 6.4)
            let label = bar.label.count > maxCharacters ? String(bar.label.prefix(maxCharacters - 1)) + "…" : bar.label
            svg.text(label, x: frame.plotLeft - 8, y: top + barHeight / 2 + 4, anchor: .end, size: 11,
                     weight: bar.highlight ? "bold" : nil, cssClass: "bar-label", title: bar.label)
            var offset = 0.0
            let total = totals[row]
            svg.beginGroup(cssClass: "bar")
            for (index, raw) in bar.values.enumerated() where raw.isFinite && raw > 0 {
                used.insert(index)
                let x0 = x.position(offset), x1 = x.position(offset + raw)
                let share = total > 0 ? raw / total * 100 : 0
                var hover = "\(bar.label) — \(components[index]): \(TickLabel.value(raw)) (\(String(format: "%.1f", share))%)"
                if let note = bar.note { hover += "; \(note)" }
                svg.rect(x: x0, y: top, width: x1 - x0, height: barHeight, fill: Palette.color(index), cssClass: "segment", title: hover)
                offset += raw
            }
            svg.endGroup()
            svg.text(TickLabel.value(total), x: x.position(offset) + 4, y: top + barHeight / 2 + 4, size: 10, fill: Palette.axis)
        }
        frame.drawLegend(components.indices.filter(used.contains).map { LegendEntry(label: components[$0], color: Palette.color($0)) },
                         in: &svg)
        return svg
    }
}
