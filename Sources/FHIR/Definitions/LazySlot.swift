import Synchronization

/// A value found once and then read without a lock, for what every element looks up (a child's
/// plan, a binding's value set). `AtomicLazyReference` does the same but is not specialized in
/// client code: each `load()` looked its generic metadata up at run time, which cost more than a
/// lock.
final class LazySlot<Value: Sendable>: Sendable {
    /// The value, boxed.
    private final class Box: Sendable {
        let value: Value
        init(_ value: Value) { self.value = value }
    }

    /// The retained box's address; 0 until stored.
    private let address = Atomic<UInt>(0)

    init() {}

    /// The value, finding it with `find` the first time (when two threads find it at once, the
    /// first stored is kept).
    func value(_ find: () -> Value) -> Value {
        let stored = address.load(ordering: .acquiring)
        if let pointer = UnsafeRawPointer(bitPattern: stored) {
            return Unmanaged<Box>.fromOpaque(pointer).takeUnretainedValue().value
        }
        let box = Unmanaged.passRetained(Box(find()))
        let (exchanged, current) = address.compareExchange(expected: 0, desired: UInt(bitPattern: box.toOpaque()), ordering: .acquiringAndReleasing)
        if exchanged { return box.takeUnretainedValue().value }
        box.release()
        return Unmanaged<Box>.fromOpaque(UnsafeRawPointer(bitPattern: current)!).takeUnretainedValue().value
    }

    deinit {
        if let pointer = UnsafeRawPointer(bitPattern: address.load(ordering: .acquiring)) {
            Unmanaged<Box>.fromOpaque(pointer).release()
        }
    }
}
