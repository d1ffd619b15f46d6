/// Colours shared by the charts (Tableau 10, colour-blind friendly enough for component stacks).
public enum Palette {
    public static let categorical = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
                                     "#9c755f", "#bab0ac"]

    public static func color(_ index: Int) -> String { categorical[index % categorical.count] }

    public static let ink = "#222222"
    public static let grid = "#e4e4e4"
    public static let axis = "#555555"
    public static let muted = "#9aa5b1"
}

/// Point markers.
public enum Marker: String, Sendable {
    case circle, diamond, triangle, square

    func draw(in svg: inout SVGWriter, x: Double, y: Double, size r: Double, fill: String, stroke: String? = nil, opacity: Double? = nil,
              cssClass: String? = nil, title: String? = nil) {
        switch self {
        case .circle: svg.circle(cx: x, cy: y, r: r, fill: fill, stroke: stroke, opacity: opacity, cssClass: cssClass, title: title)
        case .diamond:
            let s = r * 1.4
            svg.polygon([(x, y - s), (x + s, y), (x, y + s), (x - s, y)], fill: fill, stroke: stroke, cssClass: cssClass, title: title)
        case .triangle:
            let s = r * 1.3
            svg.polygon([(x, y - s), (x + s, y + s * 0.8), (x - s, y + s * 0.8)], fill: fill, stroke: stroke, cssClass: cssClass, title: title)
        case .square:
            svg.rect(x: x - r, y: y - r, width: 2 * r, height: 2 * r, fill: fill, stroke: stroke, opacity: opacity, cssClass: cssClass, title: title)
        }
    }
}

/// One legend row.
public struct LegendEntry: Sendable {
    public var label: String
    public var color: String
    public var marker: Marker?
    /// A line sample instead of a marker (dash pattern or "" for solid).
    public var lineDash: String?

    public init(label: String, color: String, marker: Marker? = nil, lineDash: String? = nil) {
        self.label = label
        self.color = color
        self.marker = marker
        self.lineDash = lineDash
    }
}

/// The plot rectangle of a chart and the drawing of its frame: title, grid, axes with ticks and
/// tick labels, axis titles and the legend (in the right margin, so it never covers data).
struct ChartFrame {
    var width: Double
    var height: Double
    var left = 78.0
    var right = 190.0
    var top = 38.0
    var bottom = 56.0

    var plotLeft: Double { left }
    var plotRight: Double { width - right }
    var plotTop: Double { top }
    var plotBottom: Double { height - bottom }

    func drawTitle(_ title: String, in svg: inout SVGWriter) {
        let x = min(left, 24.0)
        let maxCharacters = Int((width - x - 8) / 7.4)
        let shown = title.count > maxCharacters ? String(title.prefix(maxCharacters - 1)) + "…" : title
        svg.text(shown, x: x, y: 22, size: 13, weight: "bold", cssClass: "chart-title", title: shown == title ? nil : title)
    }

    /// Grid lines, axis lines, ticks and their labels, and the axis titles.
    func drawAxes(x: AxisScale, y: AxisScale, xLabel: String, yLabel: String, in svg: inout SVGWriter) {
        svg.beginGroup(cssClass: "axes")
        for v in y.minorTicks { let p = y.position(v); svg.line(x1: plotLeft, y1: p, x2: plotRight, y2: p, stroke: "#f1f1f1") }
        for v in x.minorTicks { let p = x.position(v); svg.line(x1: p, y1: plotTop, x2: p, y2: plotBottom, stroke: "#f1f1f1") }
        for v in y.ticks {
            let p = y.position(v)
            svg.line(x1: plotLeft, y1: p, x2: plotRight, y2: p, stroke: Palette.grid)
            svg.line(x1: plotLeft - 5, y1: p, x2: plotLeft, y2: p, stroke: Palette.axis)
            svg.text(TickLabel.format(v), x: plotLeft - 8, y: p + 4, anchor: .end, size: 11, fill: Palette.axis, cssClass: "tick")
        }
        let xTicks = x.ticks
        for v in xTicks {
            let p = x.position(v)
            svg.line(x1: p, y1: plotTop, x2: p, y2: plotBottom, stroke: Palette.grid)
            svg.line(x1: p, y1: plotBottom, x2: p, y2: plotBottom + 5, stroke: Palette.axis)
            svg.text(TickLabel.format(v), x: p, y: plotBottom + 18, anchor: .middle, size: 11, fill: Palette.axis, cssClass: "tick")
        }
        svg.line(x1: plotLeft, y1: plotBottom, x2: plotRight, y2: plotBottom, stroke: Palette.axis)
        svg.line(x1: plotLeft, y1: plotTop, x2: plotLeft, y2: plotBottom, stroke: Palette.axis)
        let xSuffix = x.kind == .log ? " — log scale" : ""
        let ySuffix = y.kind == .log ? " — log scale" : ""
        svg.text(xLabel + xSuffix, x: (plotLeft + plotRight) / 2, y: height - 14, anchor: .middle, size: 12, cssClass: "axis-label")
        svg.text(yLabel + ySuffix, x: 16, y: (plotTop + plotBottom) / 2, anchor: .middle, size: 12, rotate: -90, cssClass: "axis-label")
        svg.endGroup()
    }

    /// The legend, top-aligned in the right margin; long labels are shortened (full text on hover).
    func drawLegend(_ entries: [LegendEntry], in svg: inout SVGWriter, heading: String? = nil) {
        guard !entries.isEmpty else { return }
        svg.beginGroup(cssClass: "legend")
        let x = plotRight + 16
        var y = plotTop + 6
        if let heading {
            svg.text(heading, x: x, y: y + 4, size: 11, weight: "bold")
            y += 18
        }
        let maxCharacters = Int((right - 44) / 6.2)
        for entry in entries {
            if let dash = entry.lineDash {
                svg.line(x1: x, y1: y, x2: x + 18, y2: y, stroke: entry.color, width: 2, dash: dash.isEmpty ? nil : dash)
            } else {
                (entry.marker ?? .square).draw(in: &svg, x: x + 9, y: y, size: 5, fill: entry.color)
            }
            let label = entry.label.count > maxCharacters ? String(entry.label.prefix(maxCharacters - 1)) + "…" : entry.label
            svg.text(label, x: x + 26, y: y + 4, size: 11, title: label == entry.label ? nil : entry.label)
            y += 18
        }
        svg.endGroup()
    }

    /// A message in the middle of an empty plot.
    func drawEmpty(_ message: String, in svg: inout SVGWriter) {
        svg.text(message, x: (plotLeft + plotRight) / 2, y: (plotTop + plotBottom) / 2, anchor: .middle, size: 13, fill: Palette.axis)
    }
}
