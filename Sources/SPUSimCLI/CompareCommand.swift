import ArgumentParser
import Foundation
import SPUCore
import SPUCost
import SPUResults

/// `spusim compare`: the best designs of a run relative to a baseline design.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare the top designs of a run with a baseline design, per workload.",
        discussion: """
            Ratios are design relative to baseline: throughput, speedup (baseline latency / design latency), \
            items per joule (throughput per watt), throughput per TCO dollar (baseline $/M items / design $/M items); \
            area and energy per iteration (< 1 = smaller). Candidates are feasible rows that meet the constraints, \
            ranked by throughput. --pricing equal-margin re-prices every stored row (GPUs included) at its modelled \
            manufacturing cost × --margin, and recomputes TCO and $ per million items from that price.
            """)

    @Option(help: "Design name of the baseline, e.g. h100-sxm.")
    var baseline: String

    @Option(help: "Results database.")
    var db: String = ResultsStore.defaultPath

    @Option(name: .customLong("run"), help: "Run id (default: the latest run with the baseline flagged, else the latest run holding it).")
    var runID: Int64?

    @Option(help: "Designs shown per workload.")
    var top: Int = 5

    @Option(help: "Output: table or json.")
    var format: ResultsOutputFormat = .table

    @OptionGroup var pricing: PricingOptions

    @Option(help: "TCO parameters file, for the default --margin; default: configs/tco/default.json of the SPUSim installation.")
    var tco: String?

    func validate() throws {
        try OptionRange.check(top, in: OptionRange.top, option: "--top")
    }

    func run() throws {
        let policy = try pricing.policy { try loadTCOParameters(tco: tco).spuPriceMargin }
        let comparison = try withToolErrors { () throws -> BaselineComparison in
            guard format != .csv else { throw ResultsToolError("--format: compare prints table or json") }
            return try BaselineComparison.compute(reader: try ResultsReader(path: db), baseline: baseline, runID: runID, top: top,
                                                  pricing: policy)
        }
        if format == .json {
            print(JSONWriter.pretty(comparison.jsonValue))
            return
        }
        print("run \(comparison.runID), baseline \(comparison.baselineName); pricing \(policy)")
        for w in comparison.workloads {
            print("\nworkload \(w.workloadName) (\(w.throughputUnit)/s)")
            let b = w.baseline
            // An infeasible baseline has no efficiency to be 1× of (area is a design property).
            let unit = b.feasible ? "1" : Formatting.notApplicable
            var rows = [[b.designName + " (baseline)", number(b.itemsPerS), usd(b.priceUSD), ratio(b.usdPerMillionItems),
                         unit, unit, unit, unit, "1", unit]]
            rows += w.designs.map { e in
                let r = e.ratios
                return [e.design.designName, number(e.design.itemsPerS), usd(e.design.priceUSD), ratio(e.design.usdPerMillionItems),
                        ratio(r.throughput), ratio(r.speedup), ratio(r.itemsPerJoule), ratio(r.throughputPerTCODollar), ratio(r.area), ratio(r.energy)]
            }
            print(Formatting.table(header: ["design", "throughput/s", "price $", "$/M \(w.throughputUnit)", "× throughput", "× speed", "× items/J",
                                            "× per TCO $", "× area", "× energy"],
                                   rows: rows, rightAligned: Set(1...9)))
            if !b.feasible { print("(the baseline is infeasible on this workload)") }
            if w.designs.isEmpty { print("(no feasible design meeting the constraints besides the baseline)") }
        }
    }

    private func number(_ x: Double?) -> String { x.map { Formatting.si($0) } ?? Formatting.notApplicable }
    private func usd(_ x: Double?) -> String { x.map { Formatting.fixed($0, 0) } ?? Formatting.notApplicable }
    /// Three significant digits (ratios, $ per million items).
    private func ratio(_ x: Double?) -> String { x.flatMap { $0.isFinite ? String(format: "%.3g", $0) : nil } ?? Formatting.notApplicable }
}
