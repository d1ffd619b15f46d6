import ArgumentParser
import SPUCore
import SPUCost
import SPUFormats
import SPUHardware

/// A design's precision for `fleet`: one recipe, or `auto` (every catalogue recipe the design
/// supports, keeping the cheapest feasible plan per 1,000 queries).
enum RecipeChoice {
    case fixed(PrecisionRecipe)
    case auto

    /// Parses `--format` (or a design's `@RECIPE`): a recipe name, a format name, an inline
    /// spelling, or `auto`.
    static func parse(_ text: String, option: String) throws -> RecipeChoice {
        if text == "auto" { return .auto }
        switch PrecisionRecipe.parse(text) {
        case let .success(recipe): return .fixed(recipe)
        case let .failure(error): throw ValidationError("\(option): \(error.description)")
        }
    }

    /// Splits `FILE@RECIPE` into the file and its recipe; a plain `FILE` takes `defaultChoice`.
    static func split(_ argument: String, default defaultChoice: RecipeChoice) throws -> (path: String, choice: RecipeChoice) {
        guard let at = argument.lastIndex(of: "@") else { return (argument, defaultChoice) }
        let path = String(argument[..<at]), recipe = String(argument[argument.index(after: at)...])
        return (path, try parse(recipe, option: "\(path)@"))
    }

    /// The recipes to size `designs` (a design, or a prefill and a decode design) in: the fixed
    /// recipe, or every catalogue recipe all of them support.
    func candidates(for designs: [DeviceSpec]) -> [PrecisionRecipe] {
        switch self {
        case let .fixed(recipe): return [recipe]
        case .auto:
            return designs.reduce(PrecisionRecipe.catalogue) { $1.compute.macArray.supportedRecipes($0) }
        }
    }

    /// The recipe whose (infeasible) plan explains why nothing fits when no candidate does.
    var fallback: PrecisionRecipe {
        if case let .fixed(recipe) = self { return recipe }
        return PrecisionRecipe.catalogue[0]
    }

    /// The recipe whose feasible plan costs least per 1,000 queries (ties: the first), or nil.
    static func cheapest(_ sized: [(recipe: PrecisionRecipe, plan: FleetPlan)]) -> (recipe: PrecisionRecipe, plan: FleetPlan)? {
        sized.filter { $0.plan.feasible && $0.plan.usdPer1000Queries.isFinite }.min { $0.plan.usdPer1000Queries < $1.plan.usdPer1000Queries }
    }
}

/// The `accuracy` block of `fleet --json` and `recipes compare --json`: the metric a budget uses,
/// its value and recipe, then the other scores; null when not measured.
func accuracyJSON(_ scores: AccuracyScores?) -> JSONValue {
    guard let a = scores else { return .null }
    return .object([("metric", .string("embedding_cosine")), ("value", .number(a.embeddingCosine)), ("recipe", .string(a.recipe)),
                    ("accumulator", .string(a.accumulator)), ("embedding_cosine_min", .number(a.embeddingCosineMin)),
                    ("similarity_spearman", .number(a.similaritySpearman))])
}
