/// Matches the segment sequence of a message against a ``StructureAutomaton``.
///
/// Two passes, both linear in the number of segments:
///
/// 1. ``accepts(_:)`` simulates the automaton on the set of reachable states (a plain NFA run,
///    O(segments × states)). A conforming message stops here.
/// 2. Only when that fails, ``explain(_:)`` computes the cheapest explanation of the sequence
///    as an edit distance between the message and the structure's grammar: a dynamic programme
///    over (segment position × automaton state) where skipping a segment of the message
///    ("unexpected segment") and taking an insert edge ("required segment missing") each cost
///    one error, and ε moves are free (a Dijkstra closure per column). Between explanations
///    with as many errors: a required segment missing inside a group that is there
///    (`PID` without its `QRI`) beats a segment out of place, which beats inventing a group
///    occurrence whose required first segment is missing (so `OBX NTE PRT`, where PRT may only
///    follow OBX, reads "PRT out of place", not "OBX missing"); a segment that repeats the one
///    before it is dropped first.
///    The result is deterministic and minimal in the number of errors; it never backtracks, so
///    the cost is O(segments × states × log states) whatever the message.
struct StructureMatcher {
    let automaton: StructureAutomaton

    /// One step of the explanation, in message order.
    enum Step: Equatable {
        /// Input `input` matched the segment element `element`.
        case match(input: Int, element: Int32)
        /// Input `input` has no place in the structure; `repeated` when it repeats the input
        /// before it.
        case unexpected(input: Int, repeated: Bool)
        /// The required segment element `element` is missing before input `before`
        /// (`before == inputs.count`: at the end).
        case missing(element: Int32, before: Int)
    }

    /// Error costs: one error is worth about 256; the small differences only break ties
    /// between explanations with the same number of errors (see the type's documentation).
    static let insertCost: Int32 = 255
    static let insertOpeningCost: Int32 = 258
    static let deleteCost: Int32 = 256
    static let deleteRepeatCost: Int32 = 254

    /// Whether the symbols are a sentence of the structure (no error at all).
    func accepts(_ inputs: [Int32]) -> Bool {
        let a = automaton
        var stamp = [Int32](repeating: -1, count: a.stateCount)
        var current: [Int32] = [a.start]
        var next: [Int32] = []
        current.reserveCapacity(a.stateCount)
        next.reserveCapacity(a.stateCount)
        stamp[Int(a.start)] = 0
        Self.close(&current, generation: 0, stamp: &stamp, automaton: a)
        var generation: Int32 = 0
        for x in inputs {
            generation += 1
            next.removeAll(keepingCapacity: true)
            for u in current {
                for k in a.edgeRange(of: u) {
                    let e = a.edges[k]
                    guard e.kind == .consume, e.symbol == x || e.symbol == StructureAutomaton.anySymbol else { continue }
                    if stamp[Int(e.target)] != generation {
                        stamp[Int(e.target)] = generation
                        next.append(e.target)
                    }
                }
            }
            if next.isEmpty { return false }
            Self.close(&next, generation: generation, stamp: &stamp, automaton: a)
            swap(&current, &next)
        }
        return stamp[Int(a.accept)] == generation
    }

    /// Extends `list` (whose states carry `generation` in `stamp`) with everything reachable
    /// over ε edges.
    private static func close(_ list: inout [Int32], generation: Int32, stamp: inout [Int32], automaton a: StructureAutomaton) {
        var k = 0
        while k < list.count {
            let u = list[k]
            for i in a.edgeRange(of: u) {
                let e = a.edges[i]
                if e.kind == .epsilon, stamp[Int(e.target)] != generation {
                    stamp[Int(e.target)] = generation
                    list.append(e.target)
                }
            }
            k += 1
        }
    }

    /// The cheapest explanation of the inputs (see the type's documentation).
    ///
    /// Runs the dynamic programme with a cost bound (states that cost more are dropped, which
    /// keeps the sets of live states small), doubling the bound until the end is reached: the
    /// first bound that reaches it gives the optimum, since costs only grow along a path.
    func explain(_ inputs: [Int32]) -> [Step] {
        var bound = 4 * Self.insertOpeningCost
        while true {
            if let steps = explain(inputs, bound: bound) { return steps }
            guard bound < Int32.max / 4 else { return [] }
            bound = bound > Int32.max / 8 ? Int32.max / 2 : bound * 2
        }
    }

    /// The cheapest explanation that costs at most `bound`, if there is one.
    private func explain(_ inputs: [Int32], bound: Int32) -> [Step]? {
        let a = automaton
        let p = a.stateCount
        let n = inputs.count
        let infinity = Int32.max
        var previous = [Int32](repeating: infinity, count: p)
        var current = previous
        var previousLive: [Int32] = []
        var currentLive: [Int32] = []
        // pred: kind in the top two bits (0 none, 1 consume edge, 2 skip input, 3 closure edge).
        var pred = [UInt32](repeating: 0, count: (n + 1) * p)
        var heap = MinHeap()
        current[Int(a.start)] = 0
        currentLive.append(a.start)
        closure(column: 0, costs: &current, live: &currentLive, bound: bound, pred: &pred, heap: &heap)
        for j in stride(from: 1, through: n, by: 1) {
            swap(&previous, &current)
            swap(&previousLive, &currentLive)
            for s in currentLive { current[Int(s)] = infinity }
            currentLive.removeAll(keepingCapacity: true)
            let x = inputs[j - 1]
            let skip = j >= 2 && inputs[j - 2] == x ? Self.deleteRepeatCost : Self.deleteCost
            let base = j * p
            for u in previousLive {
                let cost = previous[Int(u)]
                for k in a.edgeRange(of: u) {
                    let e = a.edges[k]
                    guard e.kind == .consume, e.symbol == x || e.symbol == StructureAutomaton.anySymbol else { continue }
                    let t = Int(e.target)
                    if cost < current[t] {
                        if current[t] == infinity { currentLive.append(e.target) }
                        current[t] = cost
                        pred[base + t] = 1 << 30 | UInt32(k)
                    }
                }
            }
            for u in previousLive {
                let cost = previous[Int(u)] + skip
                if cost <= bound && cost < current[Int(u)] {
                    if current[Int(u)] == infinity { currentLive.append(u) }
                    current[Int(u)] = cost
                    pred[base + Int(u)] = 2 << 30
                }
            }
            if currentLive.isEmpty { return nil }
            closure(column: j, costs: &current, live: &currentLive, bound: bound, pred: &pred, heap: &heap)
        }
        // Walk back from the accepting state.
        var steps: [Step] = []
        var j = n
        var s = Int(a.accept)
        guard current[s] != infinity else { return nil }
        while true {
            let entry = pred[j * p + s]
            let payload = Int(entry & 0x3FFF_FFFF)
            switch entry >> 30 {
            case 1:
                let e = a.edges[payload]
                steps.append(.match(input: j - 1, element: e.element))
                s = Int(e.source)
                j -= 1
            case 2:
                steps.append(.unexpected(input: j - 1, repeated: j >= 2 && inputs[j - 2] == inputs[j - 1]))
                j -= 1
            case 3:
                let e = a.edges[payload]
                if e.kind == .insert { steps.append(.missing(element: e.element, before: j)) }
                s = Int(e.source)
            default:
                return steps.reversed()
            }
        }
    }

    /// Relaxes ε (free) and insert (one error) edges within one column, Dijkstra style, keeping
    /// only states within `bound`.
    private func closure(column j: Int, costs: inout [Int32], live: inout [Int32], bound: Int32, pred: inout [UInt32], heap: inout MinHeap) {
        let a = automaton
        let base = j * a.stateCount
        heap.removeAll()
        for s in live { heap.push(cost: costs[Int(s)], state: s) }
        while let (cost, s) = heap.pop() {
            guard cost == costs[Int(s)] else { continue }
            for k in a.edgeRange(of: s) {
                let e = a.edges[k]
                let next: Int32
                switch e.kind {
                case .epsilon: next = cost
                case .insert: next = cost + (e.opensGroup ? Self.insertOpeningCost : Self.insertCost)
                case .consume: continue
                }
                let t = Int(e.target)
                if next <= bound && next < costs[t] {
                    if costs[t] == Int32.max { live.append(e.target) }
                    costs[t] = next
                    pred[base + t] = 3 << 30 | UInt32(k)
                    heap.push(cost: next, state: e.target)
                }
            }
        }
    }

    /// A binary min-heap of (cost, state), ties broken by state.
    private struct MinHeap {
        private var items: [UInt64] = []

        mutating func removeAll() { items.removeAll(keepingCapacity: true) }

        mutating func push(cost: Int32, state: Int32) {
            items.append(UInt64(UInt32(bitPattern: cost)) << 32 | UInt64(UInt32(bitPattern: state)))
            var i = items.count - 1
            while i > 0 {
                let parent = (i - 1) / 2
                if items[parent] <= items[i] { break }
                items.swapAt(parent, i)
                i = parent
            }
        }

        mutating func pop() -> (Int32, Int32)? {
            guard let top = items.first else { return nil }
            let last = items.removeLast()
            if !items.isEmpty {
                items[0] = last
                var i = 0
                while true {
                    let l = 2 * i + 1
                    let r = l + 1
                    var m = i
                    if l < items.count, items[l] < items[m] { m = l }
                    if r < items.count, items[r] < items[m] { m = r }
                    if m == i { break }
                    items.swapAt(i, m)
                    i = m
                }
            }
            return (Int32(bitPattern: UInt32(top >> 32)), Int32(bitPattern: UInt32(top & 0xFFFF_FFFF)))
        }
    }
}
