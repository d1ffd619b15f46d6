/// A binary heap ordered by a strict "comes first" predicate: the ready lists of the list
/// schedulers and of the topological sort.
struct MinHeap<Element> {
    private var items: [Element] = []
    private let first: (Element, Element) -> Bool

    init(by first: @escaping (Element, Element) -> Bool) { self.first = first }

    var isEmpty: Bool { items.isEmpty }
    var count: Int { items.count }

    mutating func push(_ x: Element) {
        items.append(x)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard first(items[i], items[parent]) else { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> Element? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let top = items.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var best = i
            if l < items.count, first(items[l], items[best]) { best = l }
            if r < items.count, first(items[r], items[best]) { best = r }
            if best == i { break }
            items.swapAt(i, best)
            i = best
        }
        return top
    }
}
