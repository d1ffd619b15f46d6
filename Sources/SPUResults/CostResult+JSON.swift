import SPUCore
import SPUCost
import SPUPerformance

extension CostedEvaluation {
    /// The performance JSON (`EvaluationResult.jsonValue`) extended with energy, power, area,
    /// cost and TCO. Throughput-normalised costs appear under generic names
    /// (`usd_per_million_items`, `items_per_joule`) and, for tokens or samples, under
    /// unit-specific names too (`usd_per_million_tokens`, `tokens_per_joule`).
    public func jsonValue(designHash: String? = nil, workloadHash: String? = nil) -> JSONValue {
        guard case var .object(root) = performance.jsonValue(designHash: designHash, workloadHash: workloadHash) else { return .null }
        func n(_ x: Double) -> JSONValue { x.isFinite ? .number(x) : .null }
        let c = cost
        let unit = performance.throughputUnit
        var costFields: [(key: String, value: JSONValue)] = [
            ("energy_j", n(c.energyJ)),
            ("avg_power_w", n(c.averagePowerW)),
            ("throttle_factor", n(c.throttleFactor)),
            ("area_mm2", n(c.area.effectiveTotalMM2)),
            ("modelled_area_mm2", n(c.area.totalMM2)),
            ("die_cost_usd", n(c.silicon.dieCostUSD)),
            ("manufacturing_cost_usd", n(c.silicon.manufacturingCostUSD)),
            ("price_usd", n(c.silicon.priceUSD)),
            ("tco_usd_per_hour", n(c.tco.totalUSDPerHour)),
            ("usd_per_million_items", n(c.usdPerMillionItems)),
            ("items_per_joule", n(c.itemsPerJoule)),
        ]
        if unit == "tokens" || unit == "samples" {
            costFields.append(("usd_per_million_\(unit)", n(c.usdPerMillionItems)))
            costFields.append(("\(unit)_per_joule", n(c.itemsPerJoule)))
        }
        costFields += [
            ("energy_breakdown_j", .object(c.dynamicEnergy.parts.map { ($0.0, n($0.1)) } + [("static", n(c.staticEnergyJ))])),
            ("area_breakdown_mm2", .object(c.area.parts.map { ($0.0, n($0.1)) })),
            ("silicon", .object([
                ("die_area_mm2", n(c.silicon.dieAreaMM2)), ("dies", .number(Double(c.area.dies))),
                ("gross_dies_per_wafer", n(c.silicon.grossDiesPerWafer)), ("die_yield", n(c.silicon.dieYield)),
                ("memory_cost_usd", n(c.silicon.memoryCostUSD)), ("package_and_test_usd", n(c.silicon.packageAndTestUSD)),
                ("nre_per_unit_usd", n(c.silicon.nrePerUnitUSD)),
            ])),
            ("tco_breakdown_usd_per_hour", .object([
                ("it_capital", n(c.tco.itCapitalUSDPerHour)), ("electricity", n(c.tco.electricityUSDPerHour)),
                ("facility", n(c.tco.facilityUSDPerHour)), ("opex", n(c.tco.opexUSDPerHour)), ("wall_power_w", n(c.tco.wallPowerW)),
            ])),
        ]
        // Per-op energy next to each op.
        if let index = root.firstIndex(where: { $0.key == "ops" }), case let .array(ops) = root[index].value {
            root[index].value = .array(zip(ops, c.opEnergyJ).map { op, energy in
                guard case var .object(fields) = op else { return op }
                fields.append(("energy_j", n(energy)))
                return .object(fields)
            })
            root.insert(contentsOf: costFields, at: index)
        } else {
            root += costFields
        }
        return .object(root)
    }
}
