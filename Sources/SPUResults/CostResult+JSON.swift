import SPUCore
import SPUCost
import SPUPerformance

extension CostedEvaluation {
    /// The result as JSON (`spusim run --json`): every metric of `MetricCatalogue` under its
    /// name, then time by bound, memory, activity, energy and area by component, silicon and TCO
    /// details, and the ops with their energy. For tokens or samples, metrics named for "items"
    /// appear under unit-specific names too (`usd_per_million_tokens`, `tokens_per_joule`).
    public func jsonValue(designHash: String? = nil, workloadHash: String? = nil) -> JSONValue {
        func n(_ x: Double) -> JSONValue { x.isFinite ? .number(x) : .null }
        let c = cost
        let unit = performance.throughputUnit
        var extra: [(key: String, value: JSONValue)] = []
        if unit == "tokens" || unit == "samples" {
            for metric in MetricCatalogue.all where metric.name.contains("items") {
                extra.append((metric.name.replacingOccurrences(of: "items", with: unit), n(metric.value(self))))
            }
        }
        extra += [
            ("energy_breakdown_j", .object(c.dynamicEnergy.parts.map { ($0.0.rawValue, performance.wasRun ? n($0.1) : .null) }
                                           + [(EnergyComponent.staticEnergyName, n(c.staticEnergyJ))])),
            ("operating_point", .object([
                ("clock_scale", n(c.operatingPoint.clockScale)), ("clock_ghz", n(c.operatingPoint.clockGHz)),
                ("voltage_v", n(c.operatingPoint.voltageV)), ("junction_temperature_c", n(c.operatingPoint.junctionTemperatureC)),
                ("power_breakdown_w", .object((performance.feasible ? powerBreakdownW : nil)
                    .map { $0.map { ($0.0, n($0.1)) } } ?? c.dynamicEnergy.parts.map { ($0.0.rawValue, .null) } + [(EnergyComponent.staticEnergyName, .null)])),
            ])),
            ("area_breakdown_mm2", .object(c.area.parts.map { ($0.0.rawValue, n($0.1)) })),
            ("silicon", .object([
                ("die_area_mm2", n(c.silicon.dieAreaMM2)), ("dies", .number(Double(c.area.dies))),
                ("gross_dies_per_wafer", n(c.silicon.grossDiesPerWafer)), ("die_yield", n(c.silicon.dieYield)),
                ("memory_cost_usd", n(c.silicon.memoryCostUSD)), ("package_and_test_usd", n(c.silicon.packageAndTestUSD)),
                ("nre_per_unit_usd", n(c.silicon.nrePerUnitUSD)),
                ("package", c.silicon.packaging.jsonValue),
            ])),
            ("tco_breakdown_usd_per_hour", .object([
                ("it_capital", n(c.tco.itCapitalUSDPerHour)), ("electricity", n(c.tco.electricityUSDPerHour)),
                ("facility", n(c.tco.facilityUSDPerHour)), ("opex", n(c.tco.opexUSDPerHour)), ("wall_power_w", n(c.tco.wallPowerW)),
            ])),
        ]
        return performance.jsonValue(designHash: designHash, workloadHash: workloadHash,
                                     metrics: MetricCatalogue.all.map { ($0.name, $0.value(self)) }, extra: extra, opEnergyJ: c.opEnergyJ)
    }
}

extension PackagingResult {
    /// The package as JSON (the `silicon.package` object of `spusim run --json`): class, whether
    /// `auto` chose it, interposer area, package cost (test excluded), HBM stacks and shoreline.
    public var jsonValue: JSONValue {
        func n(_ x: Double) -> JSONValue { x.isFinite ? .number(x) : .null }
        return .object([
            ("class", .string(packageClass.rawValue)), ("chosen_automatically", .bool(chosenAutomatically)),
            ("interposer_area_mm2", n(interposerAreaMM2)), ("package_usd", n(packageUSD)),
            ("hbm_stacks", .number(Double(hbmStacks))), ("hbm_stack_capacity", .number(Double(hbmStackCapacity))),
            ("shoreline_needed_mm", n(shorelineNeededMM)), ("shoreline_available_mm", n(shorelineAvailableMM)),
            ("buildable", .bool(buildable)),
        ])
    }
}
