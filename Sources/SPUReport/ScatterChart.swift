/// A scatter plot of point series with optional connecting lines and reference lines: the Pareto
/// figure and, with ceilings as reference lines, the roofline. Axes are log when the data span
/// more than `AxisScale.logThreshold` (or as forced).
public struct ScatterChart: Sendable {
    public struct Point: Sendable {
        public var x: Double
        public var y: Double
        /// Hover text (an SVG `<title>`).
        public var title: String
        /// A text label drawn next to the point (baselines), or nil.
        public var label: String?

        public init(x: Double, y: Double, title: String, label: String? = nil) {
            self.x = x
            self.y = y
            self.title = title
            self.label = label
        }
    }

    public struct Series: Sendable {
        public var name: String
        public var color: String
        public var marker: Marker
        public var radius: Double
        public var opacity: Double?
        public var points: [Point]
        /// Join the points in x order (a Pareto front).
        public var connect: Bool
        public var cssClass: String
        /// Draw at most one point per square of the marker's radius on the plot (the first, in
        /// series order): a cloud of a million designs draws as the same picture in a few
        /// thousand markers, where points hidden under their neighbours would only add bytes.
        /// The series' name should give the count of all its points.
        public var thinned: Bool

        public init(name: String, color: String, marker: Marker = .circle, radius: Double = 3, opacity: Double? = nil, points: [Point],
                    connect: Bool = false, cssClass: String = "point", thinned: Bool = false) {
            self.name = name
            self.color = color
            self.marker = marker
            self.radius = radius
            self.opacity = opacity
            self.points = points
            self.connect = connect
            self.cssClass = cssClass
            self.thinned = thinned
        }
    }

    /// A reference line through data coordinates (roofline ceilings), labelled at its end.
    public struct ReferenceLine: Sendable {
        public var points: [(x: Double, y: Double)]
        public var color: String
        public var dash: String?
        public var label: String

        public init(points: [(x: Double, y: Double)], color: String, dash: String? = nil, label: String) {
            self.points = points
            self.color = color
            self.dash = dash
            self.label = label
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    public var referenceLines: [ReferenceLine] = []
    public var width = 620.0
    public var height = 420.0
    /// nil: log when the data span more than 30×.
    public var xLog: Bool?
    public var yLog: Bool?
    public var legendHeading: String?

    public init(title: String, xLabel: String, yLabel: String, series: [Series]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
    }

    public func render() -> SVGWriter {
        var svg = SVGWriter(width: width, height: height)
        let frame = ChartFrame(width: width, height: height)
        frame.drawTitle(title, in: &svg)
        var xs = series.flatMap { $0.points.map(\.x) } + referenceLines.flatMap { $0.points.map(\.x) }
        var ys = series.flatMap { $0.points.map(\.y) } + referenceLines.flatMap { $0.points.map(\.y) }
        let anyPoints = series.contains { !$0.points.isEmpty }
        if xs.isEmpty { xs = [1] }
        if ys.isEmpty { ys = [1] }
        let x = AxisScale.fitted(to: xs, start: frame.plotLeft, end: frame.plotRight, log: xLog)
        let y = AxisScale.fitted(to: ys, start: frame.plotBottom, end: frame.plotTop, log: yLog)
        frame.drawAxes(x: x, y: y, xLabel: xLabel, yLabel: yLabel, in: &svg)
        if !anyPoints { frame.drawEmpty("no points to show", in: &svg) }
        func clampedX(_ v: Double) -> Double { min(max(x.position(v), frame.plotLeft), frame.plotRight) }
        func clampedY(_ v: Double) -> Double { min(max(y.position(v), frame.plotTop), frame.plotBottom) }
        for line in referenceLines {
            let pts = line.points.filter { x.accepts($0.x) && y.accepts($0.y) }.map { (clampedX($0.x), clampedY($0.y)) }
            guard pts.count > 1 else { continue }
            // Labelled in the legend (labels on the lines collide near the ridge point).
            svg.polyline(pts, stroke: line.color, width: 2, dash: line.dash, cssClass: "ceiling", title: line.label)
        }
        for s in series {
            var visible = s.points.filter { x.accepts($0.x) && y.accepts($0.y) }
            if s.thinned {
                var occupied = Set<Int>()
                let cell = max(1, s.radius), columns = Int(width / cell) + 1
                visible = visible.filter { p in
                    occupied.insert(Int(y.position(p.y) / cell) * columns + Int(x.position(p.x) / cell)).inserted
                }
            }
            svg.beginGroup(cssClass: "series")
            if s.connect, visible.count > 1 {
                let sorted = visible.sorted { $0.x < $1.x }
                svg.polyline(sorted.map { (x.position($0.x), y.position($0.y)) }, stroke: s.color, width: 1.5, cssClass: "front-line")
            }
            for p in visible {
                let px = x.position(p.x), py = y.position(p.y)
                s.marker.draw(in: &svg, x: px, y: py, size: s.radius, fill: s.color, stroke: s.radius >= 4 ? "#ffffff" : nil,
                              opacity: s.opacity, cssClass: s.cssClass, title: p.title)
                if let label = p.label {
                    let leftSide = px > frame.plotRight - 90
                    svg.text(label, x: px + (leftSide ? -9 : 9), y: py - 7, anchor: leftSide ? .end : .start, size: 11, weight: "bold",
                             fill: s.color)
                }
            }
            svg.endGroup()
        }
        frame.drawLegend(series.filter { !$0.points.isEmpty }.map { LegendEntry(label: $0.name, color: $0.color, marker: $0.marker) }
                         + referenceLines.map { LegendEntry(label: $0.label, color: $0.color, lineDash: $0.dash ?? "") },
                         in: &svg, heading: legendHeading)
        return svg
    }
}
