/// A Gantt chart of an execution: one lane per processor (and per busy link direction), one bar
/// per task or transfer from its start to its finish, coloured by category (the task's kind, or
/// its device class), with hover text naming it. Linear time axis from zero to the makespan.
public struct GanttChart: Sendable {
    public struct Bar: Sendable {
        public var lane: Int
        public var startSeconds: Double
        public var finishSeconds: Double
        public var category: Int
        public var label: String

        public init(lane: Int, startSeconds: Double, finishSeconds: Double, category: Int, label: String) {
            self.lane = lane
            self.startSeconds = startSeconds
            self.finishSeconds = finishSeconds
            self.category = category
            self.label = label
        }
    }

    public var title: String
    public var lanes: [String]
    public var categories: [String]
    public var bars: [Bar]
    public var width = 900.0
    public var laneHeight = 16.0
    /// Bars narrower than this many pixels are merged with their lane neighbours of the same
    /// category, so a chart of 100,000 tasks stays a few thousand rectangles.
    public var mergeBelowPixels = 0.6

    public init(title: String, lanes: [String], categories: [String], bars: [Bar]) {
        self.title = title
        self.lanes = lanes
        self.categories = categories
        self.bars = bars
    }

    public func render() -> SVGWriter {
        let labelWidth = min(180.0, max(70.0, Double(lanes.map(\.count).max() ?? 8) * 6.6 + 12))
        let height = 38 + 56 + max(1, Double(lanes.count)) * (laneHeight + 3) + 6
        var frame = ChartFrame(width: width, height: height)
        frame.left = labelWidth
        frame.right = 150
        var svg = SVGWriter(width: width, height: height)
        frame.drawTitle(title, in: &svg)
        let end = bars.reduce(0.0) { max($0, $1.finishSeconds) }
        let x = AxisScale.fitted(to: [0, max(end, 1e-12)], start: frame.plotLeft, end: frame.plotRight, log: false, includeZero: true)
        svg.beginGroup(cssClass: "axes")
        for v in x.ticks {
            let p = x.position(v)
            svg.line(x1: p, y1: frame.plotTop, x2: p, y2: frame.plotBottom, stroke: Palette.grid)
            svg.text(TickLabel.format(v), x: p, y: frame.plotBottom + 18, anchor: .middle, size: 11, fill: Palette.axis, cssClass: "tick")
        }
        svg.line(x1: frame.plotLeft, y1: frame.plotBottom, x2: frame.plotRight, y2: frame.plotBottom, stroke: Palette.axis)
        svg.text("time (s)", x: (frame.plotLeft + frame.plotRight) / 2, y: height - 14, anchor: .middle, size: 12, cssClass: "axis-label")
        svg.endGroup()
        if bars.isEmpty { frame.drawEmpty("nothing ran", in: &svg) }
        for (lane, name) in lanes.enumerated() {
            let top = frame.plotTop + 4 + Double(lane) * (laneHeight + 3)
            let maxCharacters = Int((labelWidth - 12) / 6.4)
            let label = name.count > maxCharacters ? String(name.prefix(maxCharacters - 1)) + "…" : name
            svg.text(label, x: frame.plotLeft - 8, y: top + laneHeight / 2 + 4, anchor: .end, size: 10, cssClass: "lane-label", title: name)
        }
        var used = Set<Int>()
        svg.beginGroup(cssClass: "bars")
        for lane in lanes.indices {
            let top = frame.plotTop + 4 + Double(lane) * (laneHeight + 3)
            var run: (x0: Double, x1: Double, category: Int, labels: [String])? = nil
            func flush(_ svg: inout SVGWriter) {
                guard let r = run else { return }
                let hover = r.labels.count == 1 ? r.labels[0] : "\(r.labels.count) \(categories[r.category]) items, e.g. \(r.labels.prefix(3).joined(separator: "; "))"
                svg.rect(x: r.x0, y: top, width: max(r.x1 - r.x0, 0.4), height: laneHeight, fill: Palette.color(r.category), cssClass: "bar", title: hover)
            }
            for bar in bars.filter({ $0.lane == lane }).sorted(by: { $0.startSeconds < $1.startSeconds }) {
                used.insert(bar.category)
                let x0 = x.position(bar.startSeconds), x1 = x.position(bar.finishSeconds)
                if var r = run, r.category == bar.category, x0 - r.x1 < mergeBelowPixels, x1 - x0 < mergeBelowPixels || r.x1 - r.x0 < mergeBelowPixels {
                    r.x1 = max(r.x1, x1)
                    r.labels.append(bar.label)
                    run = r
                } else {
                    flush(&svg)
                    run = (x0, x1, bar.category, [bar.label])
                }
            }
            flush(&svg)
        }
        svg.endGroup()
        frame.drawLegend(categories.indices.filter(used.contains).map { LegendEntry(label: categories[$0], color: Palette.color($0)) }, in: &svg)
        return svg
    }
}
