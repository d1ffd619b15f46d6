import Foundation

/// Total cost of ownership per accelerator-hour (hardware-and-tco-data.md §3.12):
///
///     TCO/h = (price + server share)·(1 + network)·CRF(r, N_IT)/8760
///           + P_wall·load·PUE·$/kWh
///           + facility $/W·P_wall·CRF(r, N_facility)/8760
///           + opex·(IT capex)/8760
///
/// with P_wall = TDP × wall-power ratio and CRF(r, N) = r / (1 − (1 + r)^−N) (1/N when r = 0).
public struct TCOBreakdown: Sendable, Equatable {
    public var itCapexUSD: Double
    public var itCapitalUSDPerHour: Double
    public var electricityUSDPerHour: Double
    public var facilityUSDPerHour: Double
    public var opexUSDPerHour: Double
    public var wallPowerW: Double
    /// IT capex per dollar of accelerator price: 1 + the network share.
    public var capexUSDPerPriceUSD: Double
    /// Capital cost per hour per dollar of IT capex: CRF(r, N_IT) / 8760.
    public var capitalUSDPerHourPerCapexUSD: Double
    /// Operations cost per hour per dollar of IT capex: opex fraction / 8760.
    public var opexUSDPerHourPerCapexUSD: Double

    public var totalUSDPerHour: Double { itCapitalUSDPerHour + electricityUSDPerHour + facilityUSDPerHour + opexUSDPerHour }

    /// What one more dollar of accelerator price adds to the TCO per hour: capital and operations
    /// are proportional to IT capex, electricity and facility do not depend on the price, so
    /// TCO/h is affine in the price with this slope. Stored with every result
    /// (`tco_usd_per_hour_per_price_usd`), so that stored results can be re-priced (`PricingPolicy`).
    public var usdPerHourPerPriceUSD: Double {
        capexUSDPerPriceUSD * (capitalUSDPerHourPerCapexUSD + opexUSDPerHourPerCapexUSD)
    }

    /// The same TCO at accelerator price `newPriceUSD` instead of `oldPriceUSD`: IT capex moves
    /// by the price difference × (1 + network), capital and operations with it; electricity and
    /// facility are unchanged.
    public func repriced(from oldPriceUSD: Double, to newPriceUSD: Double) -> TCOBreakdown {
        guard newPriceUSD != oldPriceUSD else { return self }
        var t = self
        t.itCapexUSD += (newPriceUSD - oldPriceUSD) * capexUSDPerPriceUSD
        t.itCapitalUSDPerHour = t.itCapexUSD * capitalUSDPerHourPerCapexUSD
        t.opexUSDPerHour = t.itCapexUSD * opexUSDPerHourPerCapexUSD
        return t
    }
}

public enum TCOModel {
    public static let hoursPerYear = 8760.0

    public static func capitalRecoveryFactor(rate r: Double, years n: Double) -> Double {
        // 1 − (1 + r)^−N as −expm1(−N·log1p(r)): exact for tiny r, where the plain form divides by 0.
        r == 0 ? 1 / n : r / -expm1(-n * log1p(r))
    }

    public static func perAcceleratorHour(priceUSD: Double, tdpW: Double, parameters p: TCOParameters) -> TCOBreakdown {
        let capex = (priceUSD + p.serverUSDPerAccelerator) * (1 + p.networkFractionOfServerCapex)
        let wall = tdpW * p.wallPowerRatio
        let crf = capitalRecoveryFactor(rate: p.costOfCapital, years: p.depreciationYears)
        return TCOBreakdown(
            itCapexUSD: capex,
            itCapitalUSDPerHour: capex * crf / hoursPerYear,
            electricityUSDPerHour: wall / 1000 * p.averageLoadFraction * p.pue * p.usdPerKWh,
            facilityUSDPerHour: p.facilityCapexUSDPerMWIT * wall / 1e6 * capitalRecoveryFactor(rate: p.costOfCapital, years: p.facilityDepreciationYears) / hoursPerYear,
            opexUSDPerHour: p.opexFractionOfCapexPerYear * capex / hoursPerYear,
            wallPowerW: wall, capexUSDPerPriceUSD: 1 + p.networkFractionOfServerCapex,
            capitalUSDPerHourPerCapexUSD: crf / hoursPerYear, opexUSDPerHourPerCapexUSD: p.opexFractionOfCapexPerYear / hoursPerYear)
    }
}
