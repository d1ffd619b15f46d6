/// A scheduling policy as a task-based runtime runs it (StarPU's scheduler interface: `push_task`
/// when a task becomes ready, `pop_task` when a worker wants work). The `RuntimeSimulator` owns
/// time, transfers and memory; a policy owns its queues and decides which processor runs what.
///
/// Policies see costs only through `RuntimeView.predictedSeconds` — the performance model with
/// its error — never the actual durations.
public protocol RuntimePolicy: AnyObject {
    /// Short name (`dmda`).
    var name: String { get }
    /// Whether the simulator may ask for a processor's next task while it is still running one,
    /// so that the next task's inputs are fetched during the current one (StarPU prefetches the
    /// data of tasks pushed to a worker's queue). Pull policies (eager, work stealing) take work
    /// only when idle.
    var prefetches: Bool { get }
    /// A task's predecessors have all finished (`releasedBy`: the processor of the last one; nil
    /// for entry tasks). Returns processors whose queue changed, or nil when any idle processor
    /// may now find work (a shared queue).
    func push(task: Int, releasedBy: Int?, view: RuntimeView) -> [Int]?
    /// The next task processor `p` should run, removed from the policy's queues, or nil.
    func pop(processor p: Int, view: RuntimeView) -> Int?
    /// Task `task` was committed to processor `p`: its data is being fetched and it will start at `startSeconds`.
    func committed(task: Int, processor p: Int, startSeconds: Double, finishSeconds: Double, view: RuntimeView)
}

extension RuntimePolicy {
    public func committed(task: Int, processor p: Int, startSeconds: Double, finishSeconds: Double, view: RuntimeView) {}
}

/// What a policy may look at while deciding: the time, the platform, predicted costs, and where
/// data is now (for data-aware policies).
public protocol RuntimeView: AnyObject {
    var nowSeconds: Double { get }
    var problem: SchedulingProblem { get }
    /// The performance model's prediction of `task` on `p` (`.infinity` if `p` cannot run it).
    func predictedSeconds(task: Int, processor p: Int) -> Double
    /// Seconds to bring the task's inputs and data to `p`'s memory from where they are now, on
    /// idle links (what StarPU's `dmda` adds to the predicted length).
    func predictedTransferSeconds(task: Int, processor p: Int) -> Double
    /// Tasks committed to `p` and not finished (running or prefetched).
    func committedCount(processor p: Int) -> Int
    /// When `p` finishes its committed tasks (now if none).
    func availableSeconds(processor p: Int) -> Double
}
