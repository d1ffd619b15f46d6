import ArgumentParser
import Foundation
import SPUReport
import SPUResults

/// `spusim report`: one self-contained HTML report of a sweep run.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a self-contained HTML report (Pareto fronts, rooflines, breakdowns, sensitivity, top designs) of a run.",
        discussion: """
            Inline SVG and CSS only: open it in a browser or attach it to a review. See docs/report.md. \
            --pricing equal-margin re-prices every design (GPU baselines included) at its modelled manufacturing \
            cost × --margin before ranking. Example:
              spusim report --db results/quickstart.sqlite --out report.html
            """)

    @OptionGroup var source: ReportSourceOptions

    @Option(help: "Baseline design name for the ratios (default: the run's first baseline).")
    var baseline: String?

    @Option(help: "Objective ranking the top designs and shown in the sensitivity figure (max:COLUMN or min:COLUMN of design_scores).")
    var objective: String = "min:weighted_usd_per_million_items"

    @Option(help: "A Pareto figure as X,Y objectives, e.g. min:area_mm2,max:weighted_items_per_joule (repeatable; default: that one and min:weighted_latency_s,min:weighted_usd_per_million_items).")
    var pareto: [String] = []

    @Option(help: "Designs in the top table and the breakdowns.")
    var top: Int = 5

    @Option(help: "Output HTML file (written atomically).")
    var out: String

    @OptionGroup var pricing: PricingOptions

    @Option(help: "TCO parameters file, for the default --margin; default: configs/tco/default.json of the SPUSim installation.")
    var tco: String?

    func validate() throws {
        try OptionRange.check(top, in: OptionRange.top, option: "--top")
    }

    func run() throws {
        let started = Date()
        let policy = try pricing.policy { try loadTCOParameters(tco: tco).spuPriceMargin }
        let html = try withToolErrors { () throws -> String in
            // A run that stored executions of task graphs gets the schedules report.
            if let runID = try source.runID ?? ResultsReader(path: source.db).latestRunID() {
                let rows = try ScheduleHTMLReport.load(path: source.db, runID: runID)
                if !rows.isEmpty {
                    let run = try ScheduleHTMLReport.runCommand(path: source.db, runID: runID)
                    return ScheduleHTMLReport.render(rows: rows, runID: runID, databasePath: source.db, command: run.command, startedAt: run.startedAt)
                }
            }
            var options = ReportOptions(runID: source.runID, baseline: baseline)
            options.objective = try ReportOptions.objective(objective, option: "--objective")
            if !pareto.isEmpty { options.pareto = try pareto.map { try ReportOptions.parsePair($0) } }
            options.top = top
            let data = try ReportData.load(path: source.db, runID: source.runID).priced(policy)
            return try HTMLReport.render(data, options: options)
        }
        try writeOutput(html, to: out)
        print("wrote \(out) (\(html.utf8.count / 1024) KiB) in \(String(format: "%.2f", Date().timeIntervalSince(started))) s")
    }
}

/// Where a report or plot reads from.
struct ReportSourceOptions: ParsableArguments {
    @Option(help: "Results database.")
    var db: String = ResultsStore.defaultPath

    @Option(name: .customLong("run"), help: "Run id (default: the latest sweep, else the latest run).")
    var runID: Int64?
}

