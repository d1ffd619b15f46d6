import SPUCore
import SPUFormats

extension MACArraySpec {
    /// Why this MAC array cannot run `recipe` (a format of its matmuls it has no MAC rate for),
    /// or nil when it can. The same rule the performance model applies op by op, stated once for
    /// a whole recipe so that a design that cannot run it is infeasible with this reason before
    /// anything is evaluated.
    /// A recipe that requires an accumulation (`acc=MODE[:BITS]`) also needs the register this
    /// array declares for the recipe's MAC format to have that mode (and width, when given).
    public func unsupportedReason(for recipe: PrecisionRecipe, design: String) -> String? {
        let missing = recipe.macFormats.filter { packing($0) == 0 }
        if !missing.isEmpty {
            return "\(design)'s MAC array does not support \(missing.map(\.rawValue).joined(separator: " and ")) (recipe \(recipe.name); supported: "
                + supportedFormats.map(\.rawValue).joined(separator: ", ") + ")"
        }
        if let required = recipe.accumulation {
            let declared = accumulator(for: recipe.computeFormat)
            let modeMatches = declared.mode.description == required.mode
            let widthMatches = required.widthBits.map { $0 == declared.widthBits } ?? true
            if !(modeMatches && widthMatches) {
                return "\(design)'s MAC array accumulates \(recipe.computeFormat.rawValue) in \(declared), not the \(required) recipe \(recipe.name) requires"
            }
        }
        return nil
    }

    /// The recipes of `candidates` this MAC array can run, in the given order.
    public func supportedRecipes(_ candidates: [PrecisionRecipe]) -> [PrecisionRecipe] {
        candidates.filter { unsupportedReason(for: $0, design: "") == nil }
    }
}
