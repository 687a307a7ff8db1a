@testable import FHIR
import Foundation
import Synchronization
import Testing

@Suite("LazyObjectSlots")
struct LazyObjectSlotsTests {
    final class Object: Sendable {
        let number: Int
        init(_ number: Int) { self.number = number }
    }

    @Test("finds each slot's object once, then keeps it; slots are independent")
    func once() {
        let slots = LazyObjectSlots<Object>(count: 3)
        var calls = 0
        #expect(slots.value(at: 0) { calls += 1; return Object(7) }.number == 7)
        #expect(slots.value(at: 0) { calls += 1; return Object(8) }.number == 7)
        #expect(slots.value(at: 2) { calls += 1; return Object(9) }.number == 9)
        #expect(slots.value(at: 2) { calls += 1; return Object(10) }.number == 9)
        #expect(calls == 2)
    }

    @Test("threads finding a slot's object at once all get the one stored")
    func concurrent() {
        for _ in 0..<50 {
            let slots = LazyObjectSlots<Object>(count: 2)
            let seen = Mutex<[ObjectIdentifier]>([])
            DispatchQueue.concurrentPerform(iterations: 8) { iteration in
                let object = slots.value(at: 1) { Object(iteration) }
                seen.withLock { $0.append(ObjectIdentifier(object)) }
            }
            #expect(Set(seen.withLock { $0 }).count == 1)
        }
    }

    @Test("releases the objects stored with the slots")
    func releases() {
        weak var kept: Object?
        do {
            let slots = LazyObjectSlots<Object>(count: 1)
            let object = slots.value(at: 0) { Object(1) }
            kept = object
            #expect(kept != nil)
        }
        #expect(kept == nil)
    }
}
