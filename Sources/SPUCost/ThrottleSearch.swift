import Foundation

/// The TDP policy's search for the throttled clock (`DesignEvaluator`): the highest clock scale
/// s in [`lowest`, 1] at which a design's average power P(s) stays within its TDP, where every
/// trial s is one full evaluation of the workload (performance model, energy, leakage at the
/// voltage the clock needs).
///
/// It ends with a trial clock scale that keeps within TDP (P ≤ TDP), either within
/// `powerTolerance` of it (P ≥ TDP·(1 − 1e-4)) or with a trial over TDP less than
/// `scaleTolerance` above it: the precision of the 16-step bisection it replaced (whose final
/// width, 0.98/2¹⁶, moved P by about 1e-4), in 2.6 trials on average instead of 17 (shard 7/200
/// of `configs/sweeps/million.json`: 5,199 throttled evaluations, 87 % in ≤ 3 trials).
///
/// - Steps: each trial aims at TDP·(1 − 0.8e-4) (P is convex in s, so aiming from above
///   overshoots; aiming low lands inside the band). The first solves a physical model of P(s)
///   from the nominal evaluation (`ThrottleModel`) scaled by its error there; the second, the
///   model scaled by its error at the first trial; later ones, the model scaled by the line
///   through its errors at the last two trials (a secant on the model's error, which changes
///   slowly where the mappings stay put), or the secant (inverse quadratic interpolation once
///   there are three) through the last trials when the model gives no answer.
/// - Safeguards: a step outside the bracket (the highest trial within TDP below the lowest over
///   it) falls back to regula falsi with the Illinois modification (the end kept twice has its
///   value halved, so neither end stalls), each trial at least `scaleTolerance`/2 inside the
///   bracket; with no trial within TDP after three, `lowest` is tried, and a design over TDP
///   even there is infeasible (as before). Power need not be monotone in s (a mapping can
///   switch between trials): the result is such a crossing whatever the shape.
struct ThrottleSearch<Trial> {
    let tdpW: Double
    let lowest: Double
    /// Relative distance below TDP at which a trial is close enough.
    static var powerTolerance: Double { 1e-4 }
    /// Bracket width in clock scale at which the search stops.
    static var scaleTolerance: Double { 0.98 / 65536 }
    /// More trials than any bracket of width ≤ 1 needs at the minimum step (a safety net).
    static var maximumTrials: Int { 64 }

    enum Outcome {
        /// The chosen scale and its trial.
        case within(scale: Double, trial: Trial)
        /// Even `lowest` is over TDP: the trial at `lowest`.
        case overAtLowest(Trial)
    }

    /// Searches below scale 1, whose power `nominalPowerW` exceeds TDP. `model` is the physical
    /// model of power; `evaluate` runs one trial and reports its power.
    func run(nominalPowerW: Double, model: ThrottleModel?, evaluate: (Double) -> (trial: Trial, powerW: Double)) -> Outcome {
        let tolerance = Self.scaleTolerance, target = tdpW * (1 - 0.8 * Self.powerTolerance)
        var hi = 1.0
        var low: (scale: Double, powerW: Double, trial: Trial)?
        // Illinois weights of the two ends (power over TDP, halved when an end is kept twice).
        var (wLo, wHi) = (0.0, nominalPowerW - tdpW)
        var lastMoved = 0   // -1: lo moved last, +1: hi moved last
        // Every trial so far, the nominal evaluation first, with the ratio of its power to the
        // model's (the model's error there; nil without a model).
        var history: [Probe] = [Probe(scale: 1, powerW: nominalPowerW, ratio: model.map { nominalPowerW / $0.powerW(atScale: 1) })]
        for trials in 1...Self.maximumTrials {
            // The next trial: the model's or the secant's step while it stays inside the bracket,
            // else regula falsi, or `lowest` while no trial kept within TDP (after three tries).
            var x: Double
            let floor = low.map { $0.scale + tolerance / 2 } ?? lowest
            let ceiling = hi - tolerance / 2
            if low != nil || trials <= 3, let s = next(trials: trials, model: model, history: history, target: target), s > floor, s < ceiling {
                x = s
            } else if let low {
                x = low.scale + (hi - low.scale) * (-wLo) / (wHi - wLo)
                x = min(max(x, low.scale + tolerance / 2), hi - tolerance / 2)
            } else {
                x = lowest
            }
            let (trial, power) = evaluate(x)
            history.append(Probe(scale: x, powerW: power, ratio: model.map { power / $0.powerW(atScale: x) }))
            if power <= tdpW {
                low = (x, power, trial)
                wLo = power - tdpW
                if lastMoved == -1 { wHi /= 2 }
                lastMoved = -1
            } else if x <= lowest {
                return .overAtLowest(trial)
            } else {
                (hi, wHi) = (x, power - tdpW)
                if lastMoved == 1 { wLo /= 2 }
                lastMoved = 1
            }
            if let low, tdpW - low.powerW <= Self.powerTolerance * tdpW || hi - low.scale <= tolerance { break }
        }
        guard let low else {
            // Unreachable: the fourth trial without one within TDP is `lowest`, which returns or sets `low`.
            preconditionFailure("the throttle search never tried \(lowest)")
        }
        return .within(scale: low.scale, trial: low.trial)
    }

    /// One evaluated clock scale: its power and the ratio of that to the model's.
    struct Probe {
        var scale: Double
        var powerW: Double
        var ratio: Double?
    }

    /// The model-corrected step (see the type's notes), else the secant through the last two
    /// trials (the nominal evaluation counting as one) or inverse quadratic interpolation through
    /// the last three, aimed at `target`; nil when none gives a number.
    func next(trials: Int, model: ThrottleModel?, history: [Probe], target: Double) -> Double? {
        if let model {
            // The ratio of the last trial (the nominal one at first), then the line through the
            // ratios of the last two trials.
            let ratios = history.suffix(trials <= 2 ? 1 : 2).compactMap { p in p.ratio.map { (scale: p.scale, ratio: $0) } }
            if let s = model.scale(meetingW: target, correction: Self.line(through: ratios[...])) { return s }
        }
        guard history.count >= 2 else { return nil }
        let (a, b) = (history[history.count - 2], history[history.count - 1])
        if history.count >= 3 {
            // Inverse quadratic interpolation through the last three trials (s as a quadratic in P).
            let c = history[history.count - 3]
            let (pa, pb, pc) = (a.powerW, b.powerW, c.powerW)
            if pa != pb, pb != pc, pa != pc {
                let s = c.scale * (target - pa) * (target - pb) / ((pc - pa) * (pc - pb))
                    + a.scale * (target - pb) * (target - pc) / ((pa - pb) * (pa - pc))
                    + b.scale * (target - pa) * (target - pc) / ((pb - pa) * (pb - pc))
                if s.isFinite { return s }
            }
        }
        let slope = (b.powerW - a.powerW) / (b.scale - a.scale)
        guard slope > 0, slope.isFinite else { return nil }
        return b.scale + (target - b.powerW) / slope
    }

    /// The line through two (scale, ratio) points, or the constant of one.
    static func line(through points: ArraySlice<(scale: Double, ratio: Double)>) -> (Double) -> Double {
        guard let last = points.last, last.ratio.isFinite else { return { _ in 1 } }
        guard let first = points.first, points.count == 2, first.scale != last.scale else { return { _ in last.ratio } }
        let slope = (last.ratio - first.ratio) / (last.scale - first.scale)
        return slope.isFinite ? { last.ratio + slope * ($0 - last.scale) } : { _ in last.ratio }
    }
}

/// A physical model of a design's average power at clock scale s, from its nominal evaluation:
/// the time its ops were bound by on-chip resources (compute, SRAM, NoC) growing as 1/s and the
/// rest (off-chip memory, chip links, fixed overheads) staying put, core-supply energy scaling as
/// (V(s)/V_nom)² along the V–f curve, off-chip and SerDes energy unchanged, leakage at V(s). It
/// only proposes trials to `ThrottleSearch`; every reported number comes from a full evaluation.
struct ThrottleModel {
    let energy: EnergyBreakdown
    let latencySeconds: Double
    /// The share of nominal latency that runs on the clock (ops bound by compute, SRAM or NoC).
    let clockedShare: Double
    let supply: SupplyPowerSpec
    let staticPowerW: (_ volts: Double) -> Double

    init?(energy: EnergyBreakdown, latencySeconds: Double, clockedShare: Double, supply: SupplyPowerSpec,
          staticPowerW: @escaping (_ volts: Double) -> Double) {
        guard latencySeconds > 0, latencySeconds.isFinite, energy.totalJ > 0, energy.totalJ.isFinite else { return nil }
        self.energy = energy
        self.latencySeconds = latencySeconds
        self.clockedShare = clockedShare.isFinite ? min(max(clockedShare, 0), 1) : 1
        self.supply = supply
        self.staticPowerW = staticPowerW
    }

    func powerW(atScale s: Double) -> Double { powerW(volts: supply.voltage(forClockScale: s), scale: s) }

    private func powerW(volts: Double, scale: Double) -> Double {
        energy.scalingCoreSupply(by: supply.dynamicEnergyScale(atVoltage: volts)).totalJ
            / (latencySeconds * (clockedShare / scale + 1 - clockedShare)) + staticPowerW(volts)
    }

    /// The clock scale at which modelled power times `correction` is `targetW` (power rises
    /// with the clock and the voltage it needs, the correction changes slowly); nil if not even
    /// the lowest supply gets there or the correction is not positive.
    func scale(meetingW targetW: Double, correction: (Double) -> Double) -> Double? {
        guard targetW.isFinite, targetW > 0 else { return nil }
        let vMin = supply.minimumVoltageV, sMin = supply.clockScale(atVoltage: vMin)
        func corrected(_ volts: Double, _ scale: Double) -> Double {
            let c = correction(scale)
            return c > 0 && c.isFinite ? powerW(volts: volts, scale: scale) * c : .nan
        }
        if !(corrected(vMin, sMin) <= targetW) {
            // Below the lowest supply the clock scales at constant voltage: bisection on s.
            var lo = 0.0, hi = sMin
            for _ in 0..<40 {
                let mid = (lo + hi) / 2
                if !(corrected(vMin, mid) <= targetW) { hi = mid } else { lo = mid }
            }
            return lo > 0 ? lo : nil
        }
        var lo = vMin, hi = supply.nominalVoltageV
        for _ in 0..<40 {
            let mid = (lo + hi) / 2
            if !(corrected(mid, supply.clockScale(atVoltage: mid)) <= targetW) { hi = mid } else { lo = mid }
        }
        return supply.clockScale(atVoltage: lo)
    }
}
