import SPUCore
import SPUCost
import SPUHardware
import SPUPerformance

/// The readable summary `spusim run` prints.
struct RunSummary {
    let result: EvaluationResult
    let cost: CostResult?
    let device: DeviceSpec
    let top: Int

    /// What a compute unit is called for each kind of chip.
    static func unitName(_ kind: DeviceSpec.Kind) -> String {
        switch kind {
        case .spu: return "tiles"
        case .gpu: return "SMs"
        case .cpu: return "cores"
        }
    }

    var text: String {
        let r = result
        var lines: [String] = []
        lines.append("design    \(r.designName) (\(device.kind.rawValue), \(device.compute.unitCount) \(Self.unitName(device.kind)), \(device.processNode))")
        lines.append("workload  \(r.workloadName) (\(r.devices) chip\(r.devices == 1 ? "" : "s"))")
        lines.append("feasible  \(r.feasible ? "yes" : "NO: \(r.reason ?? "")")")
        // An infeasible point cannot run as modelled: like its stored row and its JSON
        // (`Metric.isDefined(feasible:)`), it shows no latency, throughput, utilisation,
        // efficiency or cost per item; the time shares and traffic stay as diagnostics, except for
        // a design that cannot be built, which is not run (`PerformanceModel.notRun`).
        let infeasible = r.feasible ? nil : "\(Formatting.notApplicable) (infeasible)"
        lines.append("latency   " + (infeasible ?? "\(Formatting.seconds(r.latencySeconds)) per iteration"))
        lines.append("throughput " + (infeasible ?? "\(Formatting.si(r.throughputPerSecond)) \(r.throughputUnit)/s"))
        lines.append("MAC utilization \(infeasible ?? Formatting.percent(r.macUtilization)); bound: \(r.bound?.rawValue ?? Formatting.notApplicable)"
                     + (r.mappingObjective == .latency ? "" : "; mappings chosen by \(r.mappingObjective.rawValue)"))
        let shares = Bound.allCases.compactMap { b -> String? in
            guard let t = r.timeByBound[b], t > 0, r.latencySeconds > 0 else { return nil }
            return "\(b.rawValue) \(Formatting.percent(t / r.latencySeconds))"
        }
        lines.append("time by bound: \(shares.isEmpty ? Formatting.notApplicable : shares.joined(separator: ", "))")
        if r.capacity.gradientBytes + r.capacity.optimizerStateBytes > 0 {
            let c = r.capacity
            lines.append("memory    \(Formatting.bytes(c.requiredBytes)) needed of \(Formatting.bytes(c.availableBytes)) (weights \(Formatting.bytes(c.weightBytes)), gradients \(Formatting.bytes(c.gradientBytes)), optimizer states \(Formatting.bytes(c.optimizerStateBytes)), stored activations \(Formatting.bytes(c.activationBytes)))")
        } else {
            lines.append("memory    \(Formatting.bytes(r.capacity.requiredBytes)) needed of \(Formatting.bytes(r.capacity.availableBytes)) (weights \(Formatting.bytes(r.capacity.weightBytes)), KV cache \(Formatting.bytes(r.capacity.kvCacheBytes)))")
        }
        if !r.wasRun {
            lines.append("traffic   \(Formatting.notApplicable) (not run: the design cannot be built)")
        } else {
            lines.append("traffic   off-chip \(Formatting.bytes(r.activity.offchipReadBytes + r.activity.offchipWriteBytes)), NoC \(Formatting.bytes(r.activity.nocByteHops))·hop, chip links \(Formatting.bytes(r.activity.chipLinkBytes))")
        }
        if let c = cost {
            let unit = r.throughputUnit
            if let infeasible {
                lines.append("energy    \(infeasible)")
            } else {
                lines.append("energy    \(Formatting.si(c.energyJ, "J")) per iteration (all chips); \(Formatting.si(c.averagePowerW, "W")) average per chip of \(Formatting.fixed(device.tdpWatts, 0)) W TDP" + (c.throttleFactor < 1 ? "; clock throttled to \(Formatting.fixed(c.throttleFactor * 100, 0))% to fit TDP" : ""))
                let o = c.operatingPoint
                let parts = (CostedEvaluation(performance: r, cost: c).powerBreakdownW ?? []).filter { $0.1 > 0.05 }.map { "\($0.0) \(Formatting.si($0.1, "W"))" }
                lines.append("operating \(Formatting.fixed(o.clockGHz, 3)) GHz at \(Formatting.fixed(o.voltageV, 3)) V, \(Formatting.fixed(o.junctionTemperatureC, 0)) °C; power per chip: \(parts.joined(separator: ", "))")
            }
            // Area and silicon cost are the design's, whether or not this workload fits.
            lines.append("area      \(Formatting.fixed(c.area.effectiveTotalMM2, 0)) mm²" + (c.area.publishedTotalMM2 != nil ? " published (model \(Formatting.fixed(c.area.totalMM2, 0)) mm²)" : "") + " (\(c.area.dies) die\(c.area.dies == 1 ? "" : "s")); die cost $\(Formatting.fixed(c.silicon.dieCostUSD, 0)), manufacturing $\(Formatting.fixed(c.silicon.manufacturingCostUSD, 0)), price $\(Formatting.fixed(c.silicon.priceUSD, 0))")
            let p = c.silicon.packaging
            lines.append("package   \(p.packageClass.rawValue)\(p.chosenAutomatically ? " (auto)" : ""), interposer \(Formatting.fixed(p.interposerAreaMM2, 0)) mm², $\(Formatting.fixed(p.packageUSD, 0))"
                         + (p.hbmStacks > 0 ? "; \(p.hbmStacks) HBM stacks, die edge holds \(p.hbmStackCapacity)" : ""))
            if let infeasible {
                lines.append("TCO       $\(Formatting.fixed(c.tco.totalUSDPerHour, 2))/hour per chip; per million \(unit) and \(unit)/J \(infeasible)")
            } else {
                lines.append("TCO       $\(Formatting.fixed(c.tco.totalUSDPerHour, 2))/hour per chip; $\(c.usdPerMillionItems.isFinite ? String(format: "%.3g", c.usdPerMillionItems) : Formatting.notApplicable) per million \(unit); \(Formatting.si(c.itemsPerJoule)) \(unit)/J")
            }
        }
        guard top > 0 else { return lines.joined(separator: "\n") }
        lines.append("")
        let ranked = r.ops.sorted { $0.latencySeconds * Double($0.repeatCount) > $1.latencySeconds * Double($1.repeatCount) }.prefix(top)
        let rows = ranked.map { op -> [String] in
            let total = op.latencySeconds * Double(op.repeatCount)
            return [op.name, op.kind.rawValue, "\(op.repeatCount)", Formatting.seconds(op.latencySeconds), Formatting.seconds(total),
                    r.latencySeconds > 0 ? Formatting.percent(total / r.latencySeconds) : Formatting.notApplicable, op.bound.rawValue]
        }
        guard r.wasRun else {
            lines.append("top ops by time: \(Formatting.notApplicable) (not run: the design cannot be built)")
            return lines.joined(separator: "\n")
        }
        lines.append("top ops by time:")
        lines.append(Formatting.table(header: ["op", "kind", "repeat", "each", "total", "share", "bound"], rows: rows, rightAligned: [2, 3, 4, 5]))
        return lines.joined(separator: "\n")
    }
}
