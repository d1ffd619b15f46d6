import Foundation
import SPUCore
import SPUHardware

/// How the designs of a comparison are priced: `--pricing` of `spusim compare`, `fleet` and
/// `report` (`docs/cost-model.md`, "Pricing policy").
///
/// - `asConfigured`: each design as its `price` object says (`PriceSpec`): the published list
///   price (GPUs), or manufacturing cost × its cost-plus margin (SPUs; the TCO file's
///   `silicon.spu_price_margin` when the design states none).
/// - `equalMargin(m)`: every design, GPU included, at its modelled manufacturing cost × m, so that
///   a comparison is not decided by the vendors' margins (a GPU's list price carries a ~85–90 %
///   gross margin, hardware-and-tco-data.md table 3.3; a cost-plus SPU ~37.5 % at 1.6).
///
/// This is the one definition of a chip's price. `SiliconCost` prices a design with
/// `configuredPriceUSD`; `fleet` re-prices an evaluated design with `repriced(silicon:tco:)`;
/// `compare` and `report` re-price stored results with `repriced(_:)`. TCO per hour is affine in
/// the price (capital and operations are proportional to IT capex, electricity and facility do
/// not depend on it), so a stored result re-prices exactly from four stored columns: its price,
/// manufacturing cost, TCO/h and the slope `tco_usd_per_hour_per_price_usd`
/// (`TCOBreakdown.usdPerHourPerPriceUSD`). Its $ per million items scales with its TCO/h.
public enum PricingPolicy: Sendable, Equatable, CustomStringConvertible {
    case asConfigured
    case equalMargin(Double)

    /// The price of one chip under its own `price` object: `list` → the published default;
    /// `cost-plus` (or no object) → manufacturing cost × the design's margin, else `defaultMargin`.
    public static func configuredPriceUSD(_ spec: PriceSpec?, manufacturingCostUSD: Double, defaultMargin: Double) -> Double {
        if let spec, spec.policy == .list, let listed = spec.defaultUSD { return listed }
        return manufacturingCostUSD * (spec?.margin ?? defaultMargin)
    }

    /// The price of one chip under this policy, given the price it was evaluated at.
    public func priceUSD(configuredUSD: Double, manufacturingCostUSD: Double) -> Double {
        switch self {
        case .asConfigured: return configuredUSD
        case let .equalMargin(margin): return manufacturingCostUSD * margin
        }
    }

    /// An evaluated design's silicon cost and TCO under this policy (the price, and the IT capex,
    /// capital and operations that follow from it).
    public func repriced(silicon: SiliconCost.Result, tco: TCOBreakdown) -> (silicon: SiliconCost.Result, tco: TCOBreakdown) {
        var s = silicon
        s.priceUSD = priceUSD(configuredUSD: silicon.priceUSD, manufacturingCostUSD: silicon.manufacturingCostUSD)
        return (s, tco.repriced(from: silicon.priceUSD, to: s.priceUSD))
    }

    /// The pricing columns of a stored result (per chip of the design).
    public struct StoredPricing: Sendable, Equatable {
        public var priceUSD: Double
        public var manufacturingCostUSD: Double
        public var tcoUSDPerHour: Double
        /// `tco_usd_per_hour_per_price_usd`: d(TCO/h)/d(price).
        public var tcoUSDPerHourPerPriceUSD: Double

        public init(priceUSD: Double, manufacturingCostUSD: Double, tcoUSDPerHour: Double, tcoUSDPerHourPerPriceUSD: Double) {
            self.priceUSD = priceUSD
            self.manufacturingCostUSD = manufacturingCostUSD
            self.tcoUSDPerHour = tcoUSDPerHour
            self.tcoUSDPerHourPerPriceUSD = tcoUSDPerHourPerPriceUSD
        }
    }

    /// A stored result's price and TCO under this policy.
    public struct Repriced: Sendable, Equatable {
        public var priceUSD: Double
        public var tcoUSDPerHour: Double
        /// New TCO/h over the stored one: multiplies every cost per item (`usd_per_million_items`).
        public var costScale: Double
    }

    /// Re-prices a stored result: TCO/h + (new price − stored price) × slope.
    public func repriced(_ stored: StoredPricing) -> Repriced {
        let price = priceUSD(configuredUSD: stored.priceUSD, manufacturingCostUSD: stored.manufacturingCostUSD)
        let tco = price == stored.priceUSD ? stored.tcoUSDPerHour
            : stored.tcoUSDPerHour + (price - stored.priceUSD) * stored.tcoUSDPerHourPerPriceUSD
        return Repriced(priceUSD: price, tcoUSDPerHour: tco, costScale: stored.tcoUSDPerHour > 0 ? tco / stored.tcoUSDPerHour : .nan)
    }

    /// What the policy does, for output headers: "as configured (…)" or "equal margin: … × 1.6 (…)".
    public var description: String {
        switch self {
        case .asConfigured: return "as configured (list prices for GPUs, cost-plus for SPUs)"
        case let .equalMargin(m):
            return "equal margin: every design at manufacturing cost × \(String(format: "%g", m)) (gross margin \(String(format: "%.1f", (1 - 1 / m) * 100))%)"
        }
    }

    /// The policy's name as `--pricing` spells it.
    public var name: String {
        switch self {
        case .asConfigured: return "as-configured"
        case .equalMargin: return "equal-margin"
        }
    }

    /// The margin of `equalMargin`, nil otherwise.
    public var margin: Double? {
        if case let .equalMargin(m) = self { return m }
        return nil
    }

    /// `{"policy": "equal-margin", "margin": 1.6}` (`margin` null as configured), in the JSON of
    /// `compare` and `fleet`.
    public var jsonValue: JSONValue {
        .object([("policy", .string(name)), ("margin", margin.map(JSONValue.number) ?? .null)])
    }
}
