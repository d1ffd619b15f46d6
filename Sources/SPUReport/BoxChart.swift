import Foundation

/// Five-number summary of a sample (linear-interpolated quartiles).
public struct Summary: Sendable, Equatable {
    public var count: Int
    public var min: Double
    public var q1: Double
    public var median: Double
    public var q3: Double
    public var max: Double

    /// nil for an empty sample; non-finite values are ignored.
    public init?(_ values: [Double]) {
        let sorted = values.filter(\.isFinite).sorted()
        guard !sorted.isEmpty else { return nil }
        func quantile(_ p: Double) -> Double {
            let position = p * Double(sorted.count - 1)
            let i = Int(position.rounded(.down)), f = position - Double(i)
            return i + 1 < sorted.count ? sorted[i] + f * (sorted[i + 1] - sorted[i]) : sorted[i]
        }
        count = sorted.count
        min = sorted[0]
        q1 = quantile(0.25)
        median = quantile(0.5)
        q3 = quantile(0.75)
        max = sorted[sorted.count - 1]
    }
}

/// Box plots of one objective against the values of one swept axis: whiskers min–max, box
/// between the quartiles, a line at the median, one box per axis value.
public struct BoxChart: Sendable {
    public struct Group: Sendable {
        public var label: String
        public var values: [Double]

        public init(label: String, values: [Double]) {
            self.label = label
            self.values = values
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var groups: [Group]
    public var width = 340.0
    public var height = 260.0

    public init(title: String, xLabel: String, yLabel: String, groups: [Group]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.groups = groups
    }

    public func render() -> SVGWriter {
        var svg = SVGWriter(width: width, height: height)
        var frame = ChartFrame(width: width, height: height)
        frame.right = 16
        frame.left = 62
        frame.drawTitle(title, in: &svg)
        let summaries = groups.map { Summary($0.values) }
        let all = summaries.compactMap { $0 }.flatMap { [$0.min, $0.max] }
        let y = AxisScale.fitted(to: all.isEmpty ? [0, 1] : all, start: frame.plotBottom, end: frame.plotTop)
        // Category x axis: draw y ticks with the frame, the category labels by hand.
        svg.beginGroup(cssClass: "axes")
        for v in y.ticks {
            let p = y.position(v)
            svg.line(x1: frame.plotLeft, y1: p, x2: frame.plotRight, y2: p, stroke: Palette.grid)
            svg.text(TickLabel.format(v), x: frame.plotLeft - 6, y: p + 4, anchor: .end, size: 10, fill: Palette.axis, cssClass: "tick")
        }
        svg.line(x1: frame.plotLeft, y1: frame.plotBottom, x2: frame.plotRight, y2: frame.plotBottom, stroke: Palette.axis)
        svg.line(x1: frame.plotLeft, y1: frame.plotTop, x2: frame.plotLeft, y2: frame.plotBottom, stroke: Palette.axis)
        svg.text(xLabel, x: (frame.plotLeft + frame.plotRight) / 2, y: height - 12, anchor: .middle, size: 11, cssClass: "axis-label")
        svg.text(yLabel + (y.kind == .log ? " (log)" : ""), x: 14, y: (frame.plotTop + frame.plotBottom) / 2, anchor: .middle, size: 11,
                 rotate: -90, cssClass: "axis-label")
        svg.endGroup()
        let slot = (frame.plotRight - frame.plotLeft) / Double(max(groups.count, 1))
        let boxWidth = min(36, slot * 0.55)
        for (index, group) in groups.enumerated() {
            let cx = frame.plotLeft + slot * (Double(index) + 0.5)
            svg.text(group.label, x: cx, y: frame.plotBottom + 16, anchor: .middle, size: 10, fill: Palette.axis, cssClass: "tick")
            guard let s = summaries[index] else { continue }
            let hover = "\(xLabel) = \(group.label): n = \(s.count), min \(TickLabel.value(s.min)), Q1 \(TickLabel.value(s.q1)), median \(TickLabel.value(s.median)), Q3 \(TickLabel.value(s.q3)), max \(TickLabel.value(s.max))"
            svg.beginGroup(cssClass: "box", title: hover)
            svg.line(x1: cx, y1: y.position(s.min), x2: cx, y2: y.position(s.max), stroke: Palette.axis)
            svg.line(x1: cx - boxWidth / 4, y1: y.position(s.min), x2: cx + boxWidth / 4, y2: y.position(s.min), stroke: Palette.axis)
            svg.line(x1: cx - boxWidth / 4, y1: y.position(s.max), x2: cx + boxWidth / 4, y2: y.position(s.max), stroke: Palette.axis)
            let top = y.position(s.q3), bottom = y.position(s.q1)
            svg.rect(x: cx - boxWidth / 2, y: top, width: boxWidth, height: Swift.max(bottom - top, 1), fill: Palette.color(0),
                     stroke: "#2c4a6b", opacity: 0.55)
            svg.line(x1: cx - boxWidth / 2, y1: y.position(s.median), x2: cx + boxWidth / 2, y2: y.position(s.median), stroke: "#c0392b",
                     width: 2)
            svg.endGroup()
        }
        return svg
    }
}
