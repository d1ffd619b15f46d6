import SPUResults

/// What a report or a single figure shows. Objectives name `design_scores` columns.
public struct ReportOptions: Sendable {
    /// One Pareto figure: the x and y objectives.
    public struct ParetoPair: Sendable {
        public var x: ParetoObjective
        public var y: ParetoObjective

        public init(x: ParetoObjective, y: ParetoObjective) {
            self.x = x
            self.y = y
        }
    }

    public var runID: Int64?
    /// Baseline design name (default: the run's first baseline).
    public var baseline: String?
    /// Ranks the top designs and is the subject of the sensitivity figure.
    public var objective = ParetoObjective(.min, "weighted_usd_per_million_items")
    public var pareto: [ParetoPair] = ReportOptions.defaultPareto
    /// Designs in the top table and the breakdown figures.
    public var top = 5

    public static let defaultPareto = [
        ParetoPair(x: ParetoObjective(.min, "area_mm2"), y: ParetoObjective(.max, "weighted_items_per_joule")),
        ParetoPair(x: ParetoObjective(.min, "weighted_latency_s"), y: ParetoObjective(.min, "weighted_usd_per_million_items")),
    ]

    public init(runID: Int64? = nil, baseline: String? = nil) {
        self.runID = runID
        self.baseline = baseline
    }

    /// Parses "X,Y" (each `max:COLUMN` or `min:COLUMN`) for `--pareto`.
    public static func parsePair(_ text: String, option: String = "--pareto") throws -> ParetoPair {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 else {
            throw ResultsToolError("\(option) \"\(text)\": expected two objectives X,Y, e.g. min:area_mm2,max:weighted_items_per_joule")
        }
        return ParetoPair(x: try objective(parts[0], option: option), y: try objective(parts[1], option: option))
    }

    /// Parses one `max:COLUMN` / `min:COLUMN`, naming `option` in errors.
    public static func objective(_ text: String, option: String) throws -> ParetoObjective {
        do {
            return try ParetoObjective(parsing: text)
        } catch let error as ResultsToolError {
            throw ResultsToolError(error.message.replacingOccurrences(of: "--objectives", with: option))
        }
    }
}
