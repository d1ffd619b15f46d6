import ArgumentParser
import SPUCore
import SPUCost

/// `--pricing` and `--margin` of `compare`, `fleet` and `report`: the same comparison read at
/// each design's own price or with every design at one margin over its manufacturing cost
/// (`PricingPolicy`, `docs/cost-model.md`).
struct PricingOptions: ParsableArguments {
    enum Mode: String, ExpressibleByArgument, CaseIterable {
        case asConfigured = "as-configured"
        case equalMargin = "equal-margin"
    }

    @Option(help: "Pricing: as-configured (each design's price object: list prices for GPUs, cost-plus for SPUs) or equal-margin (every design at its modelled manufacturing cost × --margin).")
    var pricing: Mode = .asConfigured

    @Option(help: "Price over manufacturing cost for --pricing equal-margin (default: the TCO file's silicon.spu_price_margin).")
    var margin: Double?

    func validate() throws {
        try OptionRange.check(margin, in: OptionRange.priceMargin, option: "--margin")
        if margin != nil, pricing != .equalMargin {
            throw ValidationError("--margin applies to --pricing equal-margin only")
        }
    }

    /// The policy. `defaultMargin` (the TCO file's cost-plus margin) is asked for only when
    /// equal-margin is chosen without `--margin`.
    func policy(defaultMargin: () throws -> Double) throws -> PricingPolicy {
        switch pricing {
        case .asConfigured: return .asConfigured
        case .equalMargin: return .equalMargin(try margin ?? defaultMargin())
        }
    }
}

/// The TCO parameters of `--tco` (or the installation's default file); a bad file is
/// `FILE: $.path: rule` with exit status 2.
func loadTCOParameters(tco: String?) throws -> TCOParameters {
    let file = try resolveDefault(tco: tco)
    do {
        return try TCOParameters.decode(try InputFile.readJSONObject(file))
    } catch {
        throw failInput(error)
    }
}
