import SPUCore
import SPUHardware
import SPUWorkload

/// Prices softmax, normalisation, elementwise and embedding ops on the vector units.
///
/// Work is spread evenly over all units. Compute time is vector ops over the chip's vector
/// throughput; data (inputs and output) streams through local SRAM, over the NoC from the edge
/// (or crossbar ports) and, for weights, KV cache and activations too large to stay on chip,
/// from off-chip memory. An embedding reads only the gathered rows of its table.
struct VectorOpModel {
    let geometry: DeviceGeometry

    /// Spreads the op over as many units as have work for all their lanes, or over a power-of-two
    /// subset when fewer units on a compact sub-mesh are faster (short ops on a large mesh).
    func evaluate(_ op: Op) -> (times: BoundTimes, activity: ActivityCounts) { evaluate(op, OpFacts(op)) }

    /// `evaluate` of an op with its `OpFacts`.
    func evaluate(_ op: Op, _ facts: OpFacts) -> (times: BoundTimes, activity: ActivityCounts) {
        let traffic = Traffic(op, facts, geometry)
        // Clamped in Double before converting: output elements over lanes can exceed Int's range.
        let needed = Int(max(1, min(Double(geometry.units), (facts.outputElements / geometry.vectorLanesPerUnit).rounded(.up))))
        // The unit counts are compared by their times alone; the activity (a function of the
        // unit count too) is built once, for the one kept.
        var best = times(traffic, unitsUsed: needed), bestUnits = needed
        var candidate = 1
        while candidate < needed {
            let trial = times(traffic, unitsUsed: candidate)
            if trial.latencySeconds < best.latencySeconds { (best, bestUnits) = (trial, candidate) }
            candidate *= 2
        }
        return (best, activity(traffic, unitsUsed: bestUnits))
    }

    /// What an op moves and computes, whatever the number of units it runs on.
    private struct Traffic {
        var vectorOps: Double
        var outBytes: Double
        var readBytes: Double
        var offRead: Double
        var offWrite: Double
        var offchipBytesPerSecond: Double
        var kernelStart: Double

        init(_ op: Op, _ facts: OpFacts, _ g: DeviceGeometry) {
            vectorOps = facts.outputElements * op.opsPerElement
            outBytes = facts.outputBytes
            var readBytes = 0.0, offRead = 0.0
            for (index, input) in op.inputs.enumerated() {
                // An embedding gathers output-many elements from its table, not the whole table.
                let bytes = op.kind == .embedding ? facts.outputElements * input.format.bytesPerElement : facts.inputBytes[index]
                readBytes += bytes
                if g.isOffchip(role: input.role, bytes: op.kind == .embedding ? .infinity : facts.inputBytes[index]) { offRead += bytes }
            }
            self.readBytes = readBytes
            self.offRead = offRead
            offWrite = outBytes > g.activationBudgetBytes ? outBytes : 0
            offchipBytesPerSecond = g.achievedOffchipBytesPerSecond(op, facts)
            kernelStart = g.kernelStartSeconds(op, facts)
        }
    }

    /// NoC byte-hops of the op's data on `place`.
    @inline(__always)
    private func byteHops(_ t: Traffic, _ place: DeviceGeometry.Placement) -> Double {
        let moved = t.readBytes + t.outBytes
        return geometry.isCrossbar ? moved : moved * place.averageHopsFromEdge
    }

    /// Time on every resource of the op spread over `unitsUsed` units.
    private func times(_ t: Traffic, unitsUsed: Int) -> BoundTimes {
        let vectorOps = t.vectorOps
        let units = Double(unitsUsed)
        let place = geometry.placement(unitsUsed: unitsUsed)
        let outBytes = t.outBytes, readBytes = t.readBytes, offRead = t.offRead, offWrite = t.offWrite
        var times = BoundTimes()
        times.compute = vectorOps / (geometry.vectorOpsPerSecondPerUnit * units)
        times.sram = max(readBytes * 2 / (units * geometry.localReadBytesPerSecond), outBytes * 2 / (units * geometry.localWriteBytesPerSecond))
        let moved = readBytes + outBytes
        if geometry.isCrossbar {
            times.noc = moved / (units * geometry.linkBytesPerSecond)
        } else {
            times.noc = max(moved / (place.edgePorts * geometry.linkBytesPerSecond), byteHops(t, place) / (place.links * geometry.linkBytesPerSecond))
        }
        if geometry.sharedCapacityBytes != nil { times.sram = max(times.sram, moved / geometry.sharedBytesPerSecond) }
        times.offchip = (offRead + offWrite) / t.offchipBytesPerSecond
        times.overhead = t.kernelStart + geometry.localLatencySeconds + place.averageHopsFromEdge * geometry.hopLatencySeconds
            + (offRead > 0 ? geometry.offchipLatencySeconds : 0)
        return times
    }

    /// The activity of the op spread over `unitsUsed` units.
    private func activity(_ t: Traffic, unitsUsed: Int) -> ActivityCounts {
        let vectorOps = t.vectorOps
        let outBytes = t.outBytes, readBytes = t.readBytes, offRead = t.offRead, offWrite = t.offWrite
        let byteHops = byteHops(t, geometry.placement(unitsUsed: unitsUsed))
        var activity = ActivityCounts()
        activity.vectorOps = vectorOps
        activity.localSRAMReadBytes = readBytes + outBytes
        activity.localSRAMWriteBytes = readBytes + outBytes
        if geometry.sharedCapacityBytes != nil {
            activity.sharedSRAMReadBytes = readBytes
            activity.sharedSRAMWriteBytes = outBytes
        }
        activity.offchipReadBytes = offRead
        activity.offchipWriteBytes = offWrite
        activity.nocByteHops = byteHops
        return activity
    }
}

/// Prices collectives over the chips of a tensor-parallel group.
///
/// Ring (NCCL): all-reduce moves 2(N−1)/N of the tensor through each chip's links in 2(N−1)
/// steps; all-gather and reduce-scatter move (N−1)/N in N−1 steps. Each step pays the link
/// latency, plus one kernel launch. Low-latency all-reduce (serving stacks' one-/two-shot kernel,
/// `LowLatencyAllReduceSpec`): its fitted fixed time plus 2(N−1)/N of the tensor at its fitted
/// bandwidth. `CollectiveAlgorithm.auto` takes the faster where the message fits its buffer.
struct CollectiveModel {
    let linkBytesPerSecond: Double
    let linkLatencySeconds: Double
    let launchOverheadSeconds: Double
    /// Achieved fraction of link bandwidth for a message size (measured curve or constant).
    let efficiency: @Sendable (Double) -> Double
    let lowLatencyAllReduce: LowLatencyAllReduceSpec?

    func evaluate(_ op: Op) -> (times: BoundTimes, activity: ActivityCounts, feasible: Bool) { evaluate(op, OpFacts(op)) }

    /// `evaluate` of an op with its `OpFacts`.
    func evaluate(_ op: Op, _ facts: OpFacts) -> (times: BoundTimes, activity: ActivityCounts, feasible: Bool) {
        let n = Double(op.groupSize)
        var activity = ActivityCounts()
        guard op.groupSize > 1 else { return (BoundTimes(), activity, true) }
        guard linkBytesPerSecond > 0 else { return (BoundTimes(), activity, false) }
        let bytes = max(facts.outputBytes, facts.inputBytes[0])
        if op.kind == .allReduce { activity.vectorOps = facts.outputElements * (n - 1) / n }

        let ring = ringTimes(op.kind, bytes: bytes, n: n)
        if op.kind == .allReduce, op.collectiveAlgorithm != .ring, let lowLatency = lowLatencyAllReduce,
           op.collectiveAlgorithm == .lowLatency || bytes <= lowLatency.maxBytes(groupSize: op.groupSize) {
            var fast = BoundTimes()
            let traffic = lowLatency.trafficBytes(bytes, groupSize: op.groupSize)
            fast.chiplink = traffic / lowLatency.bytesPerSecond
            fast.overhead = lowLatency.fixedSeconds(groupSize: op.groupSize)
            if op.collectiveAlgorithm == .lowLatency || fast.latencySeconds < ring.times.latencySeconds {
                activity.chipLinkBytes = traffic
                return (fast, activity, true)
            }
        }
        activity.chipLinkBytes = ring.sent
        return (ring.times, activity, true)
    }

    private func ringTimes(_ kind: OpKind, bytes: Double, n: Double) -> (times: BoundTimes, sent: Double) {
        let (fraction, steps): (Double, Double)
        switch kind {
        case .allReduce: (fraction, steps) = (2 * (n - 1) / n, 2 * (n - 1))
        default: (fraction, steps) = ((n - 1) / n, n - 1)
        }
        var times = BoundTimes()
        let sent = bytes * fraction
        times.chiplink = sent / (linkBytesPerSecond * efficiency(bytes))
        times.overhead = launchOverheadSeconds + steps * linkLatencySeconds
        return (times, sent)
    }
}
