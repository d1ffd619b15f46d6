import Foundation
import GRDB
import SPUCore
import SPUResults

/// The HTML report of a run that stored executions of task graphs (`spusim schedule --db`): every
/// execution (platform mix × scheduler) in a table, their energy split into tasks, idle power and
/// links, and the Gantt charts of the fastest and the slowest execution drawn from their stored
/// placements. Self-contained like the sweep report.
public enum ScheduleHTMLReport {
    /// The stored executions of `runID` (empty when the run stored none).
    public static func load(path: String, runID: Int64) throws -> [ResultsStore.ScheduleRow] {
        try ResultsReader(path: path).read { db in try ResultsStore.schedules(db, run: runID) }
    }

    /// The run's command and time, as stored.
    public static func runCommand(path: String, runID: Int64) throws -> (command: String, startedAt: String) {
        try ResultsReader(path: path).read { db in
            let row = try Row.fetchOne(db, sql: "SELECT command, started_at FROM runs WHERE id = ?", arguments: [runID])
            return (row?["command"] ?? "", row?["started_at"] ?? "")
        }
    }

    public static func render(rows: [ResultsStore.ScheduleRow], runID: Int64, databasePath: String, command: String, startedAt: String,
                              generatedAt: Date = Date()) -> String {
        let e = HTMLReport.e
        var html = HTMLReport.head(title: "SPUSim schedules — run \(runID)")
        let graphs = Array(Set(rows.map(\.graph))).sorted()
        html += "<header><h1>SPUSim schedules: run \(runID)</h1>\n"
        html += "<p class=\"lead\">\(rows.count) execution\(rows.count == 1 ? "" : "s") of \(e(graphs.joined(separator: ", "))) in <code>\(e(databasePath))</code>, "
        html += "simulated by the runtime (links with contention, device memories; docs/scheduling.md).</p>\n"
        html += "<nav><a href=\"#executions\">Executions</a> · <a href=\"#energy\">Energy</a> · <a href=\"#gantt\">Gantt charts</a> · <a href=\"#provenance\">Provenance</a></nav></header>\n"

        let best = rows.compactMap { $0.metrics["makespan_s"] }.min() ?? 0
        html += HTMLReport.section("executions", "Executions", intro: "One row per platform mix and scheduler. Makespan is the simulated one (planned: the static scheduler's plan on idle links); bounds are the critical path at the fastest costs and the work over the processors.")
        html += "<div class=\"scroll\"><table><thead><tr>" + ["mix", "scheduler", "model error σ", "makespan s", "vs best", "planned s", "energy J", "moved", "write-backs", "mean utilisation"]
            .map { "<th>\(e($0))</th>" }.joined() + "</tr></thead><tbody>\n"
        for r in rows {
            let m = r.metrics
            let cells = [r.mix, r.scheduler, TickLabel.value(r.modelError), TickLabel.value(m["makespan_s"]),
                         m["makespan_s"].map { String(format: "%.2f×", $0 / max(best, 1e-300)) } ?? "–",
                         TickLabel.value(m["planned_makespan_s"]), TickLabel.value(m["energy_j"]),
                         m["bytes_moved"].map { TickLabel.value($0) + "B" } ?? "–", TickLabel.value(m["write_backs"]),
                         m["mean_utilisation"].map { String(format: "%.1f%%", $0 * 100) } ?? "–"]
            html += "<tr>" + cells.map { "<td>\(e($0))</td>" }.joined() + "</tr>\n"
        }
        html += "</tbody></table></div>\n</section>\n"

        html += HTMLReport.section("energy", "Energy", intro: "Energy of each execution: tasks (priced by the energy model, or active power × time), idle processors (idle power until the makespan), and data movement (bytes × energy per byte of every link crossed).")
        let bars = rows.map { r in
            StackedBarChart.Bar(label: "\(r.mix) · \(r.scheduler)", values: [r.metrics["compute_energy_j"] ?? 0, r.metrics["idle_energy_j"] ?? 0, r.metrics["link_energy_j"] ?? 0])
        }
        html += HTMLReport.figure(id: "energy-chart", StackedBarChart(title: "Energy by execution", valueLabel: "energy (J)", components: ["tasks", "idle", "links"], bars: bars).render(),
                                  caption: "Energy per execution, split into tasks, idle power and links.")
        html += "</section>\n"

        html += HTMLReport.section("gantt", "Gantt charts", intro: "Processors against time; bars are tasks coloured by kind. Stored for graphs of up to \(ResultsStore.placementTaskLimit) tasks.")
        let ranked = rows.filter { $0.placementsJSON != nil && $0.metrics["makespan_s"] != nil }.sorted { $0.metrics["makespan_s"]! < $1.metrics["makespan_s"]! }
        var shown = [ranked.first, ranked.count > 1 ? ranked.last : nil].compactMap { $0 }
        if shown.isEmpty { html += "<p>No execution stored its placements.</p>\n"; shown = [] }
        for (i, r) in shown.enumerated() {
            guard let text = r.placementsJSON, let json = try? JSONParser.parse(text),
                  let chart = GanttChart(placements: json, title: "\(i == 0 ? "Fastest" : "Slowest"): \(r.mix) · \(r.scheduler), makespan \(TickLabel.value(r.metrics["makespan_s"])) s") else { continue }
            html += HTMLReport.figure(id: "gantt-\(i)", chart.render(), caption: "\(r.graph) on \(r.platform) (\(r.mix)), \(r.scheduler).")
        }
        html += "</section>\n"

        html += HTMLReport.section("provenance", "Provenance", intro: nil)
        let facts = [("run", "\(runID)"), ("command", command), ("started", startedAt), ("database", databasePath),
                     ("tool version (report)", SPUSimVersion.current), ("report generated", ISO8601DateFormatter().string(from: generatedAt))]
        html += "<table class=\"kv\">\n" + facts.map { "<tr><th>\(e($0.0))</th><td>\(e($0.1))</td></tr>" }.joined(separator: "\n") + "\n</table>\n</section>\n"
        html += "</main>\n</body>\n</html>\n"
        return html
    }
}
