@testable import FHIR
import Foundation
import Synchronization
import Testing

@Suite("LazySlot")
struct LazySlotTests {
    final class Object: Sendable {}

    @Test("finds the value once, then keeps it")
    func once() {
        let slot = LazySlot<Int>()
        var calls = 0
        #expect(slot.value { calls += 1; return 7 } == 7)
        #expect(slot.value { calls += 1; return 8 } == 7)
        #expect(calls == 1)
    }

    @Test("threads finding it at once all get the one stored")
    func concurrent() {
        for _ in 0..<50 {
            let slot = LazySlot<Object>()
            let seen = Mutex<[ObjectIdentifier]>([])
            DispatchQueue.concurrentPerform(iterations: 8) { _ in
                let object = slot.value { Object() }
                seen.withLock { $0.append(ObjectIdentifier(object)) }
            }
            #expect(Set(seen.withLock { $0 }).count == 1)
        }
    }
}
