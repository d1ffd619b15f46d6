import Foundation

/// A minimal SVG writer: elements are appended as text with every attribute value and text node
/// XML-escaped, so the output is well-formed whatever the labels hold. Coordinates are in pixels
/// with two decimals. `title` arguments become `<title>` children (browser hover text).
public struct SVGWriter: Sendable {
    public let width: Double
    public let height: Double
    private var body: [String] = []
    private var openGroups = 0

    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// Escapes text for XML content and attribute values (`& < > " '`); drops the control
    /// characters XML 1.0 does not allow (keeping tab, LF and CR).
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A coordinate or length as SVG text (two decimals, no trailing zeros).
    public static func number(_ x: Double) -> String {
        guard x.isFinite else { return "0" }
        var text = String(format: "%.2f", x)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }

    private static func attributes(_ pairs: [(String, String?)]) -> String {
        pairs.compactMap { key, value in value.map { " \(key)=\"\(escape($0))\"" } }.joined()
    }

    private mutating func element(_ name: String, _ pairs: [(String, String?)], title: String?) {
        let attrs = Self.attributes(pairs)
        if let title {
            body.append("<\(name)\(attrs)><title>\(Self.escape(title))</title></\(name)>")
        } else {
            body.append("<\(name)\(attrs)/>")
        }
    }

    private static func n(_ x: Double) -> String { number(x) }

    public mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String, stroke: String? = nil,
                              strokeWidth: Double? = nil, opacity: Double? = nil, cssClass: String? = nil, title: String? = nil) {
        element("rect", [("x", Self.n(x)), ("y", Self.n(y)), ("width", Self.n(max(0, width))), ("height", Self.n(max(0, height))),
                         ("fill", fill), ("stroke", stroke), ("stroke-width", strokeWidth.map(Self.n)),
                         ("fill-opacity", opacity.map(Self.n)), ("class", cssClass)], title: title)
    }

    public mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double = 1,
                              dash: String? = nil, cssClass: String? = nil, title: String? = nil) {
        element("line", [("x1", Self.n(x1)), ("y1", Self.n(y1)), ("x2", Self.n(x2)), ("y2", Self.n(y2)), ("stroke", stroke),
                         ("stroke-width", Self.n(width)), ("stroke-dasharray", dash), ("class", cssClass)], title: title)
    }

    public mutating func circle(cx: Double, cy: Double, r: Double, fill: String, stroke: String? = nil, opacity: Double? = nil,
                                cssClass: String? = nil, title: String? = nil) {
        element("circle", [("cx", Self.n(cx)), ("cy", Self.n(cy)), ("r", Self.n(r)), ("fill", fill), ("stroke", stroke),
                           ("fill-opacity", opacity.map(Self.n)), ("class", cssClass)], title: title)
    }

    /// A closed polygon (markers such as diamonds and triangles).
    public mutating func polygon(_ points: [(Double, Double)], fill: String, stroke: String? = nil, cssClass: String? = nil,
                                 title: String? = nil) {
        element("polygon", [("points", points.map { "\(Self.n($0.0)),\(Self.n($0.1))" }.joined(separator: " ")), ("fill", fill),
                            ("stroke", stroke), ("class", cssClass)], title: title)
    }

    /// An open polyline.
    public mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 1.5, dash: String? = nil,
                                  cssClass: String? = nil, title: String? = nil) {
        element("polyline", [("points", points.map { "\(Self.n($0.0)),\(Self.n($0.1))" }.joined(separator: " ")), ("fill", "none"),
                             ("stroke", stroke), ("stroke-width", Self.n(width)), ("stroke-dasharray", dash), ("class", cssClass)],
                title: title)
    }

    public enum Anchor: String, Sendable { case start, middle, end }

    /// A text node; `rotate` in degrees about (x, y).
    public mutating func text(_ content: String, x: Double, y: Double, anchor: Anchor = .start, size: Double = 12,
                              weight: String? = nil, fill: String = "#222", rotate: Double? = nil, baseline: String? = nil,
                              cssClass: String? = nil, title: String? = nil) {
        let attrs = Self.attributes([
            ("x", Self.n(x)), ("y", Self.n(y)), ("text-anchor", anchor == .start ? nil : anchor.rawValue), ("font-size", Self.n(size)),
            ("font-weight", weight), ("fill", fill), ("dominant-baseline", baseline),
            ("transform", rotate.map { "rotate(\(Self.n($0)) \(Self.n(x)) \(Self.n(y)))" }), ("class", cssClass),
        ])
        let tooltip = title.map { "<title>\(Self.escape($0))</title>" } ?? ""
        body.append("<text\(attrs)>\(tooltip)\(Self.escape(content))</text>")
    }

    /// Opens a `<g>`; close it with `endGroup()`.
    public mutating func beginGroup(cssClass: String? = nil, title: String? = nil) {
        body.append("<g\(Self.attributes([("class", cssClass)]))>" + (title.map { "<title>\(Self.escape($0))</title>" } ?? ""))
        openGroups += 1
    }

    public mutating func endGroup() {
        precondition(openGroups > 0, "endGroup() without beginGroup()")
        body.append("</g>")
        openGroups -= 1
    }

    /// The document. `standalone` adds the XML declaration (for .svg files); inline SVG in HTML
    /// omits it. Groups left open are closed.
    public func render(standalone: Bool = false, label: String? = nil) -> String {
        var out = standalone ? "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" : ""
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Self.n(width))\" height=\"\(Self.n(height))\" "
        out += "viewBox=\"0 0 \(Self.n(width)) \(Self.n(height))\" font-family=\"Helvetica, Arial, sans-serif\""
        if let label { out += " role=\"img\" aria-label=\"\(Self.escape(label))\"" }
        out += ">\n"
        if standalone { out += "<rect x=\"0\" y=\"0\" width=\"\(Self.n(width))\" height=\"\(Self.n(height))\" fill=\"#ffffff\"/>\n" }
        out += body.joined(separator: "\n")
        out += String(repeating: "</g>", count: openGroups)
        out += "\n</svg>\n"
        return out
    }
}
