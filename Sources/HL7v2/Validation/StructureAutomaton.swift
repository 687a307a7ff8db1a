/// A message structure compiled into a Thompson-style automaton over segment symbols, for
/// ``StructureMatcher``.
///
/// Every segment reference becomes a *consume* edge labelled with the segment's symbol;
/// optional elements get an ε edge around their body, repeating ones an ε edge back to their
/// start, choice groups an ε edge to each alternative. A required segment reference also gets an
/// *insert* edge parallel to its consume edge: taking it costs one error ("required segment
/// missing") and consumes nothing. The automaton has O(number of segment references) states and
/// edges, so matching costs O(segments × states) at worst, never exponential.
struct StructureAutomaton: Sendable {
    /// What an edge does.
    enum EdgeKind: UInt8, Sendable {
        /// Moves without consuming a segment, at no cost.
        case epsilon
        /// Consumes one segment whose symbol matches (or any segment for ``anySymbol``).
        case consume
        /// Stands for a required segment that is missing: moves without consuming, at a cost.
        case insert
    }

    /// An edge of the automaton.
    struct Edge: Sendable {
        var source: Int32
        var target: Int32
        var kind: EdgeKind
        /// The segment symbol (consume edges), ``anySymbol`` for the wildcard.
        var symbol: Int32
        /// Index into ``elements`` (consume and insert edges), -1 otherwise.
        var element: Int32
        /// For an insert edge: the segment would open a new occurrence of an optional or
        /// repeating group (it is the group's first required element).
        var opensGroup: Bool = false
    }

    /// What a consume or insert edge stands for, to describe it in issues.
    struct ElementInfo: Sendable {
        /// The segment ID, or `nil` for the wildcard.
        var segment: String?
        /// The group path, e.g. `ORU_R01/PATIENT_RESULT/ORDER_OBSERVATION`.
        var path: String
        /// The maximum number of occurrences of the segment element (`nil` = unbounded).
        var maxOccurs: Int?
        /// When the segment is one alternative of a choice: all the alternatives' segment IDs.
        var alternatives: [String]
    }

    /// The symbol of a consume edge that matches any segment.
    static let anySymbol: Int32 = -1

    let stateCount: Int
    let start: Int32
    let accept: Int32
    /// Edges sorted by source; the edges of state `s` are `edges[outStart[s]..<outStart[s + 1]]`.
    let edges: [Edge]
    let outStart: [Int32]
    let elements: [ElementInfo]
    /// The symbols used by the structure.
    let symbols: Set<Int32>
    /// Whether the structure has an "any segment" wildcard.
    let hasWildcard: Bool

    /// Compiles a structure; `symbols` maps segment IDs to symbols.
    init(_ structure: MessageStructure, symbols: [String: Int32]) {
        var builder = Builder(symbolTable: symbols)
        let start = builder.newState()
        var state = start
        for element in structure.elements {
            state = builder.build(element, from: state, path: structure.id, alternatives: [], opens: false)
        }
        self.start = start
        self.accept = state
        self.stateCount = Int(builder.stateCount)
        let sorted: [Edge] = builder.edges.enumerated()
            .sorted { (a: (offset: Int, element: Edge), b: (offset: Int, element: Edge)) in (a.element.source, a.offset) < (b.element.source, b.offset) }
            .map { $0.element }
        var outStart = [Int32](repeating: 0, count: stateCount + 1)
        for edge in sorted { outStart[Int(edge.source) + 1] += 1 }
        for s in 0..<stateCount { outStart[s + 1] += outStart[s] }
        self.edges = sorted
        self.outStart = outStart
        self.elements = builder.elements
        self.symbols = builder.symbols
        self.hasWildcard = builder.hasWildcard
    }

    /// The edges leaving state `s`.
    @inline(__always)
    func edgeRange(of s: Int32) -> Range<Int> {
        Int(outStart[Int(s)])..<Int(outStart[Int(s) + 1])
    }

    private struct Builder {
        let symbolTable: [String: Int32]
        var stateCount: Int32 = 0
        var edges: [Edge] = []
        var elements: [ElementInfo] = []
        var symbols: Set<Int32> = []
        var hasWildcard = false

        /// Unbounded bounded maxima are unrolled; more than this many optional copies are
        /// treated as unbounded (no structure in the data comes near it).
        static let unrollLimit = 16

        func symbol(_ id: String) -> Int32 { symbolTable[id] ?? StructureAutomaton.anySymbol }

        mutating func newState() -> Int32 {
            defer { stateCount += 1 }
            return stateCount
        }

        mutating func epsilon(_ from: Int32, _ to: Int32) {
            edges.append(Edge(source: from, target: to, kind: .epsilon, symbol: 0, element: -1))
        }

        /// Builds `element` with its cardinality from state `a`; returns the state after it.
        /// `opens`: the element is the first required one of a group occurrence that may or may
        /// not be there (so inserting it, when missing, would open that occurrence).
        mutating func build(_ element: StructureElement, from a: Int32, path: String, alternatives: [String], opens: Bool) -> Int32 {
            let minimum = max(element.minOccurs, 0)
            var maximum = element.maxOccurs
            if let m = maximum, m - minimum > Self.unrollLimit { maximum = nil }
            if let m = maximum, m <= 0 { return a }  // withdrawn: never occurs
            var state = a
            if let maximum {
                for _ in 0..<minimum { state = body(element, from: state, required: true, path: path, alternatives: alternatives, opens: opens) }
                for _ in minimum..<max(maximum, minimum) {
                    // X?: body, plus an ε edge around it.
                    let end = body(element, from: state, required: false, path: path, alternatives: alternatives, opens: opens)
                    epsilon(state, end)
                    state = end
                }
                return state
            }
            if minimum == 0 {
                // X*: a fresh loop state q; body q → r; r → q; continue from q.
                let q = newState()
                epsilon(state, q)
                let r = body(element, from: q, required: false, path: path, alternatives: alternatives, opens: opens)
                epsilon(r, q)
                return q
            }
            for _ in 0..<(minimum - 1) { state = body(element, from: state, required: true, path: path, alternatives: alternatives, opens: opens) }
            // X+: a fresh state q; body q → r; r → q; continue from r.
            let q = newState()
            epsilon(state, q)
            let r = body(element, from: q, required: true, path: path, alternatives: alternatives, opens: opens)
            epsilon(r, q)
            return r
        }

        /// One occurrence of `element` from `a`; returns the state after it.
        mutating func body(_ element: StructureElement, from a: Int32, required: Bool, path: String, alternatives: [String], opens: Bool) -> Int32 {
            switch element.kind {
            case .segment(let id):
                return segment(id, symbol: symbol(id), from: a, required: required, maxOccurs: element.maxOccurs, path: path, alternatives: alternatives, opens: opens)
            case .anySegment:
                hasWildcard = true
                return segment(nil, symbol: StructureAutomaton.anySymbol, from: a, required: required, maxOccurs: element.maxOccurs, path: path, alternatives: alternatives, opens: opens)
            case .group(let name, let children, let isChoice):
                let groupPath = path + "/" + name
                // The first required element of an optional or repeating group opens it.
                let groupOpens = opens || !element.isRequired || element.isRepeating
                if isChoice {
                    // Exactly one alternative, once.
                    let names = children.compactMap { child -> String? in
                        if case .segment(let id) = child.kind { return id }
                        return nil
                    }
                    let end = newState()
                    for child in children {
                        let entry = newState()
                        epsilon(a, entry)
                        let once = StructureElement(child.kind, minOccurs: 1, maxOccurs: 1)
                        let exit = build(once, from: entry, path: groupPath, alternatives: names.count > 1 ? names : [], opens: groupOpens)
                        epsilon(exit, end)
                    }
                    return end
                }
                var state = a
                var pending = groupOpens
                for child in children {
                    state = build(child, from: state, path: groupPath, alternatives: [], opens: pending)
                    if child.isRequired { pending = false }
                }
                if state == a {
                    // An empty group: keep a distinct end state.
                    let end = newState()
                    epsilon(a, end)
                    return end
                }
                return state
            }
        }

        mutating func segment(_ id: String?, symbol: Int32, from a: Int32, required: Bool, maxOccurs: Int?, path: String, alternatives: [String], opens: Bool) -> Int32 {
            let b = newState()
            let index = Int32(elements.count)
            elements.append(ElementInfo(segment: id, path: path, maxOccurs: maxOccurs, alternatives: alternatives))
            if symbol != StructureAutomaton.anySymbol { symbols.insert(symbol) }
            edges.append(Edge(source: a, target: b, kind: .consume, symbol: symbol, element: index))
            if required {
                edges.append(Edge(source: a, target: b, kind: .insert, symbol: symbol, element: index, opensGroup: opens))
            }
            return b
        }
    }
}
