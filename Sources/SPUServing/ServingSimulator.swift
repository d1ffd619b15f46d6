import HeapModule
import SPUCost
import SPUWorkload

/// A discrete-event simulation of LLM serving at request level (the shape of Vidur, DistServe and
/// Splitwise, on SPUSim's own performance and power models, so it serves on chips that do not
/// exist yet).
///
/// Requests arrive (`RequestSource`), a router sends each to the replica of the entry pool with
/// the fewest outstanding requests (or, past the queue limit, turns it away), and each replica runs iterations back to back while it has
/// work: its scheduler (`Replica`, `BatchingPolicy`) picks decodes and prefill chunks within the
/// token budget and the KV-cache blocks (`ReplicaMemory`), preempting when blocks run out; the
/// iteration takes the kernel time of `IterationCostModel` plus the engine's host time
/// (`EngineProfile`). In a disaggregated system a finished prefill's KV cache moves to the decode
/// replica with the fewest outstanding requests over `KVTransferLink`, one transfer at a time per
/// decode replica, and its prefill blocks are freed when it lands.
///
/// Energy: each iteration's modelled energy (dynamic and leakage, after the TDP policy), the
/// engine's time at the iteration's power, and leakage of every chip whenever it runs nothing
/// (idle, swap copies, waiting for KV transfers), up to the last request's completion.
public struct ServingSimulator {
    public let system: ServingSystem

    public init(system: ServingSystem) {
        self.system = system
    }

    /// Runs every request to completion and reports. Throws for bad input (`.invalid`) and for a
    /// design that cannot serve the model (`.infeasible`, with the evaluator's reason).
    public func run(_ source: RequestSource) throws(ServingError) -> ServingReport {
        let requests = source.requests()
        guard !requests.isEmpty else { throw .invalid("there are no requests to serve") }
        if case let .generated(.closedLoop(concurrency), _, _, _, _) = source {
            return try run(requests: requests, concurrency: concurrency)
        }
        return try run(requests: requests)
    }

    /// Serves `offered` in arrival order; with `concurrency`, as that many closed-loop clients (the
    /// first `concurrency` requests at time zero, each later one when an earlier one completes or
    /// is turned away; the offered arrival times are then ignored).
    public func run(requests offered: [ServingRequest], concurrency: Int? = nil) throws(ServingError) -> ServingReport {
        if let concurrency, concurrency < 1 { throw .invalid("the concurrency must be at least 1, got \(concurrency)") }
        let s = system
        _ = try s.scheduler.validated()
        guard !offered.isEmpty else { throw .invalid("there are no requests to serve") }
        // Requests built in code skip the readers' length limits: check them here, so sums cannot overflow.
        let limit = LengthDistribution.maximumTokens
        guard offered.allSatisfy({ (1...limit).contains($0.inputTokens) && (1...limit).contains($0.outputTokens) }) else {
            throw .invalid("every request needs 1 to \(limit) input and output tokens")
        }
        guard offered.allSatisfy({ $0.arrivalSeconds.isFinite && $0.arrivalSeconds >= 0 }) else {
            throw .invalid("arrival times must be finite and not negative")
        }
        let longest = offered.map { $0.inputTokens + $0.outputTokens }.max() ?? 0
        guard longest <= s.model.maxPositions else {
            throw .invalid("a request of \(longest) tokens (prompt + output) is longer than the model's context, \(s.model.maxPositions) tokens (max_position_embeddings)")
        }
        let generator = TransformerGenerator(model: s.model, modelName: s.modelName, recipe: s.recipe)
        var replicas: [Replica] = []
        func addPool(_ pool: ServingPool, role: ReplicaRole) throws(ServingError) {
            guard (1...4096).contains(pool.replicas) else { throw .invalid("replicas per pool must be in [1, 4096], got \(pool.replicas)") }
            guard pool.tensorParallel == 1 || pool.evaluator.device.chipLinks.count > 0 else {
                throw .infeasible(design: pool.evaluator.device.name, reason: "tensor parallel \(pool.tensorParallel) needs chip links, and the design has none")
            }
            let memory = try ReplicaMemory(generator: generator, device: pool.evaluator.device, tensorParallel: pool.tensorParallel, scheduler: s.scheduler)
            let needed = memory.blocks(forTokens: longest)
            guard needed <= memory.blocks else {
                throw .infeasible(design: pool.evaluator.device.name, reason: "a \(longest)-token request needs \(needed) KV blocks and one replica holds \(memory.blocks) (\(memory.tokenCapacity) tokens)")
            }
            let costs = IterationCostModel(evaluator: pool.evaluator, generator: generator, tensorParallel: pool.tensorParallel, significantBits: s.scheduler.bucketBits)
            for _ in 0..<pool.replicas {
                replicas.append(Replica(index: replicas.count, role: role, costModel: costs, memory: memory, chips: pool.tensorParallel,
                                        staticPowerWPerChip: pool.evaluator.staticPowerW, options: s.scheduler))
            }
        }
        try addPool(s.prefill, role: s.decode == nil ? .both : .prefill)
        let entryCount = replicas.count
        if let decode = s.decode { try addPool(decode, role: .decode) }
        var state = SimulationState(requests: offered.map(RequestState.init), replicas: replicas, entryReplicas: 0..<entryCount,
                                    decodeReplicas: entryCount..<replicas.count, system: s)
        if let concurrency {
            state.arrivals = offered.indices.map { $0 < concurrency ? 0 : .infinity }
            state.released = min(concurrency, offered.count)
            for i in offered.indices { state.requests[i].arrival = state.arrivals[i] }
        } else {
            state.arrivals = offered.map(\.arrivalSeconds)
            state.released = offered.count
        }
        try state.simulate()
        return ServingReport(system: s, requests: state.requests, replicas: state.replicas, makespanSeconds: state.now)
    }
}

/// A pending event: an iteration ends, an idle replica is woken, or a KV cache lands.
struct ServingEvent: Comparable {
    enum Kind { case iterationDone, kick, transferDone(request: Int, from: Int) }
    var time: Double
    var sequence: Int
    var replica: Int
    var kind: Kind

    static func < (a: ServingEvent, b: ServingEvent) -> Bool { (a.time, a.sequence) < (b.time, b.sequence) }
    static func == (a: ServingEvent, b: ServingEvent) -> Bool { a.time == b.time && a.sequence == b.sequence }
}

/// The mutable state of one simulation run and its event loop.
struct SimulationState {
    var requests: [RequestState]
    var replicas: [Replica]
    let entryReplicas: Range<Int>
    let decodeReplicas: Range<Int>
    let system: ServingSystem
    var events = Heap<ServingEvent>()
    var sequence = 0
    var now = 0.0
    /// Arrival time of each request, in order; a closed loop sets a request's when it is released.
    var arrivals: [Double] = []
    /// Requests whose arrival time is set (all of them unless a closed loop holds some back).
    var released = 0

    init(requests: [RequestState], replicas: [Replica], entryReplicas: Range<Int>, decodeReplicas: Range<Int>, system: ServingSystem) {
        self.requests = requests
        self.replicas = replicas
        self.entryReplicas = entryReplicas
        self.decodeReplicas = decodeReplicas
        self.system = system
    }

    mutating func push(_ time: Double, _ replica: Int, _ kind: ServingEvent.Kind) {
        sequence += 1
        events.insert(ServingEvent(time: time, sequence: sequence, replica: replica, kind: kind))
    }

    /// The replica of `range` with the fewest outstanding requests (the lowest index on ties).
    func leastLoaded(_ range: Range<Int>) -> Int {
        var best = range.lowerBound
        for i in range where replicas[i].outstanding < replicas[best].outstanding { best = i }
        return best
    }

    /// Wakes an idle replica that has work, after every event at this instant (so requests that
    /// arrive together are batched together).
    mutating func wake(_ r: Int) {
        let replica = replicas[r]
        guard !replica.busy, !replica.kickPending, replica.hasWork else { return }
        replica.kickPending = true
        push(now, r, .kick)
    }

    /// A closed-loop client whose request has completed or was turned away sends the next one now.
    mutating func releaseNext() {
        guard released < arrivals.count else { return }
        arrivals[released] = now
        requests[released].arrival = now
        released += 1
    }

    mutating func simulate() throws(ServingError) {
        var next = 0
        while true {
            let arrival = next < released ? arrivals[next] : .infinity
            let event = events.min
            if arrival.isFinite, arrival <= (event?.time ?? .infinity) {
                now = arrival
                let r = leastLoaded(entryReplicas)
                if let limit = system.scheduler.maxQueuedRequests, replicas[r].waiting.count >= limit {
                    requests[next].stage = .rejected
                    next += 1
                    releaseNext()
                    continue
                }
                requests[next].replica = r
                replicas[r].outstanding += 1
                replicas[r].waiting.append(next)
                next += 1
                wake(r)
                continue
            }
            guard let e = events.popMin() else { break }
            now = e.time
            switch e.kind {
            case .kick:
                replicas[e.replica].kickPending = false
                if !replicas[e.replica].busy { try startIteration(e.replica) }
            case .iterationDone:
                completeIteration(e.replica)
                try startIteration(e.replica)
            case let .transferDone(id, from):
                let source = replicas[from]
                source.freeBlocks += requests[id].blocks
                requests[id].blocks = 0
                requests[id].stage = .waiting
                replicas[e.replica].waiting.append(id)
                wake(e.replica)
                wake(from)
            }
        }
    }

    mutating func startIteration(_ r: Int) throws(ServingError) {
        let replica = replicas[r]
        let (batch, swapBytes) = replica.schedule(&requests)
        guard !batch.isEmpty else { replica.busy = false; return }
        let cost = try replica.costModel.cost(batch)
        // The engine's time runs on the chips at the iteration's power (kernels the trace does not
        // list, launch gaps); swap copies wait at leakage.
        let busy = system.engine.iterationSeconds(deviceSeconds: cost.deviceSeconds, sequences: batch.sequences, layers: system.model.layers)
        let wall = busy + swapBytes / system.scheduler.swapBytesPerSecond
        replica.busy = true
        replica.iterations += 1
        replica.energyJ += cost.energyJ + cost.powerWPerChip * Double(replica.chips) * (busy - cost.deviceSeconds)
        replica.deviceSeconds += busy
        var tokens = 0
        for work in replica.plan {
            let id = work.request
            if requests[id].startedOn != r {
                requests[id].startedOn = r
                replica.lastAdmissionSeconds = now
            }
            if work.tokens == 0 || requests[id].prefilled + work.tokens >= requests[id].prefillTarget { tokens += 1 }
        }
        replica.samples.append((now, wall, Double(replica.usedBlocks) / Double(replica.memory.blocks), replica.waiting.count + replica.swapped.count, tokens))
        push(now + wall, r, .iterationDone)
    }

    /// Applies the finished iteration's plan: tokens generated, prompts cached, requests done or
    /// (prefill replicas) handed to the decode pool.
    mutating func completeIteration(_ r: Int) {
        let replica = replicas[r]
        var leaving = false
        for work in replica.plan {
            let id = work.request
            if work.tokens == 0 {
                requests[id].cached += 1
                requests[id].generated += 1
            } else {
                requests[id].prefilled += work.tokens
                guard requests[id].prefilled >= requests[id].prefillTarget else { continue }
                requests[id].cached = requests[id].prefillTarget
                requests[id].generated += 1
                if requests[id].firstToken < 0 { requests[id].firstToken = now }
            }
            if requests[id].generated >= requests[id].output {
                requests[id].finish = now
                requests[id].stage = .done
                replica.freeBlocks += requests[id].blocks
                requests[id].blocks = 0
                replica.outstanding -= 1
                leaving = true
                releaseNext()
            } else if replica.role == .prefill, work.tokens > 0 {
                handOff(id, from: r)
                leaving = true
            }
        }
        if leaving { replica.running.removeAll { requests[$0].stage != .running } }
    }

    /// Sends a prefilled request's KV cache to the least-loaded decode replica; its blocks here
    /// are freed when the transfer lands.
    mutating func handOff(_ id: Int, from r: Int) {
        let d = leastLoaded(decodeReplicas)
        let link = system.kvLink
        let lanes = Double(min(replicas[r].chips, replicas[d].chips))
        let bytes = Double(requests[id].cached) * replicas[r].memory.kvBytesPerTokenModel
        let start = max(now, replicas[d].linkFreeAt)
        let duration = bytes / (link.bytesPerSecondPerChip * lanes)
        replicas[d].linkFreeAt = start + duration
        requests[id].stage = .transferring
        replicas[r].outstanding -= 1
        replicas[d].outstanding += 1
        requests[id].replica = d
        push(start + duration + link.latencySeconds, d, .transferDone(request: id, from: r))
    }
}
