import ArgumentParser
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import GRDB
import Testing
@testable import SPUReport
@testable import SPUResults
@testable import SPUSimCLI

/// The SVG writer, axis ticks, and `spusim report` / `spusim plot` on a small real sweep.
@Suite struct ReportTests {
    /// Parses `text` as XML (FoundationXML where available; otherwise checks that tags balance).
    private func expectWellFormed(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #if canImport(FoundationXML) || os(macOS)
        #expect(throws: Never.self, sourceLocation: sourceLocation) { _ = try XMLDocument(xmlString: text, options: []) }
        #else
        var stack: [String] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else { Issue.record("unterminated tag", sourceLocation: sourceLocation); return }
            let tag = rest[rest.index(after: open)..<close]
            rest = rest[rest.index(after: close)...]
            if tag.hasPrefix("?") || tag.hasPrefix("!") || tag.hasSuffix("/") { continue }
            let name = String(tag.split(separator: " ").first ?? "")
            if name.hasPrefix("/") {
                #expect(stack.popLast() == String(name.dropFirst()), sourceLocation: sourceLocation)
            } else {
                stack.append(name)
            }
        }
        #expect(stack.isEmpty, sourceLocation: sourceLocation)
        #endif
    }

    // MARK: SVG writer

    @Test func svgEscapesTextAndAttributes() {
        #expect(SVGWriter.escape("a<b & \"c\" 'd'>") == "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;")
        #expect(SVGWriter.escape("bell\u{07}tab\t") == "belltab\t")
        var svg = SVGWriter(width: 200, height: 100)
        svg.beginGroup(cssClass: "x\"y", title: "group <1>")
        svg.text("</svg><script>alert('x')</script> & µ²", x: 10, y: 20, title: "hover & <more>")
        svg.rect(x: 1, y: 2, width: 3, height: 4, fill: "#fff", title: "a \"quoted\" title")
        svg.circle(cx: 5, cy: 5, r: 2, fill: "red")
        svg.polyline([(0, 0), (1.005, 2.5)], stroke: "blue")
        svg.endGroup()
        let text = svg.render(standalone: true, label: "l<a>bel")
        #expect(!text.contains("<script>"))
        #expect(text.contains("&lt;/svg&gt;&lt;script&gt;"))
        #expect(text.contains("<title>hover &amp; &lt;more&gt;</title>"))
        expectWellFormed(text)
        #expect(SVGWriter.number(1.0) == "1")
        #expect(SVGWriter.number(2.345) == "2.35" || SVGWriter.number(2.345) == "2.34")
        #expect(SVGWriter.number(-0.001) == "0")
    }

    @Test func unclosedGroupsAreClosed() {
        var svg = SVGWriter(width: 10, height: 10)
        svg.beginGroup()
        svg.beginGroup()
        expectWellFormed(svg.render())
    }

    // MARK: ticks

    @Test func linearTicksAreNiceNumbers() {
        #expect(Ticks.niceNumber(0.73, round: true) == 1)
        #expect(Ticks.niceNumber(0.42, round: true) == 0.5)
        #expect(Ticks.niceNumber(3.2, round: false) == 5)
        #expect(Ticks.niceNumber(120, round: true) == 100)
        #expect(Ticks.linear(lo: 0, hi: 100) == [0, 20, 40, 60, 80, 100])
        #expect(Ticks.linear(lo: -1, hi: 1) == [-1, -0.5, 0, 0.5, 1])
        let scale = AxisScale.fitted(to: [10, 97], start: 0, end: 500)
        #expect(scale.kind == .linear)
        #expect(scale.lo == 0 && scale.hi == 100)
        #expect(scale.ticks == [0, 20, 40, 60, 80, 100])
        #expect(scale.position(50) == 250)
        let zero = AxisScale.fitted(to: [12, 13], start: 0, end: 1, log: false, includeZero: true)
        #expect(zero.lo == 0)
        let flat = AxisScale.fitted(to: [5, 5], start: 0, end: 1)
        #expect(flat.lo < 5 && flat.hi > 5)
    }

    @Test func logScaleIsChosenForWideRangesWithDecadeTicks() {
        #expect(AxisScale.prefersLog([1, 31]))
        #expect(!AxisScale.prefersLog([1, 29]))
        #expect(!AxisScale.prefersLog([-1, 100]))
        let scale = AxisScale.fitted(to: [3e-3, 4.2e3], start: 0, end: 700)
        #expect(scale.kind == .log)
        #expect(scale.lo == 1e-3 && abs(scale.hi - 1e4) < 1e-9)
        #expect(scale.ticks.count == 8)
        #expect(abs(scale.position(1) - 300) < 1e-9)
        #expect(Ticks.log(lo: 1, hi: 1e12) == stride(from: 0, through: 12, by: 2).map { pow(10, Double($0)) })
        #expect(Ticks.log(lo: 1, hi: 10) == [1, 2, 5, 10])
        #expect(TickLabel.format(4e7) == "40M")
        #expect(TickLabel.format(2.5e12) == "2.5T")
        #expect(TickLabel.format(3e-6) == "3µ")
        #expect(TickLabel.format(0.25) == "0.25")
        #expect(TickLabel.format(2500) == "2500")
        #expect(TickLabel.format(0.015) == "0.015")   // not rounded onto its neighbour 0.01
        #expect(TickLabel.format(12.5) == "12.5")
    }

    /// A thinned cloud draws one marker per radius-sized square: a 30,000-point cloud renders
    /// as a few thousand markers, always including the first point of each square, while an
    /// unthinned series draws every point.
    @Test func thinnedSeriesDrawsOneMarkerPerSquare() {
        var random = SystemRandomNumberGenerator()
        let points = (0..<30_000).map { i in
            ScatterChart.Point(x: Double.random(in: 1...2, using: &random), y: Double.random(in: 1...2, using: &random), title: "p\(i)")
        }
        func markers(thinned: Bool) -> Int {
            let chart = ScatterChart(title: "t", xLabel: "x", yLabel: "y", series: [
                .init(name: "cloud", color: "#999999", radius: 2.5, points: points, thinned: thinned),
            ])
            return chart.render().render().components(separatedBy: "<title>p").count - 1
        }
        let thinned = markers(thinned: true)
        let plotCells = Int(620 / 2.5 + 1) * Int(420 / 2.5 + 1)
        #expect(thinned > 1_000 && thinned < points.count / 2 && thinned <= plotCells, "\(thinned) markers")
        #expect(markers(thinned: false) == points.count)
        let first = ScatterChart(title: "t", xLabel: "x", yLabel: "y", series: [
            .init(name: "cloud", color: "#999999", radius: 2.5, points: points, thinned: true),
        ]).render().render()
        #expect(first.contains("<title>p0\n") || first.contains("<title>p0<"), "the first point is always drawn")
    }

    @Test func summaryQuartiles() throws {
        let s = try #require(Summary([5, 1, 3, 2, 4]))
        #expect(s.min == 1 && s.q1 == 2 && s.median == 3 && s.q3 == 4 && s.max == 5 && s.count == 5)
        #expect(Summary([]) == nil)
    }

    // MARK: report on a small sweep

    /// A 4-point sweep of the edge SPU (clock × local SRAM) on one small workload, with the H100
    /// as baseline, run through the CLI into `dir/r.sqlite`.
    private func smallSweep(_ dir: URL) throws -> String {
        let specPath = try Repo.writeEdgeSweep(in: dir, name: "report-test", axes: """
            [{"path": "$.clock_ghz", "values": [0.8, 1.2]}, {"path": "$.memory.local_sram.capacity_kib", "values": [256, 512]}]
            """)
        let db = dir.appendingPathComponent("r.sqlite").path
        #expect(CLI.run(["sweep", specPath, "--db", db]) == 0)
        return db
    }

    @Test func reportHasEverySectionAndWellFormedFigures() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = try smallSweep(dir)
        // Energy parts sum to energy_j (migration v6 columns).
        let reader = try ResultsReader(path: db)
        let sums = try reader.read { db in
            try Row.fetchAll(db, sql: "SELECT energy_j, \(ResultsSchema.energyBreakdownColumns.joined(separator: " + ")) AS parts, area_mac_arrays_mm2 FROM results")
                .map { ($0["energy_j"] as Double, $0["parts"] as Double, $0["area_mac_arrays_mm2"] as Double?) }
        }
        #expect(sums.count == 5)
        for (total, parts, mac) in sums {
            #expect(abs(total - parts) <= 1e-9 * total)
            #expect((mac ?? 0) > 0)
        }

        let out = dir.appendingPathComponent("report.html").path
        #expect(CLI.run(["report", "--db", db, "--out", out]) == 0)
        let html = try String(contentsOfFile: out, encoding: .utf8)
        for id in ["pareto", "roofline", "breakdown", "sensitivity", "top", "provenance", "pareto-1", "pareto-2", "roofline-h100-sxm",
                   "area", "sensitivity-1", "sensitivity-2"] {
            #expect(html.contains("id=\"\(id)\""), "missing \(id)")
        }
        #expect(html.contains("Latency by bound"))
        #expect(html.contains("Energy by component"))
        #expect(html.contains("Pareto front ("))
        #expect(html.contains("clock_ghz=0.8"))   // hover titles name the axis values
        #expect(!html.contains("<script"))
        #expect(!html.contains("http://") || !html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").contains("http://"))
        // Every inline figure is well-formed XML.
        var rest = Substring(html)
        var figures = 0
        while let start = rest.range(of: "<svg "), let end = rest.range(of: "</svg>", range: start.upperBound..<rest.endIndex) {
            expectWellFormed(String(rest[start.lowerBound..<end.upperBound]))
            figures += 1
            rest = rest[end.upperBound...]
        }
        #expect(figures >= 8)

        for (arguments, file) in [(["plot", "pareto", "--x", "min:area_mm2", "--y", "max:weighted_items_per_joule"], "p.svg"),
                                  (["plot", "roofline", "--design", "h100-sxm"], "r.svg"),
                                  (["plot", "breakdown", "--kind", "energy"], "b.svg")] {
            let path = dir.appendingPathComponent(file).path
            #expect(CLI.run(arguments + ["--db", db, "--out", path]) == 0)
            expectWellFormed(try String(contentsOfFile: path, encoding: .utf8))
        }
    }

    @Test func badOptionsFailClearlyWithoutWritingOutput() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = try smallSweep(dir)
        let out = dir.appendingPathComponent("missing.html").path
        #expect(CLI.run(["report", "--db", db, "--run", "999", "--out", out]) == 2)
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(throws: ResultsToolError.self) { try ReportData.load(path: db, runID: 999) }
        do {
            _ = try ReportData.load(path: db, runID: 999)
        } catch let error as ResultsToolError {
            #expect(error.message.contains("--run 999"))
        }
        #expect(CLI.run(["report", "--db", db, "--baseline", "nope", "--out", out]) == 2)
        #expect(CLI.run(["report", "--db", db, "--objective", "max:no_such_column", "--out", out]) == 2)
        #expect(CLI.run(["report", "--db", dir.appendingPathComponent("absent.sqlite").path, "--out", out]) == 2)
        #expect(CLI.run(["plot", "roofline", "--db", db, "--design", "nope", "--out", out]) == 2)
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
