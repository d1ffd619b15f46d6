import DequeModule

/// Where a request is in its life.
enum RequestStage: UInt8 {
    case waiting, running, swapped, transferring, done
    /// Turned away at arrival by admission control (`SchedulerOptions.maxQueuedRequests`).
    case rejected
}

/// The simulation state of one request.
struct RequestState {
    var arrival: Double
    var input: Int
    var output: Int
    /// Tokens to prefill in the current (or next) prefill: the prompt, or after a recompute
    /// preemption the prompt and the tokens generated so far.
    var prefillTarget: Int
    /// Tokens of `prefillTarget` computed so far.
    var prefilled = 0
    /// Tokens in the KV cache once decoding (the last generated token is not yet cached).
    var cached = 0
    var generated = 0
    /// KV blocks held on the current replica.
    var blocks = 0
    var stage = RequestStage.waiting
    var replica = -1
    /// The replica on which the request last began to run (-1 before it first ran).
    var startedOn = -1
    var firstToken = -1.0
    var finish = -1.0
    var preemptions = 0

    init(_ r: ServingRequest) {
        arrival = r.arrivalSeconds
        input = r.inputTokens
        output = r.outputTokens
        prefillTarget = r.inputTokens
    }

    /// Whether the prompt is fully in the cache and the sequence generates one token per iteration.
    var isDecoding: Bool { prefilled >= prefillTarget && generated > 0 }
}

/// One scheduled piece of an iteration: a decode (`tokens` = 0) or a prefill chunk.
struct ScheduledWork {
    var request: Int
    var tokens: Int
}

/// What a replica does: both phases, or one side of a disaggregated system.
enum ReplicaRole {
    case both, prefill, decode
}

/// One model instance on `tensorParallel` chips: its queues, its KV-cache blocks, its scheduler
/// (`BatchingPolicy`) and what it has spent.
final class Replica {
    let index: Int
    let role: ReplicaRole
    let costModel: IterationCostModel
    let memory: ReplicaMemory
    let chips: Int
    let staticPowerWPerChip: Double
    let options: SchedulerOptions
    /// Blocks kept free when admitting a new sequence, so running ones can grow (vLLM's 1 % watermark).
    let watermarkBlocks: Int

    var running: [Int] = []
    var waiting = Deque<Int>()
    var swapped = Deque<Int>()
    var freeBlocks: Int
    var busy = false
    var kickPending = false
    var plan: [ScheduledWork] = []
    /// Requests routed here and not yet finished or handed on.
    var outstanding = 0
    /// When the inbound KV-transfer link is next free (decode replicas of a disaggregated system).
    var linkFreeAt = 0.0

    // What the replica has spent.
    var energyJ = 0.0
    /// Time the chips ran iterations (kernels and engine time).
    var deviceSeconds = 0.0
    var iterations = 0
    var preemptions = 0
    /// (start, duration, KV occupancy, queued requests, output tokens generated) of every iteration.
    var samples: [(start: Double, duration: Double, kv: Double, queue: Int, tokens: Int)] = []
    /// When this replica last began to run a request new to it (a prompt, or a KV cache handed
    /// over); -1 before the first. A preempted request resuming here does not count.
    var lastAdmissionSeconds = -1.0

    init(index: Int, role: ReplicaRole, costModel: IterationCostModel, memory: ReplicaMemory, chips: Int, staticPowerWPerChip: Double, options: SchedulerOptions) {
        self.index = index
        self.role = role
        self.costModel = costModel
        self.memory = memory
        self.chips = chips
        self.staticPowerWPerChip = staticPowerWPerChip
        self.options = options
        self.freeBlocks = memory.blocks
        self.watermarkBlocks = memory.blocks / 100
    }

    /// The stretch of iterations before this replica's last admission in which each iteration
    /// left requests waiting (it could not take them all: the replica was saturated), up to the
    /// last admission; nil when the iteration just before it had none waiting.
    var saturatedStretch: ClosedRange<Double>? {
        guard lastAdmissionSeconds >= 0 else { return nil }
        var start = samples.first?.start ?? lastAdmissionSeconds
        for s in samples {
            guard s.start < lastAdmissionSeconds else { break }
            if s.queue == 0 { start = s.start + s.duration }
        }
        return start < lastAdmissionSeconds ? start...lastAdmissionSeconds : nil
    }

    var usedBlocks: Int { memory.blocks - freeBlocks }
    var hasWork: Bool { !running.isEmpty || !waiting.isEmpty || !swapped.isEmpty }

    /// Plans the next iteration: which requests, how many tokens each, the batch to price, and
    /// the swap traffic (bytes per chip) it waits for. Mutates block ownership and queues.
    func schedule(_ requests: inout [RequestState]) -> (batch: IterationBatch, swapBytesPerChip: Double) {
        plan.removeAll(keepingCapacity: true)
        var batch = IterationBatch()
        var swapBytes = 0.0
        switch options.batching {
        case .chunked: scheduleChunked(&requests, &batch, &swapBytes)
        case .prefillFirst: schedulePrefillFirst(&requests, &batch, &swapBytes)
        case .static: scheduleStatic(&requests, &batch)
        }
        return (batch, swapBytes)
    }

    // MARK: Policies

    private func scheduleChunked(_ requests: inout [RequestState], _ batch: inout IterationBatch, _ swapBytes: inout Double) {
        var budget = options.tokenBudget
        scheduleRunning(&requests, &batch, &budget, &swapBytes, decodes: true, prefills: true)
        admitSwapped(&requests, &batch, &budget, &swapBytes)
        admitWaiting(&requests, &batch, &budget, wholePrompts: false, taking: .both)
    }

    private func schedulePrefillFirst(_ requests: inout [RequestState], _ batch: inout IterationBatch, _ swapBytes: inout Double) {
        var budget = options.tokenBudget
        if swapped.isEmpty {
            admitWaiting(&requests, &batch, &budget, wholePrompts: true, taking: .prompts)
            if !batch.isEmpty { return }
        }
        budget = options.tokenBudget
        scheduleRunning(&requests, &batch, &budget, &swapBytes, decodes: true, prefills: false)
        admitSwapped(&requests, &batch, &budget, &swapBytes)
        // Sequences whose KV cache arrived from a prefill pool join the decode iteration.
        admitWaiting(&requests, &batch, &budget, wholePrompts: true, taking: .decodes)
    }

    private func scheduleStatic(_ requests: inout [RequestState], _ batch: inout IterationBatch) {
        if running.isEmpty {
            // A new batch: whole prompts, with blocks for every token it will ever hold.
            while let id = waiting.first, running.count < options.maxSequences {
                let r = requests[id]
                let need = memory.blocks(forTokens: r.input + r.output)
                guard need <= freeBlocks else { break }
                waiting.removeFirst()
                admit(id, &requests)
                var unlimited = Int.max
                schedule(id, tokens: r.prefillTarget, newBlocks: need, &requests, &batch, &unlimited)
            }
            return
        }
        for id in running {
            plan.append(ScheduledWork(request: id, tokens: 0))
            batch.addDecode(context: requests[id].cached + 1)
        }
    }

    // MARK: Pieces

    /// Running sequences in admission order: decodes take one token, prefills a chunk of what is
    /// left of the budget. A decode that needs a new block and finds none preempts the most
    /// recently admitted sequence (vLLM's policy), possibly itself.
    private func scheduleRunning(_ requests: inout [RequestState], _ batch: inout IterationBatch, _ budget: inout Int, _ swapBytes: inout Double,
                                 decodes: Bool, prefills: Bool) {
        var i = 0
        while i < running.count {
            let id = running[i]
            let r = requests[id]
            if r.isDecoding {
                guard decodes, budget > 0 else { i += 1; continue }
                let need = memory.blocks(forTokens: r.cached + 1) - r.blocks
                var preemptedSelf = false
                while need > freeBlocks, let victim = running.last {
                    preempt(victim, &requests, &swapBytes)
                    if victim == id { preemptedSelf = true; break }
                }
                if preemptedSelf { continue }
                guard need <= freeBlocks else { i += 1; continue }
                schedule(id, tokens: 0, newBlocks: need, &requests, &batch, &budget)
            } else if prefills, budget > 0 {
                var chunk = min(r.prefillTarget - r.prefilled, budget)
                let fits = (freeBlocks + r.blocks) * memory.blockTokens - r.prefilled
                chunk = min(chunk, fits)
                if chunk > 0 {
                    schedule(id, tokens: chunk, newBlocks: memory.blocks(forTokens: r.prefilled + chunk) - r.blocks, &requests, &batch, &budget)
                }
            }
            i += 1
        }
    }

    /// Swapped-out sequences come back first (vLLM), each copying its KV cache in from the host.
    private func admitSwapped(_ requests: inout [RequestState], _ batch: inout IterationBatch, _ budget: inout Int, _ swapBytes: inout Double) {
        while let id = swapped.first, running.count < options.maxSequences, budget > 0 {
            let r = requests[id]
            let need = memory.blocks(forTokens: r.cached + 1)
            guard need <= freeBlocks else { break }
            swapped.removeFirst()
            admit(id, &requests)
            swapBytes += Double(r.cached) * memory.kvBytesPerTokenPerChip
            schedule(id, tokens: 0, newBlocks: need, &requests, &batch, &budget)
        }
    }

    /// Which waiting requests an admission takes: prompts to prefill, sequences whose KV cache has
    /// arrived from a prefill pool (they decode at once), or both.
    enum Admission { case prompts, decodes, both }

    /// Waiting requests in arrival order while sequences, budget and blocks (less the watermark)
    /// allow: prompts (a first chunk, or whole prompts for prefill-first) or, on a decode replica,
    /// sequences whose KV cache has arrived; admission stops at the first request of a kind it
    /// does not take (arrival order is kept).
    private func admitWaiting(_ requests: inout [RequestState], _ batch: inout IterationBatch, _ budget: inout Int, wholePrompts: Bool,
                              taking admission: Admission) {
        while let id = waiting.first, running.count < options.maxSequences, budget > 0 {
            let r = requests[id]
            if admission == .prompts, r.isDecoding { break }
            if admission == .decodes, !r.isDecoding { break }
            let reserve = running.isEmpty ? 0 : watermarkBlocks
            let tokens: Int, need: Int
            if r.isDecoding {
                tokens = 0
                need = memory.blocks(forTokens: r.cached + 1)
            } else {
                let left = r.prefillTarget - r.prefilled
                if wholePrompts {
                    guard left <= budget || plan.isEmpty else { break }
                    tokens = left
                } else {
                    tokens = min(left, budget)
                }
                need = memory.blocks(forTokens: r.prefilled + tokens)
            }
            guard need + reserve <= freeBlocks else { break }
            waiting.removeFirst()
            admit(id, &requests)
            schedule(id, tokens: tokens, newBlocks: need, &requests, &batch, &budget)
        }
    }

    /// Puts a request on the running list.
    private func admit(_ id: Int, _ requests: inout [RequestState]) {
        requests[id].stage = .running
        running.append(id)
    }

    /// Schedules `tokens` prompt tokens of `id` (0: one decode token) in this iteration, giving it
    /// `newBlocks` more KV blocks and taking its tokens from the budget.
    private func schedule(_ id: Int, tokens: Int, newBlocks: Int, _ requests: inout [RequestState], _ batch: inout IterationBatch, _ budget: inout Int) {
        freeBlocks -= newBlocks
        requests[id].blocks += newBlocks
        plan.append(ScheduledWork(request: id, tokens: tokens))
        let r = requests[id]
        if tokens == 0 {
            batch.addDecode(context: r.cached + 1)
            budget -= 1
        } else {
            batch.addPrefill(tokens: tokens, prior: r.prefilled, final: r.prefilled + tokens == r.prefillTarget)
            budget -= tokens
        }
    }

    /// Takes `id` off the running list and frees its blocks: recompute puts it at the head of
    /// the waiting queue to prefill prompt and generated tokens again; swap copies a decoding
    /// sequence's cache to the host.
    private func preempt(_ id: Int, _ requests: inout [RequestState], _ swapBytes: inout Double) {
        if let last = running.last, last == id { running.removeLast() } else { running.removeAll { $0 == id } }
        freeBlocks += requests[id].blocks
        requests[id].blocks = 0
        requests[id].preemptions += 1
        preemptions += 1
        if options.preemption == .swap, requests[id].isDecoding, requests[id].cached > 0 {
            let bytes = Double(requests[id].cached) * memory.kvBytesPerTokenPerChip
            swapBytes += bytes
            requests[id].stage = .swapped
            swapped.prepend(id)
        } else {
            if requests[id].isDecoding {
                requests[id].prefillTarget = requests[id].cached + 1
            }
            requests[id].prefilled = 0
            requests[id].cached = 0
            requests[id].stage = .waiting
            waiting.prepend(id)
        }
    }
}
