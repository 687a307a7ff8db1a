/// A value kept in one shared box, copied on write: a struct with many reference-counted fields
/// (``Element``, ``ElementDefinition``, ``StructureDefinition``) keeps them in one of these, so a
/// copy of it is one reference count, not one per string and array, and it stays a value.
/// (`package`: the claims module keeps its table definitions in one too.)
package struct CopyOnWriteBox<Value: Sendable>: @unchecked Sendable {
    // @unchecked: the box is changed only through `value`'s modify accessor, and only while this
    // value alone holds it (it is copied first otherwise), so a box that two threads can see
    // never changes.

    private final class Box {
        /// Not checked for exclusive access at run time: as above, a box is changed only by the
        /// one value holding it, and the checks cost more than the reads (5 % of a validation run
        /// when `Element` had them).
        @exclusivity(unchecked) var value: Value
        init(_ value: Value) { self.value = value }
    }

    private var box: Box

    package init(_ value: Value) {
        box = Box(value)
    }

    /// The value; changing it copies the box first when another value shares it.
    package var value: Value {
        _read { yield box.value }
        _modify {
            if !isKnownUniquelyReferenced(&box) { box = Box(box.value) }
            yield &box.value
        }
    }

    /// Whether `other` holds the same box, so the same value.
    package func sharesBox(with other: CopyOnWriteBox) -> Bool {
        box === other.box
    }
}
