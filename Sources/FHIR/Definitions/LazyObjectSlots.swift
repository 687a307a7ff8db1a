import Synchronization

/// A fixed number of objects, each found once and then read without a lock: ``LazySlot`` for
/// many values at once, with the objects' addresses side by side in one buffer.
///
/// ``ChildDefinitions`` keeps the plan of each type of each child here: every element read or
/// validated looks one up (``withValue(at:_:_:)`` lends it without a reference count), and an
/// array of ``LazySlot``s cost a reference count and a cache miss on the slot, then one on its
/// box, before the plan itself.
final class LazyObjectSlots<Value: AnyObject & Sendable>: @unchecked Sendable {
    // @unchecked: the buffer is written only through its atomics (each slot once, from 0 to a
    // retained object's address) and freed in deinit.

    /// The retained objects' addresses; 0 until stored.
    private let slots: UnsafeMutablePointer<Atomic<UInt>>
    /// The number of slots.
    let count: Int

    /// `count` empty slots.
    init(count: Int) {
        self.count = count
        slots = .allocate(capacity: max(1, count))
        for index in 0..<count { (slots + index).initialize(to: Atomic(0)) }
    }

    /// The object in slot `index`, finding it with `find` the first time (when two threads find
    /// it at once, the first stored is kept).
    func value(at index: Int, _ find: () -> Value) -> Value {
        precondition(index >= 0 && index < count, "slot index out of range")
        let stored = slots[index].load(ordering: .acquiring)
        if let pointer = UnsafeRawPointer(bitPattern: stored) {
            return Unmanaged<Value>.fromOpaque(pointer).takeUnretainedValue()
        }
        let found = Unmanaged.passRetained(find())
        let (exchanged, current) = slots[index].compareExchange(
            expected: 0, desired: UInt(bitPattern: found.toOpaque()), ordering: .acquiringAndReleasing)
        if exchanged { return found.takeUnretainedValue() }
        found.release()
        return Unmanaged<Value>.fromOpaque(UnsafeRawPointer(bitPattern: current)!).takeUnretainedValue()
    }

    /// Calls `body` with the object in slot `index`, found with `find` the first time, lent
    /// without a reference count (the slots keep it until they are freed).
    @inline(__always)
    func withValue<Result>(at index: Int, _ find: () -> Value, _ body: (Value) throws -> Result) rethrows -> Result {
        precondition(index >= 0 && index < count, "slot index out of range")
        if let pointer = UnsafeRawPointer(bitPattern: slots[index].load(ordering: .acquiring)) {
            return try Unmanaged<Value>.fromOpaque(pointer)._withUnsafeGuaranteedRef(body)
        }
        return try body(value(at: index, find))
    }

    deinit {
        for index in 0..<count {
            if let pointer = UnsafeRawPointer(bitPattern: slots[index].load(ordering: .acquiring)) {
                Unmanaged<Value>.fromOpaque(pointer).release()
            }
        }
        slots.deinitialize(count: count)
        slots.deallocate()
    }
}
