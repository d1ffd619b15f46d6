import Foundation

/// Maps `items` with `jobs` threads, keeping input order (thread j takes items j, j+jobs, …), so
/// the result is the same for any `jobs`.
func parallelMap<T: Sendable, R: Sendable>(_ items: [T], jobs: Int, _ transform: @escaping @Sendable (T) -> R) -> [R] {
    guard jobs > 1, items.count > 1 else { return items.map(transform) }
    let output = UnsafeResults<R>(count: items.count)
    let chunks = min(jobs, items.count)
    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
        var i = chunk
        while i < items.count {
            output.set(i, transform(items[i]))
            i += chunks
        }
    }
    return output.values()
}

/// Result slots written by distinct threads at distinct indices (no two threads share a slot).
final class UnsafeResults<R>: @unchecked Sendable {
    private var slots: [R?]

    init(count: Int) { slots = [R?](repeating: nil, count: count) }

    func set(_ index: Int, _ value: R) {
        slots.withUnsafeMutableBufferPointer { $0[index] = value }
    }

    func values() -> [R] { slots.map { $0! } }
}
