import Foundation
import SPUCore
import SPUFormats
import SPUHardware
import SPUWorkload
import SPUPerformance
import SPUCost

/// One training step of a transformer on a cluster under a parallel layout: Megatron-LM's 3-D
/// parallelism with the 1F1B pipeline schedule (plain or interleaved), sequence parallelism,
/// ZeRO over the data-parallel group and expert parallelism. Per-device compute comes from the
/// design's performance model (`MicroBatchProfile`), communication from the cluster network
/// (`ClusterNetwork`), energy from the design's energy model plus the network's and the hosts',
/// and cost from the TCO rule of `configs/tco` itemised over the cluster. Equations and sources:
/// `docs/training.md`, "Training at scale".
public struct TrainingStepModel: Sendable {
    public let evaluator: DesignEvaluator
    public let cluster: ClusterSpec
    public let network: ClusterNetwork
    public let generator: TrainingGenerator
    public let sequenceLength: Int
    /// Sequences per step, all data-parallel replicas together.
    public let globalBatch: Int

    public init(evaluator: DesignEvaluator, cluster: ClusterSpec, generator: TrainingGenerator, sequenceLength: Int, globalBatch: Int) {
        self.evaluator = evaluator
        self.cluster = cluster
        self.network = ClusterNetwork(cluster: cluster, device: evaluator.device)
        self.generator = generator
        self.sequenceLength = sequenceLength
        self.globalBatch = globalBatch
    }

    public var model: TransformerConfig { generator.forward.model }

    /// Why `layout` cannot be run at all (not a resource limit): degrees that do not divide the
    /// model, the batch or the cluster. Nil when it is a valid layout.
    public func invalidity(_ layout: ParallelLayout) -> String? {
        Self.invalidity(layout, model: model, cluster: cluster, globalBatch: globalBatch)
    }

    /// `invalidity` without a design: it depends only on the model, the cluster's size and the batch
    /// (sweeps check a training scenario's layout against each of its clusters before any design runs).
    public static func invalidity(_ layout: ParallelLayout, model m: TransformerConfig, cluster: ClusterSpec, globalBatch: Int) -> String? {
        if layout.devices > cluster.maxDevices {
            return "tp × pp × dp = \(layout.devices) devices exceeds the cluster's \(cluster.maxDevices)"
        }
        if m.attentionHeads % layout.tensor != 0 { return "tp=\(layout.tensor) must divide the \(m.attentionHeads) attention heads" }
        if layout.pipeline > m.layers { return "pp=\(layout.pipeline) exceeds the model's \(m.layers) layers" }
        if layout.interleave > 1 {
            if layout.pipeline == 1 { return "interleaving (v=\(layout.interleave)) needs pipeline parallelism" }
            if m.layers % (layout.pipeline * layout.interleave) != 0 {
                return "pp × v = \(layout.pipeline * layout.interleave) must divide the \(m.layers) layers for the interleaved schedule"
            }
        }
        let replicas = layout.data * layout.microBatch
        if globalBatch % replicas != 0 { return "global batch \(globalBatch) is not a multiple of dp × micro-batch = \(replicas)" }
        let microBatches = globalBatch / replicas
        if layout.interleave > 1, microBatches % layout.pipeline != 0 {
            return "the interleaved schedule needs the \(microBatches) micro-batches to be a multiple of pp=\(layout.pipeline)"
        }
        if layout.expert > 1 {
            if !m.isMoE { return "ep=\(layout.expert) needs a mixture-of-experts model" }
            if m.experts % layout.expert != 0 { return "ep=\(layout.expert) must divide the \(m.experts) experts" }
            if layout.data % layout.expert != 0 { return "ep=\(layout.expert) must divide dp=\(layout.data) (experts are split over data-parallel ranks)" }
        }
        return nil
    }

    /// The profile of one micro-batch for `layout`'s tensor degree, micro-batch, recomputation and sequence parallelism.
    public func profile(for layout: ParallelLayout) throws(WorkloadGeneratorError) -> MicroBatchProfile {
        try MicroBatchProfile.evaluate(generator: generator, microBatch: layout.microBatch, sequenceLength: sequenceLength,
                                       tensorParallel: layout.tensor, recompute: layout.recompute, sequenceParallel: layout.sequenceParallel,
                                       evaluator: evaluator, network: network)
    }

    /// Evaluates one step; throws when the layout is invalid (`invalidity`) or the trace cannot be generated.
    public func evaluate(_ layout: ParallelLayout) throws(LayoutError) -> TrainingStepResult {
        if let why = invalidity(layout) { throw LayoutError(why) }
        let profile: MicroBatchProfile
        do { profile = try self.profile(for: layout) } catch { throw LayoutError(error.description) }
        return evaluate(layout, profile: profile)
    }

    /// Evaluates one step of a valid `layout` from its micro-batch profile.
    public func evaluate(_ layout: ParallelLayout, profile pr: MicroBatchProfile) -> TrainingStepResult {
        let m = model, device = evaluator.device
        let tp = layout.tensor, pp = layout.pipeline, dp = layout.data, v = layout.interleave
        let n = layout.devices
        let microBatches = globalBatch / (dp * layout.microBatch)

        // Layers per stage: the first L mod p stages take one more.
        let stageLayers = (0..<pp).map { m.layers / pp + ($0 < m.layers % pp ? 1 : 0) }
        let expertShare = 1 / Double(layout.expert)
        func stageParameters(_ i: Int) -> Double {
            Double(stageLayers[i]) * (pr.denseParametersPerLayer + pr.expertParametersPerLayer * expertShare)
                + (i == 0 ? pr.embeddingParameters : 0) + (i == pp - 1 ? pr.headParameters : 0)
        }

        // Memory: model states (ZeRO over dp) and stored activations of the first and last stages.
        let inFlight = Double(min(pp, microBatches))
        let interleaveFactor = v > 1 ? 1 + Double(pp - 1) / Double(pp * v) : 1   // Korthikanti et al. §4.2.3
        func stageMemory(_ i: Int) -> TrainingMemoryBytes {
            var bytes = TrainingMemory.modelStates(parameters: stageParameters(i), dataParallel: dp, stage: layout.zero,
                                                   weightBytesPerParameter: pr.weightBytesPerParameter, gradientBytesPerParameter: pr.gradientBytesPerParameter,
                                                   optimizerBytesPerParameter: pr.optimizerBytesPerParameter)
            let held = i == 0 ? inFlight * interleaveFactor : max(1, inFlight - Double(i))
            bytes.activationBytes = Double(stageLayers[i]) * pr.activationBytesPerLayer * held
                + TrainingMemory.embeddingAndOutputBytes(model: m, sequence: sequenceLength, microBatch: layout.microBatch, tensorParallel: tp,
                                                         microBatchesInFlight: i == 0 ? Int(inFlight) : 0, holdsOutputLayer: i == pp - 1)
            return bytes
        }
        let memory = [0, pp - 1].map(stageMemory).max { $0.totalBytes < $1.totalBytes }!
        let capacity = device.memory.offchip.capacityBytes
        var reasons: [String] = []
        if let why = pr.infeasibleReason { reasons.append(why) }
        if memory.totalBytes > capacity {
            reasons.append("the step needs \(Self.gigabytes(memory.totalBytes)) GB per device (weights \(Self.gigabytes(memory.weightBytes)) + gradients \(Self.gigabytes(memory.gradientBytes)) + optimizer states \(Self.gigabytes(memory.optimizerStateBytes)) + stored activations \(Self.gigabytes(memory.activationBytes)) GB, \(layout)) but \(device.name) has \(Self.gigabytes(capacity)) GB")
        }
        var result = TrainingStepResult(
            design: device.name, cluster: cluster.name, model: generator.forward.modelName, layout: layout, devices: n,
            nodes: (n + cluster.devicesPerNode - 1) / cluster.devicesPerNode, globalBatch: globalBatch, sequenceLength: sequenceLength,
            microBatches: microBatches, feasible: reasons.isEmpty, reason: reasons.isEmpty ? nil : reasons.joined(separator: "; "),
            memoryPerDevice: memory, capacityBytesPerDevice: capacity)
        guard reasons.isEmpty else { return result }

        // Per micro-batch costs of each stage: compute, tensor-parallel collectives, expert all-to-alls, pipeline sends.
        let bytesPerElement = pr.communicationBytesPerElement
        let tokensPerDevice = Double(sequenceLength * layout.microBatch) / Double(tp)
        var allToAllSeconds = 0.0, allToAllJoules = 0.0
        if layout.expert > 1 {
            // Dispatch and combine in the forward, their transposes in the backward, again if the layer is recomputed.
            let passes: Double = layout.recompute == .full ? 6 : 4
            let bytes = tokensPerDevice * Double(m.expertsPerToken) * Double(m.hiddenSize) * bytesPerElement
            let a2a = network.cost(.allToAll, bytes: bytes, size: layout.expert, stride: tp)
            allToAllSeconds = passes * a2a.seconds
            allToAllJoules = passes * network.energy(a2a, chipLinkJoulesPerByte: evaluator.chipLinkJoulesPerByte)
        }
        var sendSeconds = 0.0, sendJoules = 0.0
        if pp > 1 {
            // Activations forward and their gradients backward, once per model chunk, split over the
            // tensor-parallel group (Megatron's scatter-gather, Narayanan et al. §4.1).
            let bytes = tokensPerDevice * Double(m.hiddenSize) * bytesPerElement
            let send = network.cost(.sendReceive, bytes: bytes, size: pp, stride: tp * dp)
            sendSeconds = 2 * Double(v) * send.seconds
            sendJoules = 2 * Double(v) * network.energy(send, chipLinkJoulesPerByte: evaluator.chipLinkJoulesPerByte)
        }
        struct Stage { var compute = 0.0, tensorParallel = 0.0, expert = 0.0, send = 0.0, joules = 0.0, networkJoules = 0.0, backward = 0.0, forward = 0.0
            var total: Double { compute + tensorParallel + expert + send } }
        let stages: [Stage] = (0..<pp).map { i in
            let l = Double(stageLayers[i])
            var s = Stage()
            var passes = [(pr.layerForward, l), (pr.layerBackward, l)]
            if i == 0 { passes += [(pr.embeddingForward, 1), (pr.embeddingBackward, 1)] }
            if i == pp - 1 { passes += [(pr.headForward, 1), (pr.headBackward, 1)] }
            for (cost, times) in passes {
                s.compute += (cost.seconds - cost.collectiveSeconds) * times
                s.tensorParallel += cost.collectiveSeconds * times
                s.joules += (cost.joules - cost.collectiveJoules) * times
                s.networkJoules += cost.collectiveJoules * times
            }
            s.forward = pr.layerForward.seconds * l + (i == 0 ? pr.embeddingForward.seconds : 0) + (i == pp - 1 ? pr.headForward.seconds : 0)
            s.backward = pr.layerBackward.seconds * l + (i == 0 ? pr.embeddingBackward.seconds : 0) + (i == pp - 1 ? pr.headBackward.seconds : 0)
            if m.isMoE { s.expert = allToAllSeconds * l; s.networkJoules += allToAllJoules * l }
            s.send = pp > 1 ? sendSeconds : 0
            s.networkJoules += pp > 1 ? sendJoules : 0
            return s
        }
        let slowest = stages.max { $0.total < $1.total }!
        let meanStage = stages.reduce(0) { $0 + $1.total } / Double(pp)
        let mb = Double(microBatches)
        let bubble = Double(pp - 1) / Double(v) * meanStage
        let pipelineSeconds = mb * slowest.total + bubble

        // Data parallelism: gradient reduction (and ZeRO's parameter gathers) of the fullest stage.
        let denseParameters = (0..<pp).map { stageParameters($0) - Double(stageLayers[$0]) * pr.expertParametersPerLayer * expertShare }.max()!
        let expertParameters = Double(stageLayers.max()!) * pr.expertParametersPerLayer * expertShare
        var dpSeconds = 0.0, dpExposed = 0.0, dpJoules = 0.0
        let groups: [(parameters: Double, size: Int, stride: Int)] = [(denseParameters, dp, tp), (expertParameters, dp / layout.expert, tp * layout.expert)]
        let chipLink = evaluator.chipLinkJoulesPerByte
        let layersOfStage = Double(max(1, stageLayers.max()!))
        for g in groups where g.size > 1 && g.parameters > 0 {
            let bytes = g.parameters * pr.gradientBytesPerParameter
            func priced(_ c: ClusterNetwork.Collective) -> Double {
                let cost = network.cost(c, bytes: bytes, size: g.size, stride: g.stride)
                dpJoules += network.energy(cost, chipLinkJoulesPerByte: chipLink)
                return cost.seconds
            }
            // Hidden under `window` where the schedule overlaps, except the last layer's share.
            func exposed(_ seconds: Double, window: Double) -> Double {
                layout.overlapDataParallel ? max(seconds - window, seconds / layersOfStage) : seconds
            }
            switch layout.zero {
            case .none:
                let reduce = priced(.allReduce)
                dpSeconds += reduce
                dpExposed += exposed(reduce, window: slowest.backward)
            case .optimizerStates, .gradients:
                let scatter = priced(.reduceScatter), gather = priced(.allGather)
                dpSeconds += scatter + gather
                dpExposed += exposed(scatter, window: slowest.backward) + exposed(gather, window: slowest.forward)
            case .parameters:
                // Parameters gathered before each micro-batch's forward and backward, gradients scattered once.
                let gather = priced(.allGather)
                dpJoules += network.energy(network.cost(.allGather, bytes: bytes, size: g.size, stride: g.stride), chipLinkJoulesPerByte: chipLink) * (2 * mb - 1)
                let scatter = priced(.reduceScatter)
                dpSeconds += 2 * mb * gather + scatter
                dpExposed += mb * (exposed(gather, window: slowest.forward) + exposed(gather, window: slowest.backward)) + exposed(scatter, window: slowest.backward)
            }
        }

        // Optimizer over the device's shard of the fullest stage.
        let shard = layout.zero == .none ? 1 : 1 / Double(dp)
        let optimizerScale = pr.traceParameters > 0 ? (0..<pp).map(stageParameters).max()! / pr.traceParameters * shard : 0
        let optimizerSeconds = pr.optimizer.seconds * optimizerScale
        let step = pipelineSeconds + dpExposed + optimizerSeconds

        let tokens = Double(globalBatch * sequenceLength)
        let modelFLOPs = pr.modelFLOPs * Double(tp) * Double(microBatches) * Double(dp)   // every layer once per sequence
        let perDeviceFLOPs = modelFLOPs / (step * Double(n))
        result.time = TrainingStepTime(
            stepSeconds: step, computeSeconds: mb * slowest.compute, tensorParallelSeconds: mb * slowest.tensorParallel,
            expertParallelSeconds: mb * slowest.expert, pipelineSendSeconds: mb * slowest.send, bubbleSeconds: bubble,
            dataParallelExposedSeconds: dpExposed, dataParallelSeconds: dpSeconds, optimizerSeconds: optimizerSeconds,
            tokensPerSecond: tokens / step, modelFLOPsPerStep: modelFLOPs, mfu: perDeviceFLOPs / pr.peakFLOPsPerSecond,
            modelFLOPsPerSecondPerDevice: perDeviceFLOPs, clockScale: pr.clockScale)

        // Energy: every stage's devices run every micro-batch; leakage and infrastructure over the whole step.
        let perStageDevices = Double(tp * dp)
        var deviceJoules = stages.reduce(0) { $0 + $1.joules } * mb * perStageDevices
        deviceJoules += pr.optimizer.joules * optimizerScale * Double(n)
        deviceJoules += pr.staticPowerW * step * Double(n)
        let networkJoules = stages.reduce(0) { $0 + $1.networkJoules } * mb * perStageDevices + dpJoules * Double(n)
        let infrastructureW = infrastructurePowerW(devices: n)
        let infrastructureJoules = infrastructureW * step
        let it = deviceJoules + networkJoules + infrastructureJoules
        let tco = evaluator.inputs.tco
        let provisioned = Double(n) * device.tdpWatts + infrastructureW
        result.energy = TrainingStepEnergy(
            deviceJoules: deviceJoules, networkJoules: networkJoules, infrastructureJoules: infrastructureJoules,
            facilityJoules: it * tco.pue, averageITPowerW: it / step, provisionedITPowerW: provisioned,
            facilityJoulesPerToken: it * tco.pue / tokens)

        let capex = capexUSD(devices: n)
        let usdPerHour = Self.usdPerHour(capexUSD: capex, averageITPowerW: it / step, provisionedITPowerW: provisioned, parameters: tco)
        result.cost = TrainingStepCost(capexUSD: capex, usdPerHour: usdPerHour, usdPerStep: usdPerHour * step / 3600,
                                       usdPerMillionTokens: usdPerHour * step / 3600 / tokens * 1e6)
        return result
    }

    /// Hosts, NICs and switches of `devices` accelerators, watts.
    public func infrastructurePowerW(devices n: Int) -> Double { Self.infrastructurePowerW(cluster: cluster, devices: n) }

    public static func infrastructurePowerW(cluster: ClusterSpec, devices n: Int) -> Double {
        let nodes = Double((n + cluster.devicesPerNode - 1) / cluster.devicesPerNode)
        let perDevice = cluster.scaleUp.switchWattsPerDevice + cluster.scaleOut.reduce(0) { $0 + $1.nicWattsPerDevice + $1.switchWattsPerDevice }
        return nodes * cluster.host.watts + Double(n) * perDevice
    }

    /// Accelerators at the design's price, hosts, NICs and switches, USD.
    public func capexUSD(devices n: Int) -> Double {
        Self.capexUSD(cluster: cluster, devicePriceUSD: evaluator.silicon.priceUSD, devices: n)
    }

    public static func capexUSD(cluster: ClusterSpec, devicePriceUSD: Double, devices n: Int) -> Double {
        let nodes = Double((n + cluster.devicesPerNode - 1) / cluster.devicesPerNode)
        let perDevice = devicePriceUSD + cluster.scaleUp.switchUSDPerDevice
            + cluster.scaleOut.reduce(0) { $0 + $1.nicUSDPerDevice + $1.switchUSDPerDevice }
        return Double(n) * perDevice + nodes * cluster.host.usd
    }

    /// The TCO rule of `configs/tco` over an itemised capex: capital recovery over the hardware's
    /// life, electricity at the average IT power × PUE (a training cluster runs at its load, so no
    /// load fraction), the facility's capital per MW of provisioned IT power, and operations.
    public static func usdPerHour(capexUSD capex: Double, averageITPowerW: Double, provisionedITPowerW: Double, parameters p: TCOParameters) -> Double {
        let hours = TCOModel.hoursPerYear
        let capital = capex * TCOModel.capitalRecoveryFactor(rate: p.costOfCapital, years: p.depreciationYears) / hours
        let electricity = averageITPowerW / 1000 * p.pue * p.usdPerKWh
        let facility = p.facilityCapexUSDPerMWIT * provisionedITPowerW / 1e6
            * TCOModel.capitalRecoveryFactor(rate: p.costOfCapital, years: p.facilityDepreciationYears) / hours
        let operations = p.opexFractionOfCapexPerYear * capex / hours
        return capital + electricity + facility + operations
    }

    static func gigabytes(_ bytes: Double) -> String {
        let gb = bytes / Units.giga
        return gb >= 100 ? JSONWriter.formatNumber(gb.rounded()) : JSONWriter.formatNumber((gb * 10).rounded() / 10)
    }
}
