/// A discrete-event simulation of a task-based runtime (StarPU's model) running a task graph on
/// a platform under a `RuntimePolicy`.
///
/// - **Tasks.** A task becomes ready when its last predecessor finishes; the policy queues it
///   (`push`) and hands it to a processor (`pop`). The processor *commits* to it: space is made
///   in its memory, its inputs are fetched, and it starts once its processor is free and the
///   last input has arrived, running for its actual cost. With a prefetching policy a processor
///   commits to its next task while it runs the current one, so fetching overlaps computing.
/// - **Data.** Each edge's output is produced in the producer's memory when it finishes and is
///   freed everywhere when its consumer finishes. Persistent data starts in its home node's host
///   memory and is copied to a device on first use, from whichever copy arrives soonest.
/// - **Links** (topology platforms). A transfer holds every link of its route for bytes over the
///   route's bottleneck bandwidth, first come first served, and arrives after that plus the
///   links' latencies (`Topology`). On a uniform platform a transfer takes the edge's time with no
///   contention, as in Topcuoglu et al.
/// - **Memory** (devices with a capacity). Everything a committed task reads or writes is pinned
///   until it finishes. To make room the runtime evicts unpinned copies, least recently used
///   first: a copy that exists elsewhere is dropped; an output whose only copy is here is first
///   written back to host memory over the links, and the space frees when that write lands
///   (StarPU's MSI coherence with LRU eviction). A processor that cannot make room waits until a
///   task of its own finishes; a task that fits no memory alone was refused when the problem was
///   compiled, so the wait always ends.
///
/// The simulation is deterministic: ties between events go to the one scheduled first.
public struct RuntimeSimulator: Sendable {
    /// Actual costs: how long tasks really run.
    public let problem: SchedulingProblem
    /// What policies see (the performance model, with its error); `problem` when exact.
    public let predicted: SchedulingProblem

    public init(problem: SchedulingProblem, predicted: SchedulingProblem? = nil) {
        self.problem = problem
        self.predicted = predicted ?? problem
    }

    /// Runs the graph to completion under `policy`.
    public func run(_ policy: some RuntimePolicy, plannedMakespanSeconds: Double? = nil) -> Execution {
        let engine = RuntimeEngine(problem: problem, predicted: predicted, policy: policy)
        engine.run()
        return Execution(scheduler: policy.name, assignments: engine.assignments, transfers: engine.transfers,
                         residencies: engine.residencies, plannedMakespanSeconds: plannedMakespanSeconds)
    }
}

/// The simulator's state; one per run.
final class RuntimeEngine: RuntimeView {
    let problem: SchedulingProblem
    let predictedProblem: SchedulingProblem
    let policy: any RuntimePolicy
    let topology: Topology?
    var nowSeconds = 0.0

    private struct Event {
        enum Kind { case taskFinished(Int), transferArrived(Int) }
        var time: Double
        var sequence: Int
        var kind: Kind
    }
    private var events = MinHeap<Event>(by: { $0.time != $1.time ? $0.time < $1.time : $0.sequence < $1.sequence })
    private var eventCount = 0

    /// Predecessors not finished, per task.
    private var waiting: [Int]
    private(set) var assignments: [Schedule.Assignment]
    /// Tasks committed to each processor and not finished, in start order.
    private var committed: [[Int]]
    private var committedHead: [Int]
    /// Finish of the last task committed to each processor.
    private var available: [Double]
    /// A task a processor popped but could not commit for lack of memory.
    private var held: [Int?]
    private var memoryWaiters = Set<Int>()

    private var memories: [LocationMemory]
    /// Copies of each item (`persistent data d` → d, `edge e` → data count + e): location and
    /// when the copy is complete there.
    private var copies: [[(location: Int, readySeconds: Double)]]
    /// Free time of each directed link resource.
    private var linkFree: [Double]
    /// The source pinned by each transfer in flight (location, item), released on arrival.
    private var transferSource: [(location: Int, item: Int)?] = []
    private var useStamp = 0

    private(set) var transfers: [Execution.Transfer] = []
    private(set) var residencies: [Execution.Residency] = []

    init(problem: SchedulingProblem, predicted: SchedulingProblem, policy: any RuntimePolicy) {
        self.problem = problem
        predictedProblem = predicted
        self.policy = policy
        topology = problem.platform.topology
        let n = problem.taskCount, p = problem.processorCount
        waiting = (0..<n).map { problem.predecessors.range($0).count }
        assignments = Array(repeating: Schedule.Assignment(processor: -1, startSeconds: 0, finishSeconds: 0), count: n)
        committed = Array(repeating: [], count: p)
        committedHead = Array(repeating: 0, count: p)
        available = Array(repeating: 0, count: p)
        held = Array(repeating: nil, count: p)
        let platform = problem.platform
        memories = (0..<platform.locationCount).map { LocationMemory(capacityBytes: platform.capacityBytes(location: $0)) }
        copies = Array(repeating: [], count: problem.graph.data.count + problem.graph.edges.count)
        linkFree = Array(repeating: 0, count: 2 * (topology?.links.count ?? 0))
        if let topology {
            for (d, item) in problem.graph.data.enumerated() { copies[d] = [(topology.hostLocation(node: item.homeNode), 0)] }
        }
    }

    // MARK: RuntimeView

    func predictedSeconds(task: Int, processor p: Int) -> Double { predictedProblem.cost(task: task, processor: p) }

    func committedCount(processor p: Int) -> Int { committed[p].count - committedHead[p] }

    func availableSeconds(processor p: Int) -> Double { max(nowSeconds, available[p]) }

    func predictedTransferSeconds(task: Int, processor p: Int) -> Double {
        guard let topology else {
            var total = 0.0
            for (u, e) in problem.predecessors(of: task) { total += problem.communicationSeconds(edge: e, from: assignments[u].processor, to: p) }
            return total
        }
        let location = topology.location(ofProcessor: p)
        var total = 0.0
        forEachInput(of: task) { item, bytes in
            guard bytes > 0, !hasCopy(item, at: location) else { return }
            var best = Double.infinity
            for copy in copies[item] { best = min(best, topology.seconds(bytes: bytes, from: copy.location, to: location)) }
            total += best
        }
        return total
    }

    // MARK: Running

    func run() {
        for t in 0..<problem.taskCount where waiting[t] == 0 { wake(policy.push(task: t, releasedBy: nil, view: self)) }
        advanceAll()
        while let event = events.pop() {
            nowSeconds = event.time
            switch event.kind {
            case let .taskFinished(t): finish(t)
            case let .transferArrived(x): arrived(x)
            }
            if !memoryWaiters.isEmpty { for p in memoryWaiters.sorted() { advance(p) } }
        }
        let end = assignments.reduce(0.0) { max($0, $1.finishSeconds) }
        for (l, memory) in memories.enumerated() where memory.capacityBytes != nil {
            for (item, resident) in memory.residents.sorted(by: { $0.key < $1.key }) {
                residencies.append(.init(item: itemName(item), location: l, bytes: resident.bytes, fromSeconds: resident.sinceSeconds, toSeconds: max(end, resident.sinceSeconds)))
            }
        }
    }

    private func schedule(_ kind: Event.Kind, at time: Double) {
        events.push(Event(time: time, sequence: eventCount, kind: kind))
        eventCount += 1
    }

    private func wake(_ processors: [Int]?) {
        if let processors { for p in processors { advance(p) } } else { advanceAll() }
    }

    private func advanceAll() { for p in 0..<problem.processorCount { advance(p) } }

    /// Lets `p` commit to tasks while it has a free slot (one without prefetching, two with).
    private func advance(_ p: Int) {
        let slots = policy.prefetches ? 2 : 1
        while committedCount(processor: p) < slots {
            guard let task = held[p] ?? policy.pop(processor: p, view: self) else { break }
            if commit(task, on: p) {
                held[p] = nil
                memoryWaiters.remove(p)
            } else {
                held[p] = task
                memoryWaiters.insert(p)
                break
            }
        }
    }

    // MARK: Items

    private var dataCount: Int { problem.graph.data.count }
    private func itemName(_ item: Int) -> Execution.Item { item < dataCount ? .data(item) : .edge(item - dataCount) }
    private func bytes(of item: Int) -> Double {
        item < dataCount ? problem.graph.data[item].bytes : problem.edgeBytes[item - dataCount]
    }

    /// Persistent data the task uses and the edges into it, as (item, bytes). Persistent data
    /// only exists on topology platforms.
    private func forEachInput(of task: Int, _ body: (Int, Double) -> Void) {
        if topology != nil { for d in problem.graph.usesIndex[task] { body(d, problem.graph.data[d].bytes) } }
        for k in problem.predecessors.range(task) {
            let e = problem.predecessors.edge[k]
            body(dataCount + e, problem.edgeBytes[e])
        }
    }

    private func hasCopy(_ item: Int, at location: Int) -> Bool { copies[item].contains { $0.location == location } }

    private func copyReady(_ item: Int, at location: Int) -> Double? { copies[item].first { $0.location == location }?.readySeconds }

    // MARK: Committing a task

    /// Makes room, fetches inputs and fixes the start of `task` on `p`; false when `p`'s memory
    /// cannot make room now.
    private func commit(_ task: Int, on p: Int) -> Bool {
        let location = problem.platform.location(ofProcessor: p)
        var allocationStart = nowSeconds
        if topology != nil, memories[location].capacityBytes != nil {
            guard let start = reserveMemory(for: task, at: location) else { return false }
            allocationStart = start
        }
        var dataReady = 0.0
        if let topology {
            forEachInput(of: task) { item, bytes in
                guard bytes > 0 else { return }
                if let ready = copyReady(item, at: location) { dataReady = max(dataReady, ready); return }
                dataReady = max(dataReady, fetch(item, bytes: bytes, to: location, notBefore: allocationStart, topology: topology))
            }
        } else {
            for (u, e) in problem.predecessors(of: task) {
                let from = assignments[u].processor
                guard from != p else { dataReady = max(dataReady, assignments[u].finishSeconds); continue }
                let item = dataCount + e
                if let ready = copyReady(item, at: p) { dataReady = max(dataReady, ready); continue }
                let start = assignments[u].finishSeconds
                let arrival = start + problem.communicationSeconds(edge: e, from: from, to: p)
                transfers.append(.init(item: .edge(e), bytes: problem.edgeBytes[e], from: from, to: p, resources: [],
                                       startSeconds: start, arrivalSeconds: arrival, isWriteBack: false))
                copies[item].append((p, arrival))
                dataReady = max(dataReady, arrival)
            }
        }
        let start = max(nowSeconds, available[p], dataReady, allocationStart)
        let finish = start + problem.cost(task: task, processor: p)
        available[p] = finish
        committed[p].append(task)
        assignments[task] = Schedule.Assignment(processor: p, startSeconds: start, finishSeconds: finish)
        // Outputs exist where they are produced from the producer's finish.
        for k in problem.successors.range(task) {
            let item = dataCount + problem.successors.edge[k]
            copies[item].append((location, finish))
        }
        schedule(.taskFinished(task), at: finish)
        policy.committed(task: task, processor: p, startSeconds: start, finishSeconds: finish, view: self)
        return true
    }

    /// Pins what `task` already has at `location`, evicts to fit the rest and its outputs, and
    /// allocates them; returns when the space is free, or nil (nothing changed) when it cannot be made now.
    private func reserveMemory(for task: Int, at location: Int) -> Double? {
        var present: [Int] = [], missing: [(Int, Double)] = []
        forEachInput(of: task) { item, bytes in
            guard bytes > 0 else { return }
            if memories[location].residents[item] != nil { present.append(item) } else { missing.append((item, bytes)) }
        }
        for k in problem.successors.range(task) {
            let e = problem.successors.edge[k]
            if problem.edgeBytes[e] > 0 { missing.append((dataCount + e, problem.edgeBytes[e])) }
        }
        for item in present { memories[location].residents[item]!.pins += 1 }
        let needed = missing.reduce(0.0) { $0 + $1.1 }
        guard makeRoom(needed, at: location) else {
            for item in present { memories[location].residents[item]!.pins -= 1 }
            return nil
        }
        useStamp += 1
        let since = max(nowSeconds, memories[location].notBeforeSeconds)
        for item in present { memories[location].residents[item]!.lastUse = useStamp }
        for (item, bytes) in missing {
            memories[location].residents[item] = LocationMemory.Resident(bytes: bytes, sinceSeconds: since, pins: 1, lastUse: useStamp)
            memories[location].usedBytes += bytes
        }
        return since
    }

    /// Frees `bytes` at `location` by evicting unpinned copies, least recently used first; false
    /// (nothing evicted) when the unpinned copies are not enough.
    private func makeRoom(_ bytes: Double, at location: Int) -> Bool {
        let memory = memories[location]
        guard let capacity = memory.capacityBytes else { return true }
        let excess = memory.usedBytes + bytes - capacity
        guard excess > 0 else { return true }
        let victims = memory.residents.filter { $0.value.pins == 0 }.sorted { $0.value.lastUse != $1.value.lastUse ? $0.value.lastUse < $1.value.lastUse : $0.key < $1.key }
        guard victims.reduce(0.0, { $0 + $1.value.bytes }) >= excess else { return false }
        var freed = 0.0
        for (item, resident) in victims where freed < excess {
            evict(item, resident, from: location)
            freed += resident.bytes
        }
        return true
    }

    private func evict(_ item: Int, _ resident: LocationMemory.Resident, from location: Int) {
        var end = nowSeconds
        let onlyCopy = copies[item].count == 1
        if onlyCopy, item >= dataCount, let topology {
            // The consumer has not run (consumed outputs are freed): write the output back.
            let host = topology.hostLocation(node: topology.node(ofLocation: location))
            end = reserveLinks(item, bytes: resident.bytes, from: location, to: host, earliest: max(nowSeconds, copyReady(item, at: location) ?? nowSeconds),
                               writeBack: true, topology: topology, pinSource: false)
            copies[item].append((host, end))
            memories[location].notBeforeSeconds = max(memories[location].notBeforeSeconds, end)
        }
        copies[item].removeAll { $0.location == location }
        memories[location].residents[item] = nil
        memories[location].usedBytes -= resident.bytes
        residencies.append(.init(item: itemName(item), location: location, bytes: resident.bytes, fromSeconds: resident.sinceSeconds, toSeconds: max(end, resident.sinceSeconds)))
    }

    /// Copies `item` to `location` from the copy that would arrive soonest; returns the arrival.
    private func fetch(_ item: Int, bytes: Double, to location: Int, notBefore: Double, topology: Topology) -> Double {
        var best: (location: Int, ready: Double)? = nil, bestArrival = Double.infinity
        for copy in copies[item] {
            let arrival = max(notBefore, copy.readySeconds) + topology.seconds(bytes: bytes, from: copy.location, to: location)
            if arrival < bestArrival { bestArrival = arrival; best = (copy.location, copy.readySeconds) }
        }
        let source = best!
        let arrival = reserveLinks(item, bytes: bytes, from: source.location, to: location, earliest: max(notBefore, source.ready),
                                   writeBack: false, topology: topology, pinSource: true)
        copies[item].append((location, arrival))
        return arrival
    }

    /// Books the route's links first come first served and records the transfer; returns its arrival.
    private func reserveLinks(_ item: Int, bytes: Double, from: Int, to: Int, earliest: Double, writeBack: Bool,
                              topology: Topology, pinSource: Bool) -> Double {
        let route = topology.route(from: from, to: to)
        var start = earliest, latency = 0.0, bandwidth = Double.infinity
        for r in route {
            start = max(start, linkFree[r])
            let link = topology.links[Topology.link(ofResource: r)]
            latency += link.latencySeconds
            bandwidth = min(bandwidth, link.bytesPerSecond)
        }
        let occupancy = route.isEmpty ? 0 : bytes / bandwidth
        for r in route { linkFree[r] = start + occupancy }
        let arrival = start + latency + occupancy
        transfers.append(.init(item: itemName(item), bytes: bytes, from: from, to: to, resources: route,
                               startSeconds: start, arrivalSeconds: arrival, isWriteBack: writeBack))
        var pinned: (location: Int, item: Int)? = nil
        if pinSource, memories[from].residents[item] != nil {
            memories[from].residents[item]!.pins += 1
            pinned = (from, item)
        }
        transferSource.append(pinned)
        schedule(.transferArrived(transferSource.count - 1), at: arrival)
        return arrival
    }

    // MARK: Events

    private func arrived(_ x: Int) {
        guard let (location, item) = transferSource[x] else { return }
        transferSource[x] = nil
        memories[location].residents[item]?.pins -= 1
    }

    private func finish(_ task: Int) {
        let p = assignments[task].processor
        committedHead[p] += 1
        if committedHead[p] > 64 { committed[p].removeFirst(committedHead[p]); committedHead[p] = 0 }
        let location = problem.platform.location(ofProcessor: p)
        if topology != nil, memories[location].capacityBytes != nil {
            forEachInput(of: task) { item, bytes in if bytes > 0 { memories[location].residents[item]?.pins -= 1 } }
            for k in problem.successors.range(task) { memories[location].residents[dataCount + problem.successors.edge[k]]?.pins -= 1 }
        }
        // The task's inputs are consumed: free every copy.
        for k in problem.predecessors.range(task) {
            let item = dataCount + problem.predecessors.edge[k]
            for copy in copies[item] {
                if let resident = memories[copy.location].residents.removeValue(forKey: item) {
                    memories[copy.location].usedBytes -= resident.bytes
                    residencies.append(.init(item: itemName(item), location: copy.location, bytes: resident.bytes,
                                             fromSeconds: resident.sinceSeconds, toSeconds: max(nowSeconds, resident.sinceSeconds)))
                }
            }
            copies[item] = []
        }
        var woken = Set<Int>([p]), everyone = false
        for k in problem.successors.range(task) {
            let v = problem.successors.items[k]
            waiting[v] -= 1
            if waiting[v] == 0 {
                if let processors = policy.push(task: v, releasedBy: p, view: self) { woken.formUnion(processors) } else { everyone = true }
            }
        }
        if everyone { advanceAll() } else { for q in woken.sorted() { advance(q) } }
    }
}

/// The copies held in one memory location with a capacity.
struct LocationMemory {
    struct Resident {
        var bytes: Double
        var sinceSeconds: Double
        /// Committed tasks and in-flight transfers using it; only unpinned copies can be evicted.
        var pins: Int
        /// When it was last committed to (a counter): eviction takes the least recent first.
        var lastUse: Int
    }

    var capacityBytes: Double?
    var usedBytes = 0.0
    var residents: [Int: Resident] = [:]
    /// Allocations start no earlier than this: the landing of pending write-backs.
    var notBeforeSeconds = 0.0

    init(capacityBytes: Double?) { self.capacityBytes = capacityBytes }
}
