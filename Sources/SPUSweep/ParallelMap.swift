import Foundation
import SPUCore

/// Maps `items` with `jobs` threads, keeping input order: each thread takes the next item not yet
/// taken (pairs of a sweep differ a lot in cost: a design throttled to its TDP is evaluated 2-5
/// times, so fixed shares left threads idle), and every result goes to its item's slot, so the
/// result is the same for any `jobs` and any scheduling.
func parallelMap<T: Sendable, R: Sendable>(_ items: [T], jobs: Int, _ transform: @escaping @Sendable (T) -> R) -> [R] {
    guard jobs > 1, items.count > 1 else { return items.map(transform) }
    let output = ConcurrentSlots<R>(count: items.count)
    let next = NextIndex()
    DispatchQueue.concurrentPerform(iterations: min(jobs, items.count)) { _ in
        while let i = next.take(below: items.count) {
            output.set(i, transform(items[i]))
        }
    }
    return output.values()
}

/// The next item to take, shared by the threads of one `parallelMap`.
final class NextIndex: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func take(below count: Int) -> Int? {
        lock.withLock {
            guard value < count else { return nil }
            defer { value += 1 }
            return value
        }
    }
}
