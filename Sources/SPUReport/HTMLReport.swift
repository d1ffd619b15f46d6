import Foundation
import SPUCore
import SPUCost
import SPUResults

/// The self-contained HTML report of a sweep run: inline CSS and SVG, no scripts, no network.
/// Sections: Pareto fronts, rooflines, breakdowns (latency, energy, area), sensitivity, the
/// top designs against the baseline, provenance.
public enum HTMLReport {
    /// Renders the report. Throws `ResultsToolError` for a bad option (unknown objective column,
    /// unknown baseline) or an undecodable stored design or trace.
    public static func render(_ data: ReportData, options: ReportOptions, generatedAt: Date = Date()) throws -> String {
        for pair in options.pareto {
            try data.check(pair.x, option: "--pareto")
            try data.check(pair.y, option: "--pareto")
        }
        try data.check(options.objective, option: "--objective")
        let baseline = try resolveBaseline(data, name: options.baseline)
        let unit = data.throughputUnit
        let ranked = data.ranked(options.objective)
        let top = Array(ranked.prefix(options.top))
        let featured = top + data.designs.filter(\.isBaseline)
        let objectiveLabel = MetricLabels.describe(options.objective, unit: unit)

        var html = head(title: "SPUSim report — \(data.run.name ?? "run \(data.run.id)")")
        html += "<header><h1>SPUSim report: \(e(data.run.name ?? "run \(data.run.id)"))</h1>\n"
        html += "<p class=\"lead\">Run \(data.run.id) (\(e(data.run.kind)), \(e(data.run.status))) in <code>\(e(data.databasePath))</code>: "
        html += "\(data.designs.filter { !$0.isBaseline }.count) designs, \(data.designs.filter(\.isBaseline).count) baselines, "
        html += "\(data.workloads.count) workloads. Objective for rankings and sensitivity: \(e(objectiveLabel)). "
        html += "Pricing: \(e(data.pricing.description)).</p>\n"
        let accuracyFigures = data.accuracyFigures()
        html += "<nav>" + ([("pareto", "Pareto fronts")] + (accuracyFigures.isEmpty ? [] : [("accuracy", "Accuracy")])
                           + [("roofline", "Rooflines"), ("breakdown", "Breakdowns"), ("sensitivity", "Sensitivity"),
                              ("top", "Top designs"), ("provenance", "Provenance")])
            .map { "<a href=\"#\($0.0)\">\($0.1)</a>" }.joined(separator: " · ") + "</nav></header>\n"

        // Pareto fronts.
        html += section("pareto", "Pareto fronts", intro: "Each point is a design, scored over the run's workloads with the sweep's weights (the <code>design_scores</code> view). Blue points are non-dominated for the two objectives; grey points are dominated; red diamonds are the GPU baselines. Infeasible designs and designs that miss the sweep's constraints are left out. Hover a point for its name and swept-axis values.")
        for (i, pair) in options.pareto.enumerated() {
            let chart = data.paretoFigure(pair)
            html += figure(id: "pareto-\(i + 1)", chart.render(), caption: "\(chart.title); x: \(pair.x), y: \(pair.y).")
        }
        html += "</section>\n"

        // Accuracy × energy × area, when the run measured recipe accuracy.
        if !accuracyFigures.isEmpty {
            html += section("accuracy", "Accuracy, energy and area by precision recipe", intro: "Every feasible design in every precision recipe of the run (one colour per recipe): the accuracy of the recipe on the design's accumulator (mean cosine of all-MiniLM-L6-v2 sentence embeddings to fp32, <code>embedding_cosine</code>, docs/accuracy.md) against its energy efficiency and its modelled area. A design's score uses its best recipe within the constraints; this shows what each alternative would have cost.")
            for (name, energy, area) in accuracyFigures {
                html += figure(id: "accuracy-energy-\(slug(name))", energy.render(), caption: energy.title + ".")
                html += figure(id: "accuracy-area-\(slug(name))", area.render(), caption: area.title + ".")
            }
            html += "</section>\n"
        }

        // Rooflines.
        html += section("roofline", "Rooflines", intro: "The workload's ops on the best design by the objective and on each baseline: arithmetic intensity (flops per off-chip byte) against the flop rate each op achieves per chip. Ceilings: off-chip bandwidth (dashed) and peak compute in the workload's dominant number format (solid), at the clock after the TDP policy. Ops are re-evaluated in-process from the stored design and trace JSON.")
        for design in (top.prefix(1) + data.designs.filter(\.isBaseline)) {
            let (chart, skipped) = try data.roofline(designHash: design.hash)
            let note = skipped > 0 ? " \(skipped) ops without flops or off-chip traffic (collectives, on-chip only) are not shown." : ""
            html += figure(id: "roofline-\(slug(design.name))", chart.render(), caption: "\(chart.title).\(note)")
        }
        html += "</section>\n"

        // Breakdowns.
        html += section("breakdown", "Where the time, energy and area go", intro: "The top \(top.count) designs by the objective and the baselines. Latency of one iteration split by the bound each op is limited by; energy of one iteration for all chips by component (dynamic per component plus static leakage; the parts sum to <code>energy_j</code>); modelled silicon area by component.")
        for workload in data.workloads {
            if let chart = data.breakdown(.latency, designs: featured, workloadHash: workload.hash) {
                html += figure(id: "latency-\(slug(workload.name))", chart.render(), caption: chart.title + ".")
            }
        }
        var missing = false
        for workload in data.workloads {
            if let chart = data.breakdown(.energy, designs: featured, workloadHash: workload.hash) {
                html += figure(id: "energy-\(slug(workload.name))", chart.render(), caption: chart.title + ".")
            } else { missing = true }
        }
        if let chart = data.breakdown(.area, designs: featured, workloadHash: nil) {
            html += figure(id: "area", chart.render(), caption: "Area by component. For GPUs with a published die area the bars show the modelled parts; hover for the published figure.")
        } else { missing = true }
        if missing {
            html += "<p class=\"note\">Energy and area breakdowns are not recorded for this run (written before migration v6-breakdowns); re-run the sweep to get them.</p>\n"
        }
        html += "</section>\n"

        // Sensitivity.
        html += section("sensitivity", "Sensitivity to each swept axis", intro: "The objective (\(e(objectiveLabel))) over the feasible designs that meet the constraints, grouped by the value of one swept axis: box from the first to the third quartile, red line at the median, whiskers at the minimum and maximum. Hover a box for the numbers.")
        let boxes = data.sensitivity(options.objective)
        if boxes.isEmpty {
            html += "<p class=\"note\">This run has no swept axes (not a sweep, or its configuration is not stored).</p>\n"
        } else {
            html += "<div class=\"grid\">\n"
            for (i, chart) in boxes.enumerated() {
                html += figure(id: "sensitivity-\(i + 1)", chart.render(), caption: "\(e(chart.xLabel))", escapeCaption: false)
            }
            html += "</div>\n"
        }
        html += "</section>\n"

        // Top designs.
        html += section("top", "Top designs", intro: "Best \(top.count) of \(ranked.count) candidate designs by \(e(objectiveLabel))" + (baseline.map { ", with ratios to the baseline <b>\(e($0.name))</b> (&gt; 1 is better except area)" } ?? "") + ".")
        html += topTable(data, top: top, baseline: baseline, unit: unit)
        html += "</section>\n"

        html += provenance(data, generatedAt: generatedAt)
        html += "</main>\n</body>\n</html>\n"
        return html
    }

    /// The baseline design: the named one, else the run's first baseline, else none.
    static func resolveBaseline(_ data: ReportData, name: String?) throws -> ReportData.Design? {
        let baselines = data.designs.filter(\.isBaseline)
        guard let name else { return baselines.first }
        if let match = baselines.first(where: { $0.name == name }) ?? data.designs.first(where: { $0.name == name }) { return match }
        let known = baselines.isEmpty ? "the run has no baselines" : "baselines: \(baselines.map(\.name).joined(separator: ", "))"
        throw ResultsToolError("--baseline \(name): no design of that name in run \(data.run.id) (\(known))")
    }

    static func topTable(_ data: ReportData, top: [ReportData.Design], baseline: ReportData.Design?, unit: String) -> String {
        func metrics(_ d: ReportData.Design) -> BaselineComparison.Metrics {
            .init(designName: d.name, itemsPerS: d.scores["weighted_items_per_s"], latencyS: d.scores["weighted_latency_s"],
                  itemsPerJoule: d.scores["weighted_items_per_joule"], usdPerMillionItems: d.scores["weighted_usd_per_million_items"],
                  areaMM2: d.scores["area_mm2"], energyJ: nil, avgPowerW: d.scores["max_avg_power_w"])
        }
        let columns = ["weighted_items_per_s", "weighted_latency_s", "weighted_items_per_joule", "weighted_usd_per_million_items",
                       "area_mm2", "max_avg_power_w"]
        var out = "<div class=\"scroll\"><table class=\"top\">\n<thead><tr><th>#</th><th>design</th>"
        out += data.axes.map { "<th>\(e($0.label))</th>" }.joined()
        out += columns.map { "<th>\(e(MetricLabels.label($0, unit: unit)))</th>" }.joined()
        if baseline != nil { out += "<th>throughput ×</th><th>speed-up ×</th><th>\(e(unit))/J ×</th><th>perf/TCO$ ×</th><th>area ×</th>" }
        out += "</tr></thead>\n<tbody>\n"
        func row(_ d: ReportData.Design, rank: String) -> String {
            var r = "<tr\(d.isBaseline ? " class=\"baseline\"" : "")><td>\(rank)</td><td>\(e(d.name))\(d.pointIndex.map { " <span class=\"muted\">#\($0)</span>" } ?? "")</td>"
            r += d.axisValues.map { "<td class=\"num\">\(e($0 ?? "–"))</td>" }.joined()
            r += columns.map { "<td class=\"num\">\(TickLabel.value(d.scores[$0]))</td>" }.joined()
            if let baseline {
                let ratios = BaselineComparison.Ratios(design: metrics(d), baseline: metrics(baseline))
                r += [ratios.throughput, ratios.speedup, ratios.itemsPerJoule, ratios.throughputPerTCODollar, ratios.area]
                    .map { "<td class=\"num ratio\">\($0.map { String(format: "%.2f", $0) } ?? "–")</td>" }.joined()
            }
            return r + "</tr>\n"
        }
        for (i, d) in top.enumerated() { out += row(d, rank: "\(i + 1)") }
        for d in data.designs where d.isBaseline { out += row(d, rank: "base") }
        return out + "</tbody></table></div>\n"
    }

    static func provenance(_ data: ReportData, generatedAt: Date) -> String {
        let r = data.run
        let feasible = data.designs.filter { $0.feasible && !$0.isBaseline }.count
        let meeting = data.designs.filter(\.isCandidate).count
        var rows: [(String, String)] = [
            ("run", "\(r.id) — \(r.kind) \(r.name ?? "")"), ("status", r.status), ("command", r.command), ("config hash", r.configHash),
            ("tool version (run)", r.toolVersion), ("tool version (report)", SPUSimVersion.current), ("started", r.startedAt),
            ("finished", r.finishedAt ?? "–"), ("duration", r.durationS.map { String(format: "%.2f s", $0) } ?? "–"),
            ("designs", "\(data.designs.filter { !$0.isBaseline }.count) (\(feasible) feasible, \(meeting) also meet the constraints)"),
            ("baselines", data.designs.filter(\.isBaseline).map(\.name).joined(separator: ", ")),
            ("workloads", data.workloads.map { "\($0.name) (\($0.phase), weight \(TickLabel.value($0.weight)))" }.joined(separator: "; ")),
            ("results", "\(data.results.count) (\(data.results.filter(\.feasible).count) feasible); \(data.opResultCount) op_results rows"),
            ("database", data.databasePath), ("pricing", data.pricing.description),
            ("report generated", ISO8601DateFormatter().string(from: generatedAt)),
        ]
        if let shard = r.shard { rows.append(("shard", shard)) }
        var out = section("provenance", "Provenance", intro: nil)
        out += "<table class=\"kv\">\n" + rows.map { "<tr><th>\(e($0.0))</th><td>\(e($0.1))</td></tr>" }.joined(separator: "\n") + "\n</table>\n"
        if let config = r.configJSON {
            let limit = 200_000
            let shown = config.count > limit ? String(config.prefix(limit)) + "\n… (\(config.count - limit) more characters)" : config
            let pretty = (try? JSONParser.parse(shown)).map { JSONWriter.pretty($0) } ?? shown
            out += "<details><summary>Sweep configuration (canonical JSON, \(config.count) characters)</summary><pre>\(e(pretty))</pre></details>\n"
        }
        return out + "</section>\n"
    }

    // MARK: HTML helpers

    static func e(_ text: String) -> String { SVGWriter.escape(text) }

    static func slug(_ text: String) -> String {
        String(text.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" })
    }

    static func section(_ id: String, _ title: String, intro: String?) -> String {
        "<section id=\"\(id)\">\n<h2>\(e(title))</h2>\n" + (intro.map { "<p>\($0)</p>\n" } ?? "")
    }

    static func figure(id: String, _ svg: SVGWriter, caption: String, escapeCaption: Bool = true) -> String {
        "<figure class=\"chart\" id=\"\(e(id))\">\n\(svg.render())<figcaption>\(escapeCaption ? e(caption) : caption)</figcaption></figure>\n"
    }

    static func head(title: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="SPUSim \(SPUSimVersion.current)">
        <title>\(e(title))</title>
        <style>
        body { font-family: Helvetica, Arial, sans-serif; color: #222; margin: 0; background: #f6f7f9; }
        header, main { max-width: 1320px; margin: 0 auto; padding: 0 24px; }
        header { padding-top: 18px; }
        h1 { font-size: 24px; margin: 8px 0; }
        h2 { font-size: 19px; margin: 28px 0 8px; border-bottom: 1px solid #ccd; padding-bottom: 4px; }
        p { max-width: 1000px; line-height: 1.45; }
        nav a { color: #1f5fa8; text-decoration: none; }
        section { margin-bottom: 16px; }
        figure.chart { display: inline-block; vertical-align: top; background: #fff; border: 1px solid #dde; border-radius: 4px;
                       margin: 6px 8px 10px 0; padding: 6px; }
        figure.chart svg { display: block; }
        figcaption { font-size: 12px; color: #555; max-width: 610px; padding: 4px 4px 0; }
        .grid { display: flex; flex-wrap: wrap; }
        .grid figure.chart figcaption { max-width: 330px; font-family: monospace; }
        .point.pareto, .point.baseline { cursor: help; }
        .scroll { overflow-x: auto; }
        table { border-collapse: collapse; background: #fff; font-size: 13px; }
        th, td { border: 1px solid #dde; padding: 4px 8px; text-align: left; }
        th { background: #eef1f5; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        tr.baseline td { background: #fdf1f1; }
        .muted { color: #889; }
        .note { color: #8a5a00; }
        table.kv th { width: 190px; }
        pre { background: #fff; border: 1px solid #dde; padding: 8px; max-height: 480px; overflow: auto; font-size: 12px; }
        </style>
        </head>
        <body>

        """ + "<main>\n"
    }
}
