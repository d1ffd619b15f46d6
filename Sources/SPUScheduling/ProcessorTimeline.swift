/// The busy intervals of every processor, kept sorted, for insertion-based list scheduling
/// (Topcuoglu et al. 2002, §4.1: a task may go into an idle gap between two already scheduled
/// tasks if it fits there and its data is ready).
///
/// Intervals on one processor never overlap, so both their starts and their finishes are sorted;
/// the earliest start at or after a ready time is found by a binary search for the first interval
/// finishing after it and a scan of the gaps from there. A scan is short in list scheduling
/// because ready times lie near the end of the timeline; `largestGap` (an upper bound on every
/// gap of the processor) lets a task that fits in no gap go straight to the end.
struct ProcessorTimeline {
    private var starts: [[Double]]
    private var finishes: [[Double]]
    private var largestGap: [Double]

    init(processors: Int) {
        starts = Array(repeating: [], count: processors)
        finishes = Array(repeating: [], count: processors)
        largestGap = Array(repeating: 0, count: processors)
    }

    /// Finish time of the last task on `p` (0 when idle so far).
    func availableAt(_ p: Int) -> Double { finishes[p].last ?? 0 }

    /// The earliest start ≥ `ready` for a task of `duration` on `p`, and where it would be inserted.
    func earliestStart(on p: Int, ready: Double, duration: Double) -> (start: Double, position: Int) {
        let s = starts[p], f = finishes[p]
        let end = f.last ?? 0
        if ready >= end { return (ready, s.count) }
        if duration > largestGap[p] { return (end, s.count) }
        // First interval that finishes after `ready`.
        var lo = 0, hi = f.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if f[mid] > ready { hi = mid } else { lo = mid + 1 }
        }
        var t = ready
        var k = lo
        while k < s.count {
            if t + duration <= s[k] { return (t, k) }
            t = max(t, f[k])
            k += 1
        }
        return (t, k)
    }

    /// Records a task on `p` at `position` (from `earliestStart`).
    mutating func insert(on p: Int, at position: Int, start: Double, finish: Double) {
        let previousEnd = position > 0 ? finishes[p][position - 1] : 0
        if position == starts[p].count {
            largestGap[p] = max(largestGap[p], start - previousEnd)
            starts[p].append(start)
            finishes[p].append(finish)
        } else {
            starts[p].insert(start, at: position)
            finishes[p].insert(finish, at: position)
        }
    }
}
