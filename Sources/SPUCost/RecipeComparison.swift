import SPUCore
import SPUFormats
import SPUHardware
import SPUWorkload

/// Designs side by side, each in its own precision recipe, on the same transformer phases: the
/// study behind "SPU with PAL8 against B200 with FP8" (`spusim recipes compare`). Every pair runs
/// the trace the generator writes for its recipe on the performance, power and cost models of
/// every other command; a design that cannot run its recipe is infeasible with that reason and has
/// no efficiency numbers.
public struct RecipeComparison: Sendable {
    /// One design in one recipe.
    public struct Entry: Sendable {
        public var evaluator: DesignEvaluator
        public var recipe: PrecisionRecipe

        public init(evaluator: DesignEvaluator, recipe: PrecisionRecipe) {
            self.evaluator = evaluator
            self.recipe = recipe
        }
    }

    /// One transformer phase every entry runs: batch, prompt or context length, tensor parallelism.
    public struct Scenario: Sendable, Equatable {
        public var phase: Phase
        public var batch: Int
        /// Prompt tokens (prefill) or context tokens (decode).
        public var sequenceLength: Int
        public var tensorParallel: Int

        public init(phase: Phase, batch: Int, sequenceLength: Int, tensorParallel: Int) {
            self.phase = phase
            self.batch = batch
            self.sequenceLength = sequenceLength
            self.tensorParallel = tensorParallel
        }

        public var label: String {
            "\(phase.rawValue) b\(batch) \(phase == .prefill ? "prompt" : "ctx")\(sequenceLength) tp\(tensorParallel)"
        }
    }

    /// One entry on one scenario. Efficiency fields are NaN when the pair is infeasible.
    public struct Row: Sendable {
        public var design: String
        public var recipe: PrecisionRecipe
        public var scenario: Scenario
        public var feasible: Bool
        public var reason: String?
        /// Tokens per second per chip of the tensor-parallel group.
        public var tokensPerSecondPerChip: Double
        public var latencySeconds: Double
        /// Tokens per joule of chip energy (the whole group).
        public var tokensPerJoule: Double
        /// $ per million tokens under the comparison's pricing policy.
        public var usdPerMillionTokens: Double
        public var averagePowerW: Double
    }

    public var model: TransformerConfig
    public var modelName: String
    public var scenarios: [Scenario]
    public var pricing: PricingPolicy

    public init(model: TransformerConfig, modelName: String, scenarios: [Scenario], pricing: PricingPolicy = .asConfigured) {
        self.model = model
        self.modelName = modelName
        self.scenarios = scenarios
        self.pricing = pricing
    }

    /// Every entry on every scenario, entries outer.
    public func rows(_ entries: [Entry]) -> [Row] {
        entries.flatMap { entry in scenarios.map { row(entry, $0) } }
    }

    func row(_ entry: Entry, _ scenario: Scenario) -> Row {
        let device = entry.evaluator.device
        func infeasible(_ reason: String) -> Row {
            Row(design: device.name, recipe: entry.recipe, scenario: scenario, feasible: false, reason: reason,
                tokensPerSecondPerChip: .nan, latencySeconds: .nan, tokensPerJoule: .nan, usdPerMillionTokens: .nan, averagePowerW: .nan)
        }
        if let unsupported = device.compute.macArray.unsupportedReason(for: entry.recipe, design: device.name) { return infeasible(unsupported) }
        let workload: Workload
        do {
            workload = try TransformerGenerator(model: model, modelName: modelName, recipe: entry.recipe)
                .generate(phase: scenario.phase, batch: scenario.batch, sequenceLength: scenario.sequenceLength, tensorParallel: scenario.tensorParallel)
        } catch {
            return infeasible(error.description)
        }
        let e = entry.evaluator.evaluate(workload)
        guard e.performance.feasible else { return infeasible(e.performance.reason ?? "infeasible") }
        let repriced = pricing.repriced(silicon: e.cost.silicon, tco: e.cost.tco)
        let scale = e.cost.tco.totalUSDPerHour > 0 ? repriced.tco.totalUSDPerHour / e.cost.tco.totalUSDPerHour : .nan
        return Row(design: device.name, recipe: entry.recipe, scenario: scenario, feasible: true, reason: nil,
                   tokensPerSecondPerChip: e.performance.throughputPerSecond / Double(e.performance.devices),
                   latencySeconds: e.performance.latencySeconds, tokensPerJoule: e.cost.itemsPerJoule,
                   usdPerMillionTokens: e.cost.usdPerMillionItems * scale, averagePowerW: e.cost.averagePowerW)
    }
}
