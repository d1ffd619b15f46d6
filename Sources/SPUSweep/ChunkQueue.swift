import Foundation

/// Evaluated chunks of rows on their way from the evaluating thread to the writing one, in
/// order, at most `capacity` at a time (so evaluation runs ahead of the writes by a bounded
/// amount of memory). Either side can end it: the producer `finish`es, the consumer `stop`s.
final class ChunkQueue<Element>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Element] = []
    private var finished = false
    private var stopped = false
    let capacity: Int

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Appends `item`, waiting while the queue is full; false (dropping it) once stopped.
    func put(_ item: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity, !stopped { condition.wait() }
        guard !stopped else { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// The next item, waiting for one; nil once the producer finished and the queue is empty,
    /// or once stopped.
    func take() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty, !finished, !stopped { condition.wait() }
        guard !stopped, !items.isEmpty else { return nil }
        condition.broadcast()
        return items.removeFirst()
    }

    /// The producer has no more items.
    func finish() {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// The consumer wants no more items: a waiting or later `put` returns false.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }
}
