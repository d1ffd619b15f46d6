import ArgumentParser
import Foundation
import SPUCore
import SPUReport
import SPUResults

/// `spusim plot`: one figure of the report as a standalone SVG file.
struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Write one report figure as an SVG file.",
        subcommands: [Pareto.self, Roofline.self, Breakdown.self])

    struct Pareto: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Pareto front of two design_scores objectives.",
            discussion: "Example: spusim plot pareto --x min:area_mm2 --y max:weighted_items_per_joule --out pareto.svg")

        @OptionGroup var source: ReportSourceOptions

        @Option(help: "x objective, max:COLUMN or min:COLUMN.")
        var x: String = "min:area_mm2"

        @Option(help: "y objective, max:COLUMN or min:COLUMN.")
        var y: String = "max:weighted_items_per_joule"

        @Option(help: "Output SVG file.")
        var out: String

        func run() throws {
            try PlotCommand.writeFigure(to: out) {
                let pair = ReportOptions.ParetoPair(x: try ReportOptions.objective(x, option: "--x"), y: try ReportOptions.objective(y, option: "--y"))
                let data = try ReportData.load(path: source.db, runID: source.runID)
                try data.check(pair.x, option: "--x")
                try data.check(pair.y, option: "--y")
                return data.paretoFigure(pair).render().render(standalone: true)
            }
        }
    }

    struct Roofline: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Roofline of one design with the run's workload ops on it.")

        @OptionGroup var source: ReportSourceOptions

        @Option(help: "Design name (default: the best design by --objective).")
        var design: String?

        @Option(help: "Objective choosing the default design.")
        var objective: String = "min:weighted_usd_per_million_items"

        @Option(help: "Output SVG file.")
        var out: String

        func run() throws {
            try PlotCommand.writeFigure(to: out) {
                let data = try ReportData.load(path: source.db, runID: source.runID)
                let chosen = try data.select(names: design.map { [$0] } ?? [], objective: objective, count: 1).first
                guard let chosen else { throw ResultsToolError("run \(data.run.id) has no feasible design to plot; name one with --design") }
                return try data.roofline(designHash: chosen.hash).chart.render().render(standalone: true)
            }
        }
    }

    struct Breakdown: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stacked bars of latency by bound, energy or area by component.")

        @OptionGroup var source: ReportSourceOptions

        @Option(help: "latency, energy or area.")
        var kind: String = "latency"

        @Option(help: "Design names (repeatable; default: the top --top designs by --objective and the baselines).")
        var design: [String] = []

        @Option(help: "Workload name (latency and energy; default: the first).")
        var workload: String?

        @Option(help: "Objective choosing the default designs.")
        var objective: String = "min:weighted_usd_per_million_items"

        @Option(help: "Designs shown by default.")
        var top: Int = 5

        @Option(help: "Output SVG file.")
        var out: String

        func validate() throws {
            try OptionRange.check(top, in: OptionRange.top, option: "--top")
        }

        func run() throws {
            try PlotCommand.writeFigure(to: out) {
                guard let kind = BreakdownKind(rawValue: kind) else {
                    throw ResultsToolError("--kind \(kind): expected one of \(BreakdownKind.allCases.map(\.rawValue).joined(separator: ", "))"
                                           + (Suggestion.closest(to: kind, in: BreakdownKind.allCases.map(\.rawValue)).map { " (did you mean \"\($0)\"?)" } ?? ""))
                }
                let data = try ReportData.load(path: source.db, runID: source.runID)
                var designs = try data.select(names: design, objective: objective, count: top)
                if design.isEmpty { designs += data.designs.filter(\.isBaseline) }
                guard let chart = data.breakdown(kind, designs: designs, workloadHash: try data.workloadHash(named: workload)) else {
                    throw ResultsToolError("run \(data.run.id) has no \(kind.rawValue) breakdown (written before migration v6-breakdowns); re-run the sweep")
                }
                return chart.render().render(standalone: true)
            }
        }
    }

    /// Renders a figure (tool errors become clear messages and exit 2), writes it atomically to
    /// `path` and reports the file.
    static func writeFigure(to path: String, _ render: () throws -> String) throws {
        let svg = try withToolErrors(render)
        try writeOutput(svg, to: path)
        print("wrote \(path)")
    }
}
