/// One result slot per item of a parallel map, written by distinct threads at distinct indices
/// (no two threads share a slot; the caller joins them before reading `values`).
public final class ConcurrentSlots<R>: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<R?>
    private let count: Int

    public init(count: Int) {
        self.count = count
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil, count: count)
    }

    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }

    public func set(_ index: Int, _ value: R) { slots[index] = value }

    /// Every slot's value, in order; every slot must have been set.
    public func values() -> [R] { (0..<count).map { slots[$0]! } }
}
