import SPUCore
import SPUFormats

extension MACArraySpec {
    /// Why this MAC array cannot run `recipe` (a format of its matmuls it has no MAC rate for),
    /// or nil when it can. The same rule the performance model applies op by op, stated once for
    /// a whole recipe so that a design that cannot run it is infeasible with this reason before
    /// anything is evaluated.
    public func unsupportedReason(for recipe: PrecisionRecipe, design: String) -> String? {
        let missing = recipe.macFormats.filter { packing($0) == 0 }
        guard !missing.isEmpty else { return nil }
        return "\(design)'s MAC array does not support \(missing.map(\.rawValue).joined(separator: " and ")) (recipe \(recipe.name); supported: "
            + supportedFormats.map(\.rawValue).joined(separator: ", ") + ")"
    }

    /// The recipes of `candidates` this MAC array can run, in the given order.
    public func supportedRecipes(_ candidates: [PrecisionRecipe]) -> [PrecisionRecipe] {
        candidates.filter { unsupportedReason(for: $0, design: "") == nil }
    }
}
